import { link, mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import sharp, { type Sharp } from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeImage, ImageIOError, readImage, writeImage, type ImageIOErrorCode, type Raster } from '../../src/main/image-io/index.ts'
import { fromRaster, makeTmp, maxDiff, pattern } from './helpers.ts'

let dir: string
let cleanup: () => Promise<void>
beforeAll(async () => ({ dir, cleanup } = await makeTmp()))
afterAll(() => cleanup())

async function code(fn: () => Promise<unknown>): Promise<ImageIOErrorCode> {
  try {
    await fn()
  } catch (err) {
    if (err instanceof ImageIOError) return err.code
    throw err
  }
  throw new Error('expected an ImageIOError')
}

/** Writes `src` as the given fixture, reads it, writes it back with defaults, and reads that. */
async function roundTrip(name: string, src: Raster, encode: (s: Sharp) => Sharp) {
  const inPath = join(dir, name)
  await encode(fromRaster(src)).toFile(inPath)
  const first = await readImage(inPath)
  const outPath = join(dir, `out-${name}`)
  const res = await writeImage(outPath, first.raster, { source: first.info })
  const second = await readImage(outPath)
  return { first, second, res }
}

describe('lossless round trips keep every value', () => {
  it('8-bit RGBA PNG: alpha and colour exact', async () => {
    const src = pattern(17, 11, 4, 8)
    const { second, res } = await roundTrip('rgba.png', src, (s) => s.png())
    expect(res.format).toBe('png')
    expect(maxDiff(second.raster.data, src.data)).toBe(0)
  })

  it('lossless WebP with alpha stays lossless WebP, exact', async () => {
    const src = pattern(17, 11, 4, 8)
    const { second } = await roundTrip('rgba.webp', src, (s) => s.webp({ lossless: true, exact: true }))
    expect(second.info).toMatchObject({ format: 'webp', lossless: true })
    expect(maxDiff(second.raster.data, src.data)).toBe(0)
  })

  for (const [name, encode] of [
    ['deep.png', (s: Sharp) => s.png()],
    ['deep.tif', (s: Sharp) => s.tiff({ compression: 'deflate' })]
  ] as const) {
    it(`16-bit ${name} RGB and RGBA: 16-bit out, values exact`, async () => {
      for (const ch of [3, 4] as const) {
        const src = pattern(13, 9, ch, 16)
        const { second } = await roundTrip(`${ch}-${name}`, src, encode)
        expect(second.info.bitDepth).toBe(16)
        expect(second.raster.data).toBeInstanceOf(Uint16Array)
        expect(maxDiff(second.raster.data, src.data)).toBe(0)
        const outMeta = await sharp(join(dir, `out-${ch}-${name}`)).metadata()
        expect(outMeta.depth).toBe('ushort')
      }
    })
  }

  it('a lossless source written as AVIF is lossless', async () => {
    const src = pattern(16, 16, 4, 8)
    await fromRaster(src).png().toFile(join(dir, 'for-avif.png'))
    const { info, raster } = await readImage(join(dir, 'for-avif.png'))
    await writeImage(join(dir, 'from-png.avif'), raster, { source: info })
    expect(maxDiff((await readImage(join(dir, 'from-png.avif'))).raster.data, src.data)).toBe(0)
  })
})

