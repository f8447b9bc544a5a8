// Trained bundles against PyTorch: each exported VAE's reference input and output
// (tests/fixtures/parity/<id>.json, written by training/export.py) through onnxruntime-node.
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { readManifest, verifiedFile } from '../../src/main/engine/manifest-loader.ts'
import { openSession } from '../../src/main/engine/runtime.ts'
import { f32, maxAbsDiff, MODELS_DIR, type JsonTensor } from '../helpers/golden.ts'

const PARITY_DIR = path.resolve('tests/fixtures/parity')
const ids = fs.existsSync(PARITY_DIR) ? fs.readdirSync(PARITY_DIR).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)) : []

interface Parity {
  encoder: { image: JsonTensor; latent: JsonTensor }
  decoder: { latent: JsonTensor; image: JsonTensor }
}

const tensor = (t: JsonTensor) => ({ data: f32(t), dims: t.shape })

describe.each(ids)('%s matches PyTorch', (id) => {
  const fixture = JSON.parse(fs.readFileSync(path.join(PARITY_DIR, `${id}.json`), 'utf8')) as Parity

  it('encoder and decoder agree within 1e-3', async () => {
    const { dir, manifest } = await readManifest(path.join(MODELS_DIR, id), 'vae')
    for (const role of ['encoder', 'decoder'] as const) {
      const file = await verifiedFile(id, dir, manifest.files[role])
      const [inName, outName] = role === 'encoder' ? (['image', 'latent'] as const) : (['latent', 'image'] as const)
      const input = tensor(fixture[role][inName])
      const session = await openSession(file, { preference: 'cpu', warmup: { [inName]: input } })
      const out = await session.run({ [inName]: input })
      expect(out[outName].dims).toEqual(fixture[role][outName].shape)
      expect(maxAbsDiff(out[outName].data, fixture[role][outName].data)).toBeLessThan(1e-3)
      await session.dispose()
    }
  })
})

it('there is a parity fixture for every trained VAE bundle', () => {
  const trained = fs
    .readdirSync(MODELS_DIR)
    .filter((d) => fs.existsSync(path.join(MODELS_DIR, d, 'model.json')) && !d.startsWith('tiny-'))
    .filter((d) => JSON.parse(fs.readFileSync(path.join(MODELS_DIR, d, 'model.json'), 'utf8')).kind === 'vae')
  for (const id of trained) expect(ids).toContain(id)
})
