// Input expansion, output naming and mask matching, without the engine.
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expandInputs, outputName } from '../../src/main/batch/index.ts'
import { maskIndex } from '../../src/main/batch/plan.ts'

let root: string
const touch = async (rel: string) => {
  await fs.mkdir(path.dirname(path.join(root, rel)), { recursive: true })
  await fs.writeFile(path.join(root, rel), 'x')
}
beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'lbm-inputs-'))
  for (const f of ['in/a.jpg', 'in/B.JPEG', 'in/c.tif', 'in/notes.txt', 'in/.hidden.jpg', 'in/x.xmp', 'in/sub/d.png', 'in/sub/deep/e.webp', 'in/out/old.jpg', 'in/masks/a.png', 'in/masks/sub/d.png', 'in/masks/d.png', 'in/masks/d.jpg']) await touch(f)
})
afterAll(() => fs.rm(root, { recursive: true, force: true }))

const rels = async (inputs: string[], recursive: boolean) => (await expandInputs(inputs, { recursive, exclude: [path.join(root, 'in/out'), path.join(root, 'in/masks')] })).map((f) => f.rel)

describe('expandInputs', () => {
  it('takes image files only, skips hidden files and the output and masks folders, and recurses on request', async () => {
    expect(await rels([path.join(root, 'in')], false)).toEqual(['B.JPEG', 'a.jpg', 'c.tif'])
    expect(await rels([path.join(root, 'in')], true)).toEqual(['B.JPEG', 'a.jpg', 'c.tif', path.join('sub', 'd.png'), path.join('sub', 'deep', 'e.webp')])
  })

  it('globs mirror the tree below their fixed part; named files are taken as they are, once', async () => {
    expect(await rels([path.join(root, 'in', '**', '*.png')], false)).toEqual([path.join('sub', 'd.png')]) // the masks folder is excluded
    expect(await rels([path.join(root, 'in/notes.txt'), path.join(root, 'in/a.jpg'), path.join(root, 'in/a.jpg')], false)).toEqual(['a.jpg', 'notes.txt'])
  })
})

describe('naming and masks', () => {
  it('fills {stem}, {ext} (of the output format, or kept) and {task}', () => {
    expect(outputName('{stem}{ext}', 'sub/photo.JPG', 'keep', 'remove')).toBe('photo.JPG')
    expect(outputName('{stem}-{task}{ext}', 'photo.jpg', 'png', 'shadow')).toBe('photo-shadow.png')
    expect(outputName('{stem}{ext}', 'photo.png', 'tiff', 'relight')).toBe('photo.tif')
  })

  it('matches masks by stem, the mirrored path first, PNG preferred', async () => {
    const find = await maskIndex(path.join(root, 'in/masks'))
    expect(find('a.jpg')).toBe(path.join(root, 'in/masks/a.png'))
    expect(find(path.join('sub', 'd.jpg'))).toBe(path.join(root, 'in/masks/sub/d.png'))
    expect(find(path.join('other', 'd.jpg'))).toBe(path.join(root, 'in/masks/d.png'))
    expect(find('zzz.jpg')).toBeUndefined()
  })
})
