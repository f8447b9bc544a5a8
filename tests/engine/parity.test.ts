// Exported bundles against PyTorch: each VAE's and segmenter's reference input and output
// (tests/fixtures/parity/<id>.json, written by training/export.py and, for tiny-segment,
// training/export_tiny.py) through onnxruntime-node.
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { readManifest, verifiedFile } from '../../src/main/engine/manifest-loader.ts'
import { openSession } from '../../src/main/engine/runtime.ts'
import { f32, maxAbsDiff, MODELS_DIR, type JsonTensor } from '../helpers/golden.ts'

const PARITY_DIR = path.resolve('tests/fixtures/parity')
const ids = fs.existsSync(PARITY_DIR) ? fs.readdirSync(PARITY_DIR).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)) : []

type Parity =
  | {
      kind?: undefined
      encoder: { image: JsonTensor; latent: JsonTensor }
      decoder: { latent: JsonTensor; image: JsonTensor }
      previewDecoder?: { latent: JsonTensor; image: JsonTensor }
    }
  | { kind: 'segment'; segmenter: { image: JsonTensor; mask: JsonTensor } }

const tensor = (t: JsonTensor) => ({ data: f32(t), dims: t.shape })

describe.each(ids)('%s matches PyTorch', (id) => {
  const fixture = JSON.parse(fs.readFileSync(path.join(PARITY_DIR, `${id}.json`), 'utf8')) as Parity

  it.runIf(fixture.kind === 'segment')('the segmenter agrees within 1e-4', async () => {
    if (fixture.kind !== 'segment') return
    const { dir, manifest } = await readManifest(path.join(MODELS_DIR, id), 'segment')
    const file = await verifiedFile(id, dir, manifest.files.segmenter)
    const input = tensor(fixture.segmenter.image)
    const session = await openSession(file, { preference: 'cpu', warmup: { image: input } })
    const out = await session.run({ image: input })
    expect(out.mask.dims).toEqual(fixture.segmenter.mask.shape)
    expect(maxAbsDiff(out.mask.data, fixture.segmenter.mask.data)).toBeLessThan(1e-4)
    await session.dispose()
  })

  it.runIf(fixture.kind === undefined)('encoder, decoder and preview decoder agree within 1e-3', async () => {
    if (fixture.kind !== undefined) return
    const { dir, manifest } = await readManifest(path.join(MODELS_DIR, id), 'vae')
    // A bundle with a preview decoder has its parity case too (export.py preview-decoder writes both).
    expect(fixture.previewDecoder !== undefined).toBe(manifest.files.previewDecoder !== undefined)
    for (const role of ['encoder', 'decoder', 'previewDecoder'] as const) {
      const ref = manifest.files[role]
      const pair: Record<string, JsonTensor> | undefined = fixture[role]
      if (!ref || !pair) continue
      const file = await verifiedFile(id, dir, ref)
      const [inName, outName] = role === 'encoder' ? (['image', 'latent'] as const) : (['latent', 'image'] as const)
      const input = tensor(pair[inName])
      const session = await openSession(file, { preference: 'cpu', warmup: { [inName]: input } })
      const out = await session.run({ [inName]: input })
      const want = pair[outName]
      expect(out[outName].dims).toEqual(want.shape)
      expect(maxAbsDiff(out[outName].data, want.data)).toBeLessThan(1e-3)
      await session.dispose()
    }
  })
})

it('there is a parity fixture for every trained VAE and every segment bundle', () => {
  const bundles = fs.readdirSync(MODELS_DIR).filter((d) => fs.existsSync(path.join(MODELS_DIR, d, 'model.json')))
  const kind = (d: string) => JSON.parse(fs.readFileSync(path.join(MODELS_DIR, d, 'model.json'), 'utf8')).kind
  const needed = bundles.filter((d) => (kind(d) === 'vae' && !d.startsWith('tiny-')) || kind(d) === 'segment')
  expect(needed).toContain('tiny-segment')
  for (const id of needed) expect(ids).toContain(id)
})