describe('lossy formats', () => {
  it('JPEG round trip stays close at the default quality (95, 4:4:4)', async () => {
    const { first, second } = await roundTrip('photo.jpg', pattern(32, 32, 3, 8), (s) => s.blur(1.5).jpeg({ quality: 100 }))
    expect(second.info).toMatchObject({ format: 'jpeg', lossless: false })
    expect(maxDiff(second.raster.data, first.raster.data)).toBeLessThan(12)
  })

  it('16-bit to JPEG/WebP is reduced to 8-bit (high byte)', async () => {
    const src = pattern(8, 8, 3, 16)
    for (const format of ['jpeg', 'webp'] as const) {
      const meta = await sharp(await encodeImage(src, { format, quality: 100 })).metadata()
      expect(meta.depth).toBe('uchar')
    }
    const lossless = await sharp(await encodeImage(src, { format: 'webp' })).raw().toBuffer()
    expect(maxDiff(lossless, Array.from(src.data, (v) => v >> 8))).toBe(0)
  })

  it('JPEG from RGBA is flattened on white (JPEG has no alpha)', async () => {
    const r: Raster = { width: 2, height: 1, channels: 4, bitDepth: 8, data: new Uint8Array([0, 0, 0, 0, 0, 0, 0, 255]) }
    const px = await sharp(await encodeImage(r, { format: 'jpeg' })).raw().toBuffer()
    expect(px.length).toBe(6)
    expect(px[0]).toBeGreaterThan(240)
    expect(px[3]).toBeLessThan(15)
  })

  it('quality is honoured and validated', async () => {
    const src = pattern(64, 64, 3, 8)
    const small = await encodeImage(src, { format: 'jpeg', quality: 10 })
    const big = await encodeImage(src, { format: 'jpeg' })
    expect(small.length).toBeLessThan(big.length)
    await expect(encodeImage(src, { format: 'jpeg', quality: 0 })).rejects.toThrow(RangeError)
    await expect(encodeImage(src, {})).rejects.toThrow(TypeError)
  })

  it('rejects an inconsistent raster', async () => {
    const bad: Raster = { width: 4, height: 4, channels: 3, bitDepth: 16, data: new Uint8Array(48) }
    await expect(encodeImage(bad, { format: 'png' })).rejects.toThrow(TypeError)
  })
})

describe('safe writing', () => {
  const img = pattern(8, 8, 3, 8)

  it('creates missing parent folders and writes non-ASCII names', async () => {
    const out = join(dir, 'new', 'nested', 'фото é 写真.png')
    const res = await writeImage(out, img, { format: 'png' })
    expect(res).toMatchObject({ path: out, format: 'png' })
    expect(res.bytes).toBe((await stat(out)).size)
    expect(maxDiff((await readImage(out)).raster.data, img.data)).toBe(0)
  })

  it('EXISTS unless overwrite, and then replaces atomically', async () => {
    const out = join(dir, 'exists', 'a.png')
    await mkdir(join(dir, 'exists'))
    await writeFile(out, 'old')
    expect(await code(() => writeImage(out, img, { format: 'png' }))).toBe('EXISTS')
    expect(await readFile(out, 'utf8')).toBe('old')
    await writeImage(out, img, { format: 'png', overwrite: true })
    expect((await readImage(out)).info.format).toBe('png')
    expect(await readdir(join(dir, 'exists'))).toEqual(['a.png'])
  })

  it('SAME_AS_INPUT for the source path however it is spelled or linked', async () => {
    const sub = join(dir, 'same')
    await mkdir(sub)
    const src = join(sub, 'in.png')
    await fromRaster(img).png().toFile(src)
    const { info, raster } = await readImage(src)
    const before = await readFile(src)
    await symlink(src, join(sub, 'link.png'))
    await link(src, join(sub, 'hard.png'))
    for (const out of [src, join(sub, '..', 'same', 'in.png'), join(sub, 'link.png'), join(sub, 'hard.png')]) {
      expect(await code(() => writeImage(out, raster, { source: info, overwrite: true }))).toBe('SAME_AS_INPUT')
    }
    expect((await readFile(src)).equals(before)).toBe(true)
  })

  it('UNWRITABLE and no temp file when the parent path is a file', async () => {
    const sub = join(dir, 'blocked')
    await mkdir(sub)
    await writeFile(join(sub, 'file'), 'x')
    expect(await code(() => writeImage(join(sub, 'file', 'out.png'), img, { format: 'png' }))).toBe('UNWRITABLE')
    expect(await readdir(sub)).toEqual(['file'])
  })

  it('UNWRITABLE and no temp file when the output path is a folder', async () => {
    const sub = join(dir, 'dirout')
    await mkdir(join(sub, 'x.png'), { recursive: true })
    expect(await code(() => writeImage(join(sub, 'x.png'), img, { format: 'png', overwrite: true }))).toBe('UNWRITABLE')
    expect(await readdir(sub)).toEqual(['x.png'])
  })

  it('leaves nothing behind when encoding fails', async () => {
    const sub = join(dir, 'encfail')
    await mkdir(sub)
    const bad: Raster = { ...img, data: new Uint8Array(3) }
    await expect(writeImage(join(sub, 'o.png'), bad, { format: 'png' })).rejects.toThrow(RangeError)
    expect(await readdir(sub)).toEqual([])
  })

  it('refuses a format that contradicts the extension, and a path with no format at all', async () => {
    expect(await code(() => writeImage(join(dir, 'x.png'), img, { format: 'jpeg' }))).toBe('UNSUPPORTED_FORMAT')
    expect(await code(() => writeImage(join(dir, 'x.out'), img, {}))).toBe('UNSUPPORTED_FORMAT')
    const res = await writeImage(join(dir, 'x.out'), img, { format: 'webp' })
    expect((await sharp(res.path).metadata()).format).toBe('webp')
  })

  it('TOO_LARGE before encoding when the format cannot hold the size', async () => {
    const wide: Raster = { width: 16_384, height: 1, channels: 3, bitDepth: 8, data: new Uint8Array(16_384 * 3) }
    expect(await code(() => writeImage(join(dir, 'wide.webp'), wide, {}))).toBe('TOO_LARGE')
    expect((await writeImage(join(dir, 'wide.png'), wide, {})).format).toBe('png')
  })

  it("'keep' follows the output extension over the source format", async () => {
    const src = join(dir, 'kf.png')
    await fromRaster(img).png().toFile(src)
    const { info, raster } = await readImage(src)
    const res = await writeImage(join(dir, 'kf.tif'), raster, { source: info })
    expect(res.format).toBe('tiff')
  })
})

