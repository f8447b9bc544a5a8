// Edits averaged over views of their input (a model's `viewAverage`), with the shipped models on
// a scratch copy of the bundles: an edit of the mirrored photo (under the mirrored light) is the
// mirror image of the edit, which the network alone is not; the live preview stays at one view;
// and the manifest's check of the setting.
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
  await photo.clone().png().toFile(path.join(work, 'photo.png'))
  await photo.clone().flop().png().toFile(path.join(work, 'photo-m.png'))
  for (const name of ['object', 'subject']) {
    const mask = sharp(samplePath(`still-life-${name}-mask.png`)).resize(320, 240, { fit: 'fill' }).greyscale()
    await mask.clone().png().toFile(path.join(work, `${name}.png`))
    await mask.clone().flop().png().toFile(path.join(work, `${name}-m.png`))
  }
})
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true })
})

/** Sets the models' viewAverage in the scratch bundles, then runs `use` on a fresh engine over them. */
async function withViews<T>(views: Record<string, number>, use: (engine: Engine) => Promise<T>): Promise<T> {
  for (const [id, n] of Object.entries(views)) {
    await editManifest(dir, id, (m) => {
      m.viewAverage = n
    })
  }
  const engine = new Engine({ modelsDir: dir, device: 'cpu' })
  try {
    return await use(engine)
  } finally {
    await engine.dispose()
  }
}

const light = { azimuth: 30, elevation: 35, softness: 0.3 }
const mirrored = { ...light, azimuth: 150 }

/**
 * Mean absolute difference (0..255) between an edit and the mirror image of the mirrored photo's
 * edit, with the model's viewAverage set to `views`.
 */
async function mirrorAsymmetry(task: 'remove' | 'shadow', views: number): Promise<number> {
  const id = task === 'remove' ? 'lbm-remove-s8' : 'lbm-shadow-s8'
  const mask = task === 'remove' ? 'object' : 'subject'
  return withViews({ [id]: views }, async (engine) => {
    const run = (image: string, m: string, output: string, l: typeof light) =>
      engine.run({ task, image: path.join(work, image), mask: path.join(work, m), ...(task === 'shadow' ? { light: l } : {}), output: { path: path.join(work, output), overwrite: true } })
    const a = (await readImage((await run('photo.png', `${mask}.png`, 'a.png', light)).output)).raster
    const b = await sharp((await run('photo-m.png', `${mask}-m.png`, 'b.png', mirrored)).output).flop().raw().toBuffer()
    let sum = 0
    for (let i = 0; i < b.length; i++) sum += Math.abs(a.data[i] - b[i])
    return sum / b.length
  })
}

describe('viewAverage', () => {
  // Removal over four views, a shadow over the photo and its mirror image under the mirrored light.
  it.each([['remove', 4], ['shadow', 2]] as const)('%s: the edit of the mirrored photo is the mirror image of the edit over %i views, not over one', async (task, views) => {
    const one = await mirrorAsymmetry(task, 1)
    const averaged = await mirrorAsymmetry(task, views)
    console.log(`mirror asymmetry of ${task} (mean of 0..255 over the photo): ${one.toFixed(4)} one view, ${averaged.toFixed(4)} ${views}`)
    expect(one).toBeGreaterThan(0.05)
    // What remains comes from the steps around the network (resizing, rounding), not from it.
    expect(averaged).toBeLessThan(one / 3)
  })

  it('runs one view in the live preview, all of them in the edit', async () => {
    await withViews({ 'lbm-remove-s8': 4 }, async (engine) => {
      const steps: string[] = []
      const request = { task: 'remove', image: path.join(work, 'photo.png'), mask: path.join(work, 'object.png'), output: { path: path.join(work, 'c.png'), overwrite: true } }
      const onProgress = (e: { stage: string }) => e.stage === 'encode' && steps.push('encode')
      await engine.preview(request, 256, { onProgress })
      expect(steps).toHaveLength(1)
      steps.length = 0
      await engine.run(request, { onProgress })
      expect(steps).toHaveLength(4)
    })
  })

  it('is checked in the manifest: 1, 2, 4 or 8 views for removal, 1 or 2 for shadow and relight', async () => {
    await withViews({ 'lbm-remove-s8': 3, 'lbm-shadow-s8': 4 }, async (engine) => {
      await expect(engine.model('lbm-remove-s8')).rejects.toThrow(/viewAverage/)
      await expect(engine.model('lbm-shadow-s8')).rejects.toThrow(/viewAverage is 1 or 2 \(the mirror image\) for shadow and relight models/)
    })
  })
})
