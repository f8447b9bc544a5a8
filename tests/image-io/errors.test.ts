import { chmod, mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ImageIOError, probeImage, readImage, readMask, type ImageIOErrorCode } from '../../src/main/image-io/index.ts'
import { fromRaster, makeTmp, pattern } from './helpers.ts'

let dir: string
let cleanup: () => Promise<void>
let jpeg: Buffer
let png: Buffer
beforeAll(async () => {
  ;({ dir, cleanup } = await makeTmp())
  const src = fromRaster(pattern(200, 150, 3, 8))
  jpeg = await src.clone().jpeg().toBuffer()
  png = await src.clone().png().toBuffer()
})
afterAll(() => cleanup())

/** Runs fn and returns the ImageIOError it must throw. */
async function ioError(fn: () => Promise<unknown>): Promise<ImageIOError> {
  try {
    await fn()
  } catch (err) {
    expect(err).toBeInstanceOf(ImageIOError)
    return err as ImageIOError
  }
  throw new Error('expected an ImageIOError')
}

async function expectCode(path: string, code: ImageIOErrorCode, read: (p: string) => Promise<unknown> = readImage): Promise<ImageIOError> {
  const err = await ioError(() => read(path))
  expect(err.code).toBe(code)
  expect(err.path).toBe(path)
  // One plain line that names the file.
  expect(err.message).toContain(path)
  expect(err.message).not.toContain('\n')
  return err
}

describe('bad input gets its own code', () => {
  it('NOT_FOUND for a missing file or missing folder', async () => {
    await expectCode(join(dir, 'nope.png'), 'NOT_FOUND')
    await expectCode(join(dir, 'no-such-dir', 'x.png'), 'NOT_FOUND', probeImage)
  })

  it('UNREADABLE for a folder', async () => {
    const path = join(dir, 'folder.png')
    await mkdir(path)
    await expectCode(path, 'UNREADABLE')
  })

  it.skipIf(process.getuid?.() === 0 || process.platform === 'win32')('UNREADABLE without read permission', async () => {
    const path = join(dir, 'locked.png')
    await writeFile(path, png)
    await chmod(path, 0o000)
    await expectCode(path, 'UNREADABLE')
  })

  it('EMPTY for a zero-byte file', async () => {
    const path = join(dir, 'empty.jpg')
    await writeFile(path, Buffer.alloc(0))
    await expectCode(path, 'EMPTY', probeImage)
  })

  it('NOT_AN_IMAGE for a text file renamed .jpg', async () => {
    const path = join(dir, 'notes.jpg')
    await writeFile(path, 'Shopping list:\n- milk\n- bread\n')
    await expectCode(path, 'NOT_AN_IMAGE', probeImage)
  })

  it('TRUNCATED for a cut-off JPEG and PNG instead of grey pixels', async () => {
    const j = join(dir, 'cut.jpg')
    const p = join(dir, 'cut.png')
    await writeFile(j, jpeg.subarray(0, Math.floor(jpeg.length / 2)))
    await writeFile(p, png.subarray(0, Math.floor(png.length / 2)))
    expect((await probeImage(j)).width).toBe(200) // the header alone is intact
    await expectCode(j, 'TRUNCATED')
    await expectCode(p, 'TRUNCATED')
    await expectCode(p, 'TRUNCATED', (path) => readMask(path, 200, 150))
  })

  it('TRUNCATED when even the header is cut', async () => {
    const path = join(dir, 'stub.png')
    await writeFile(path, png.subarray(0, 20))
    await expectCode(path, 'TRUNCATED', probeImage)
  })

  it('TOO_LARGE names the size and the limit', async () => {
    const path = join(dir, 'big.png')
    await writeFile(path, png)
    const err = await expectCode(path, 'TOO_LARGE', (p) => readImage(p, { maxPixels: 10_000 }))
    expect(err.message).toContain('200 x 150')
    expect(err.message).toContain('10000')
    await expectCode(path, 'TOO_LARGE', (p) => probeImage(p, { maxPixels: 10_000 }))
    expect((await probeImage(path, { maxPixels: 30_000 })).width).toBe(200)
  })

  it('UNSUPPORTED_FORMAT for a GIF and a camera raw file', async () => {
    const gif = join(dir, 'anim.gif')
    await fromRaster(pattern(4, 4, 3, 8)).gif().toFile(gif)
    await expectCode(gif, 'UNSUPPORTED_FORMAT', probeImage)
    const dng = join(dir, 'camera.dng')
    await fromRaster(pattern(4, 4, 3, 8)).tiff().toFile(dng)
    await expectCode(dng, 'UNSUPPORTED_FORMAT', probeImage)
  })

  it('identifies files by content, not extension', async () => {
    const path = join(dir, 'really-a-png.jpg')
    await writeFile(path, png)
    expect((await probeImage(path)).format).toBe('png')
  })
})
