// A broken bundle is a clear error naming the model and the problem, never a crash later on.
import { createHash } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { loadModel } from '../../src/main/engine/model.ts'
import { listModels } from '../../src/main/engine/registry.ts'
import { editManifest, scratchModels } from '../helpers/models.ts'

describe('loading model bundles', () => {
  let dir: string
  beforeEach(async () => {
    dir = await scratchModels()
  })
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true })
  })
  const load = (id = 'tiny-shadow') => loadModel(id, { modelsDir: dir, preference: 'cpu' })

  it('loads a good bundle on the CPU and reports the device', async () => {
    const m = await load()
    expect(m.manifest.task).toBe('shadow')
    expect(m.device).toMatchObject({ kind: 'cpu', provider: 'cpu' })
    await m.dispose()
  })

  it('names a missing ONNX file', async () => {
    await fs.rm(path.join(dir, 'tiny-shadow', 'denoiser.onnx'))
    await expect(load()).rejects.toThrow("model 'tiny-shadow': missing file denoiser.onnx")
  })

  it('names a checksum mismatch', async () => {
    await fs.appendFile(path.join(dir, 'tiny-vae', 'decoder.onnx'), Buffer.from([0]))
    await expect(load()).rejects.toThrow(/model 'tiny-vae': checksum mismatch for decoder.onnx/)
  })

  it('rejects unknown keys in model.json', async () => {
    await editManifest(dir, 'tiny-shadow', (m) => {
      m.sampler.defaultStep = 1
    })
    await expect(load()).rejects.toThrow(/model 'tiny-shadow': invalid model.json: sampler: .*defaultStep/)
  })

  it('rejects an unknown task', async () => {
    await editManifest(dir, 'tiny-shadow', (m) => {
      m.task = 'colorize'
    })
    await expect(load()).rejects.toThrow("model 'tiny-shadow': unknown task 'colorize' (known: remove, shadow, relight)")
  })

  it('catches a denoiser whose input channels do not match the conditioning', async () => {
    await editManifest(dir, 'tiny-shadow', (m) => {
      m.conditioning[1].channels = 3
    })
    await expect(load()).rejects.toThrow(/model 'tiny-shadow': denoiser 'sample' has 7 channels, the manifest implies 9/)
  })

  it('catches a task model that disagrees with its VAE', async () => {
    await editManifest(dir, 'tiny-shadow', (m) => {
      m.vae.downsample = 16
      m.resolution.multiple = 32
    })
    await expect(load()).rejects.toThrow(/does not match its VAE 'tiny-vae': downsampling 16 vs 8/)
  })

  it('opens a preview decoder where the VAE lists one, checked like the decoder', async () => {
    // The tiny VAE's decoder stands in for a distilled one; the encoder is a wrong file for the role.
    const listAs = async (file: string) => {
      const bytes = await fs.readFile(path.join(dir, 'tiny-vae', file))
      await fs.writeFile(path.join(dir, 'tiny-vae', 'preview-decoder.onnx'), bytes)
      await editManifest(dir, 'tiny-vae', (m) => {
        m.files.previewDecoder = { path: 'preview-decoder.onnx', sha256: createHash('sha256').update(bytes).digest('hex') }
      })
    }
    expect((await load()).previewDecoder).toBeUndefined()
    await listAs('decoder.onnx')
    const m = await load()
    expect(m.previewDecoder?.inputs.map((i) => i.name)).toEqual(['latent'])
    await m.dispose()
    await listAs('encoder.onnx')
    await expect(load()).rejects.toThrow(/model 'tiny-vae': decoder has inputs \[image\]/)
  })

  it('takes a hole fill on removal models only', async () => {
    await editManifest(dir, 'tiny-remove', (m) => {
      m.holeFill = 'pushpull'
    })
    expect((await load('tiny-remove')).manifest.holeFill).toBe('pushpull')
    await editManifest(dir, 'tiny-shadow', (m) => {
      m.holeFill = 'pushpull'
    })
    await expect(load()).rejects.toThrow(/holeFill is for remove models only/)
  })

  it('takes a shadow projection on shadow models only', async () => {
    expect((await load('tiny-shadow')).manifest.conditioning.map((c) => c.kind)).toContain('shadowProjection')
    await editManifest(dir, 'tiny-relight', (m) => {
      m.conditioning.push({ name: 'projection', kind: 'shadowProjection', channels: 1, resize: 'render' })
    })
    await expect(load('tiny-relight')).rejects.toThrow(/a shadowProjection is for shadow models only/)
  })

  it('names a missing VAE', async () => {
    await fs.rm(path.join(dir, 'tiny-vae'), { recursive: true })
    await expect(load()).rejects.toThrow(/model 'tiny-shadow': its VAE 'tiny-vae' cannot be loaded/)
  })

  it('lists broken bundles with their error instead of hiding them', async () => {
    await editManifest(dir, 'tiny-remove', (m) => {
      delete m.license
    })
    const list = await listModels(dir)
    expect(list.map((m) => m.id)).toEqual(expect.arrayContaining(['tiny-relight', 'tiny-remove', 'tiny-shadow', 'tiny-vae']))
    expect(list.find((m) => m.id === 'tiny-remove')?.error).toMatch(/license/)
    expect(list.find((m) => m.id === 'tiny-shadow')).toMatchObject({ task: 'shadow', vae: 'tiny-vae', steps: [1, 2, 4] })
  })
})
