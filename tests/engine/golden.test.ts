// The TypeScript pipeline against PyTorch: encoder, conditioning builders, the sampler at 1, 2
// and 4 steps (replaying PyTorch's bridge noise) and the decoder, on the tiny random models.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildConditioning } from '../../src/main/engine/conditioning.ts'
import { loadModel, type LoadedModel } from '../../src/main/engine/model.ts'
import { bridgePass, decode, encode } from '../../src/main/engine/network.ts'
import type { FloatTensor } from '../../src/main/engine/runtime.ts'
import { sampleBridge } from '../../src/main/engine/sampler.ts'
import { resizeArea, resizeBilinear } from '../../src/main/engine/resize.ts'
import { renderLightMap } from '../../src/shared/light.ts'
import { f32, maxAbsDiff, MODELS_DIR, readGolden, type LightMapCase } from '../helpers/golden.ts'

for (const id of ['tiny-remove', 'tiny-shadow', 'tiny-relight']) {
  describe(`${id} matches PyTorch`, () => {
    const g = readGolden(id)
    const [, , H, W] = g.image.shape
    const [, , lh, lw] = g.latent.shape
    let model: LoadedModel
    beforeAll(async () => {
      model = await loadModel(id, { modelsDir: MODELS_DIR, preference: 'cpu' })
    })
    afterAll(() => model?.dispose())

    it('encodes the image to the same normalised latent', async () => {
      const z = await encode(model, f32(g.image), W, H)
      expect(maxAbsDiff(z, g.zSource.data)).toBeLessThan(1e-4)
    })

    it('builds the same conditioning channels', () => {
      const images = g.zBackground ? { background: f32(g.zBackground) } : undefined
      const cond = buildConditioning(model.manifest, { mask: { data: f32(g.mask), width: W, height: H }, lights: g.lights, images }, lw, lh)
      expect(maxAbsDiff(cond, g.cond.data)).toBeLessThan(1e-5)
    })

    for (const steps of [1, 2, 4]) {
      it(`samples and decodes like PyTorch at ${steps} step(s)`, async () => {
        const c = g.cases.find((k) => k.steps === steps)!
        const denoise = async (sample: FloatTensor, t: number) =>
          (await model.denoiser.run({ sample, timestep: { data: new Float32Array([t]), dims: [1] } })).v.data
        const zTarget = await sampleBridge({ data: f32(g.zSource), dims: g.zSource.shape }, f32(g.cond), denoise, {
          steps,
          bridgeNoiseSigma: model.manifest.sampler.bridgeNoiseSigma,
          noise: (i) => f32(c.noise[i])
        })
        expect(maxAbsDiff(zTarget, c.zTarget.data)).toBeLessThan(1e-4)
        const decoded = await decode(model, zTarget, lw, lh)
        expect(maxAbsDiff(decoded, c.decoded.data)).toBeLessThan(1e-4)
      })
    }

    it('runs the same through the engine pass (conditioning built from the raw inputs)', async () => {
      const c = g.cases.find((k) => k.steps === 2)!
      const images = g.zBackground ? { background: f32(g.zBackground) } : undefined
      const cond = { mask: { data: f32(g.mask), width: W, height: H }, lights: g.lights, images }
      const decoded = await bridgePass(model, f32(g.zSource), lw, lh, cond, { steps: 2, seed: 0, noise: (i) => f32(c.noise[i]) }, { timings: {} })
      expect(maxAbsDiff(decoded, c.decoded.data)).toBeLessThan(1e-4)
    })
  })
}

describe('conditioning resizers match F.interpolate', () => {
  const g = readGolden('tiny-shadow')
  const [, , H, W] = g.mask.shape
  const [, , h, w] = g.maskLatent.shape
  it('bilinear (align_corners=False)', () => {
    expect(maxAbsDiff(resizeBilinear(f32(g.mask), 1, W, H, w, h), g.maskLatent.data)).toBeLessThan(1e-6)
  })
  it('area', () => {
    expect(maxAbsDiff(resizeArea(f32(g.mask), 1, W, H, w, h), g.maskLatentArea.data)).toBeLessThan(1e-6)
  })
})

describe('light maps match training/lbm/light.py', () => {
  const cases = readGolden<LightMapCase[]>('light-maps')
  it.each(cases.map((c, i) => [i, c] as const))('case %i', (_i, c) => {
    const map = renderLightMap(c.spec, c.channels, c.lights, c.width, c.height)
    expect(map.length).toBe(c.map.data.length)
    expect(maxAbsDiff(map, c.map.data)).toBeLessThan(1e-6)
  })
})
