// The shipped shadow model through the engine: the photo keeps its fine detail. The transfer
// carries the model's output minus the VAE's own reconstruction of the photo; carrying the output
// minus the photo itself would import the VAE's loss of detail as a blur of the whole picture.
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Engine } from '../../src/main/engine/engine.ts'
import { readImage, type Raster } from '../../src/main/image-io/index.ts'
import { samplePath } from '../../src/main/samples.ts'

let dir: string
let engine: Engine
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lbm-detail-'))
  engine = new Engine({ device: 'cpu' })
})
afterAll(async () => {
  await engine.dispose()
  await fs.rm(dir, { recursive: true, force: true })
})

/** Mean absolute Laplacian of the green channel: the photo's fine detail. */
function detail(r: Raster): number {
  const { width: W, height: H, channels: C, data } = r
  let sum = 0
  for (let y = 1; y < H - 1; y++)
    for (let x = 1; x < W - 1; x++) {
      const g = (xx: number, yy: number) => data[(yy * W + xx) * C + 1]
      sum += Math.abs(4 * g(x, y) - g(x - 1, y) - g(x + 1, y) - g(x, y - 1) - g(x, y + 1))
    }
  return sum / ((W - 2) * (H - 2))
}

describe('detail survives a shadow edit with the shipped models', () => {
  it('keeps at least 97% of the photo\'s fine detail', async () => {
    // A small photo, so the transfer's coefficient grid is as fine as the photo itself: that is
    // where carrying the VAE's loss of detail would show most.
    const photo = path.join(dir, 'small.png')
    const mask = path.join(dir, 'small-mask.png')
    await sharp(samplePath('still-life.jpg')).resize(320).png().toFile(photo)
    await sharp(samplePath('still-life-subject-mask.png')).resize(320).png().toFile(mask)
    const r = await engine.run({
      task: 'shadow', image: photo, mask,
      light: { azimuth: 135, elevation: 35, softness: 0.3 }, output: { path: path.join(dir, 'shadow.png') }
    })
    expect(r.model).toBe('lbm-shadow-s8')
    const ratio = detail((await readImage(r.output)).raster) / detail((await readImage(photo)).raster)
    expect(ratio).toBeGreaterThan(0.97)
    expect(ratio).toBeLessThan(1.03)
  })
})