describe('layouts in every format', () => {
  for (const format of ['png', 'tiff', 'webp', 'avif', 'jpeg'] as const) {
    it(`${format}: grey and grey+alpha rasters encode and read back`, async () => {
      for (const channels of [1, 2] as const) {
        const src = pattern(8, 6, channels, 8)
        const buf = await encodeImage(src, { format })
        const path = join(dir, `layout-${channels}.${format}`)
        await writeFile(path, buf)
        const { raster } = await readImage(path)
        expect([raster.width, raster.height]).toEqual([8, 6])
        const keepsAlpha = channels === 2 && format !== 'jpeg'
        expect(raster.channels).toBe(keepsAlpha ? 4 : 3)
        if (format === 'png' || format === 'tiff') {
          for (let i = 0; i < 48; i++) {
            expect(raster.data[i * raster.channels]).toBe(src.data[i * channels])
            if (keepsAlpha) expect(raster.data[i * 4 + 3]).toBe(src.data[i * 2 + 1])
          }
        }
      }
    })
  }
})

describe('CMYK sources', () => {
  it('decode to RGB and do not pass their CMYK profile to the RGB output', async () => {
    const path = join(dir, 'print.jpg')
    await fromRaster(pattern(8, 8, 3, 8)).withIccProfile('cmyk').jpeg().toFile(path)
    expect((await sharp(path).metadata()).space).toBe('cmyk')
    const { info, raster } = await readImage(path)
    expect(info.channels).toBe(3)
    expect(raster.channels).toBe(3)
    const meta = await sharp(await encodeImage(raster, { source: info })).metadata()
    expect(meta.space).toBe('srgb')
    expect(meta.icc).toBeUndefined()
  })
})
