// Removal averaged over views of the crop (a remove model's `viewAverage`), with the shipped
// removal model on a scratch copy of the bundles: an edit of the mirrored photo is the mirror
// image of the edit, which the network alone is not; the live preview stays at one view; and
// the manifest's check of the setting.
import fs from 'node:fs/promises'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Engine } from '../../src/main/engine/engine.ts'
import { readImage } from '../../src/main/image-io/index.ts'
import { samplePath } from '../../src/main/samples.ts'
import { editManifest, scratchModels } from '../helpers/models.ts'

let dir: string
let work: string
beforeAll(async () => {
  dir = await scratchModels()
  work = path.join(dir, 'work')
  await fs.mkdir(work)
  // A small photo and its mirror image, the object's mask and its mirror image.
  const photo = sharp(samplePath('still-life.jpg')).resize(320, 240)
  const mask = sharp(samplePath('still-life-object-mask.png')).resize(320, 240, { fit: 'fill' }).greyscale()
  await photo.clone().png().toFile(path.join(work, 'photo.png'))
  await photo.clone().flop().png().toFile(path.join(work, 'photo-m.png'))
  await mask.clone().png().toFile(path.join(work, 'mask.png'))
  await mask.clone().flop().png().toFile(path.join(work, 'mask-m.png'))
})
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true })
})

/** Mean absolute difference (0..255) between an edit and the mirror image of the mirrored photo's edit. */
async function mirrorAsymmetry(views: number): Promise<number> {
  await editManifest(dir, 'lbm-remove-s8', (m) => {
    m.viewAverage = views
  })
  const engine = new Engine({ modelsDir: dir, device: 'cpu' })
  try {
    const run = (image: string, mask: string, output: string) =>
      engine.run({ task: 'remove', image: path.join(work, image), mask: path.join(work, mask), output: { path: path.join(work, output), overwrite: true } })
    const a = (await readImage((await run('photo.png', 'mask.png', 'a.png')).output)).raster
    const b = await sharp((await run('photo-m.png', 'mask-m.png', 'b.png')).output).flop().raw().toBuffer()
    let sum = 0
    for (let i = 0; i < b.length; i++) sum += Math.abs(a.data[i] - b[i])
    return sum / b.length
  } finally {
    await engine.dispose()
  }
}

describe('remove with viewAverage', () => {
  it('edits a mirrored photo into the mirror image of the edit; one view alone does not', async () => {
    const one = await mirrorAsymmetry(1)
    const four = await mirrorAsymmetry(4)
    console.log(`mirror asymmetry of the removal (mean of 0..255 over the photo): ${one.toFixed(4)} one view, ${four.toFixed(4)} four`)
    expect(one).toBeGreaterThan(0.05)
    // What remains comes from the steps around the network (resizing, rounding), not from it.
    expect(four).toBeLessThan(one / 3)
  })

  it('runs one view in the live preview, all of them in the edit', async () => {
    await editManifest(dir, 'lbm-remove-s8', (m) => {
      m.viewAverage = 4
    })
    const engine = new Engine({ modelsDir: dir, device: 'cpu' })
    try {
      const steps: string[] = []
      const request = { task: 'remove', image: path.join(work, 'photo.png'), mask: path.join(work, 'mask.png'), output: { path: path.join(work, 'c.png'), overwrite: true } }
      const onProgress = (e: { stage: string }) => e.stage === 'encode' && steps.push('encode')
      await engine.preview(request, 256, { onProgress })
      expect(steps).toHaveLength(1)
      steps.length = 0
      await engine.run(request, { onProgress })
      expect(steps).toHaveLength(4)
    } finally {
      await engine.dispose()
    }
  })

  it('is checked in the manifest: 1, 2, 4 or 8 views, and for remove models only', async () => {
    await editManifest(dir, 'lbm-remove-s8', (m) => {
      m.viewAverage = 3
    })
    const engine = new Engine({ modelsDir: dir, device: 'cpu' })
    try {
      await expect(engine.model('lbm-remove-s8')).rejects.toThrow(/viewAverage/)
      await editManifest(dir, 'lbm-shadow-s8', (m) => {
        m.viewAverage = 2
      })
      await expect(engine.model('lbm-shadow-s8')).rejects.toThrow(/viewAverage is for remove models only/)
    } finally {
      await engine.dispose()
    }
  })
})
