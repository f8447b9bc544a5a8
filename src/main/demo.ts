// The demo: each task once on the sample photos, then a before/after sheet.
import fs from 'node:fs/promises'
import path from 'node:path'
import sharp from 'sharp'
import type { EditRequestInput, EditResult } from '../shared/contract.ts'
import { Engine } from './engine/engine.ts'
import { samplePath } from './samples.ts'

export async function runDemo(outDir: string, device: 'auto' | 'cpu' | 'gpu'): Promise<EditResult[]> {
  await fs.mkdir(outDir, { recursive: true })
  const photo = samplePath('still-life.jpg')
  const subject = samplePath('still-life-subject-mask.png')
  const out = (name: string) => ({ path: path.join(outDir, name), overwrite: true })
  const jobs: EditRequestInput[] = [
    { task: 'remove', image: photo, mask: samplePath('still-life-object-mask.png'), output: out('still-life-remove.jpg') },
    { task: 'shadow', image: photo, mask: subject, light: { azimuth: 135, elevation: 35, softness: 0.3 }, output: out('still-life-shadow.jpg') },
    { task: 'relight', image: photo, mask: subject, background: samplePath('sunset-backdrop.jpg'), lights: [], output: out('still-life-relight.jpg') }
  ]
  const engine = new Engine({ device })
  const results: EditResult[] = []
  try {
    for (const job of jobs) results.push(await engine.run(job))
  } finally {
    await engine.dispose()
  }
  await fs.copyFile(photo, path.join(outDir, 'still-life-before.jpg'))
  await writeSheet([photo, ...results.map((r) => r.output)], path.join(outDir, 'demo-sheet.png'))
  return results
}

/** The pictures side by side at 384 px wide. */
async function writeSheet(files: string[], target: string): Promise<void> {
  const w = 384
  const tiles = await Promise.all(files.map((f) => sharp(f).resize({ width: w }).png().toBuffer({ resolveWithObject: true })))
  const h = Math.max(...tiles.map((t) => t.info.height))
  await sharp({ create: { width: w * tiles.length, height: h, channels: 3, background: '#202020' } })
    .composite(tiles.map((t, i) => ({ input: t.data, left: i * w, top: 0 })))
    .png()
    .toFile(target)
}
