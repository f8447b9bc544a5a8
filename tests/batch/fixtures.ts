// A nested folder of small photos made from the sample (256x192 keeps the suite fast), masks
// matched by stem, and the bad files users actually have: empty, truncated, not an image, no mask.
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { samplePath } from '../../src/main/samples.ts'

export const W = 256
export const H = 192

export interface Tree {
  root: string
  photos: string
  masks: string
  /** Relative paths (below photos/) of the photos that should edit fine. */
  good: string[]
  /** Relative path -> expected failure code. */
  bad: Record<string, string>
}

const GOOD = ['a1.jpg', 'a2.jpg', 'a3.jpg', 'a4.jpg', 'a5.png', 'a6.jpg', 'sub/b1.jpg', 'sub/b2.jpg', 'sub/b3.png', 'sub/b4.jpg', 'sub/deep/c1.jpg', 'sub/deep/c2.png', 'sub/deep/c3.jpg']
const BAD: Record<string, string> = { 'empty.jpg': 'EMPTY', 'sub/truncated.jpg': 'TRUNCATED', 'notes.jpg': 'NOT_AN_IMAGE', 'sub/nomask.jpg': 'NO_MASK' }

export async function makeTree(): Promise<Tree> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'lbm-batch-'))
  const photos = path.join(root, 'photos')
  const masks = path.join(root, 'masks')
  await fs.mkdir(path.join(photos, 'sub', 'deep'), { recursive: true })
  await fs.mkdir(masks)
  const base = sharp(samplePath('still-life.jpg')).resize(W, H)
  const mask = await sharp(samplePath('still-life-object-mask.png')).resize(W, H).png().toBuffer()
  for (const [i, rel] of [...GOOD, 'sub/nomask.jpg'].entries()) {
    // Each photo a little different, so a mix-up of inputs would show in the outputs.
    const img = base.clone().modulate({ brightness: 0.8 + i * 0.03 })
    await (rel.endsWith('.png') ? img.png() : img.jpeg({ quality: 90 })).toFile(path.join(photos, rel))
  }
  for (const rel of [...GOOD, 'empty.jpg', 'sub/truncated.jpg', 'notes.jpg']) await fs.writeFile(path.join(masks, `${path.parse(rel).name}.png`), mask)
  await fs.writeFile(path.join(photos, 'empty.jpg'), '')
  const jpeg = await base.clone().jpeg().toBuffer()
  await fs.writeFile(path.join(photos, 'sub/truncated.jpg'), jpeg.subarray(0, jpeg.length >> 1))
  await fs.writeFile(path.join(photos, 'notes.jpg'), 'shopping list: eggs, milk\n')
  await fs.writeFile(path.join(photos, 'readme.txt'), 'not a photo, not scanned\n')
  return { root, photos, masks, good: GOOD, bad: BAD }
}

/** Every file below a folder (hidden ones too: a temporary file must show), relative, sorted. */
export async function listAll(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true })
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort()
}
