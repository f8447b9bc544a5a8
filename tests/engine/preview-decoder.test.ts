// The live preview decodes with the VAE's distilled preview decoder where the bundle has one
// (lbm-vae-s8 does): a light move then costs less, and its preview stays close to the one the
// full decoder gives, because the edit and the reconstruction it is measured against both go
// through the same decoder.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { shrink } from '../../src/main/engine/fit.ts'
import { loadModel, type LoadedModel } from '../../src/main/engine/model.ts'
import { castShadow, type TaskInput } from '../../src/main/engine/tasks.ts'
import { readImage, readMask, type Raster } from '../../src/main/image-io/index.ts'
import { samplePath } from '../../src/main/samples.ts'
import type { Light } from '../../src/shared/light.ts'
import { MODELS_DIR } from '../helpers/golden.ts'

let model: LoadedModel
let photo: Raster
let mask: Uint8Array
beforeAll(async () => {
  model = await loadModel('lbm-shadow-s8', { modelsDir: MODELS_DIR, preference: 'cpu' })
  photo = await shrink((await readImage(samplePath('still-life.jpg'))).raster, 512)
  mask = await readMask(samplePath('still-life-subject-mask.png'), photo.width, photo.height)
})
afterAll(() => model.dispose())

/** Per-pixel darkening of `after` against `before` (sum over RGB, 8-bit levels). */
function darkening(before: Raster, after: Raster): Float64Array {
  const out = new Float64Array(before.width * before.height)
  const C = before.channels
  for (let i = 0; i < out.length; i++) for (let c = 0; c < 3; c++) out[i] += before.data[i * C + c] - after.data[i * C + c]
  return out
}

function correlation(a: Float64Array, b: Float64Array): number {
  const mean = (x: Float64Array) => x.reduce((s, v) => s + v, 0) / x.length
  const [ma, mb] = [mean(a), mean(b)]
  let [ab, aa, bb] = [0, 0, 0]
  for (let i = 0; i < a.length; i++) {
    ab += (a[i] - ma) * (b[i] - mb)
    aa += (a[i] - ma) ** 2
    bb += (b[i] - mb) ** 2
  }
  return ab / Math.sqrt(aa * bb)
}

describe('the preview decoder', () => {
  it('is part of the shipped VAE', () => {
    expect(model.vae.files.previewDecoder).toBeDefined()
    expect(model.vae.files.previewDecoder!.flopsPerPixel!).toBeLessThan(0.5 * model.vae.files.decoder.flopsPerPixel!)
  })

  it('gives the preview nearly the full decoder\'s shadow', async () => {
    const light: Light = { azimuth: 135, elevation: 35, softness: 0.3, intensity: 1, colour: [1, 1, 1] }
    const edit = async (preview: boolean) => {
      const input: TaskInput = { model, image: photo, mask, steps: 1, seed: 0, preview }
      return (await castShadow(input, { timings: {} }, light, 1)).image
    }
    const [full, fast] = [await edit(false), await edit(true)]
    const [dFull, dFast] = [darkening(photo, full), darkening(photo, fast)]
    let [diff, shadow, differ] = [0, 0, 0]
    for (let i = 0; i < dFull.length; i++) {
      diff += Math.abs(dFast[i] - dFull[i])
      shadow += Math.abs(dFull[i])
      if (dFast[i] !== dFull[i]) differ++
    }
    expect(differ).toBeGreaterThan(0) // the preview decoder did run
    expect(shadow / dFull.length).toBeGreaterThan(1) // there is a shadow to compare
    expect(diff / shadow).toBeLessThan(0.06) // measured: 0.018
    expect(correlation(dFull, dFast)).toBeGreaterThan(0.99) // measured: 0.9998
  })
})
