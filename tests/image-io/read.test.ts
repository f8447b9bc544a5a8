import { writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import sharp, { type Sharp } from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { probeImage, readImage, type ImageFormat } from '../../src/main/image-io/index.ts'
import { fromRaster, makeTmp, maxDiff, pattern, pixelAt, quadrant } from './helpers.ts'

let dir: string
let cleanup: () => Promise<void>
beforeAll(async () => ({ dir, cleanup } = await makeTmp()))
afterAll(() => cleanup())

describe('readImage / probeImage per format', () => {
  const src = pattern(24, 16, 3, 8)
  const cases: Array<{ format: ImageFormat; ext: string; lossless: boolean; encode: (s: Sharp) => Sharp }> = [
    { format: 'png', ext: 'png', lossless: true, encode: (s) => s.png() },
    { format: 'tiff', ext: 'tif', lossless: true, encode: (s) => s.tiff({ compression: 'lzw' }) },
    { format: 'webp', ext: 'webp', lossless: true, encode: (s) => s.webp({ lossless: true }) },
    { format: 'webp', ext: 'webp', lossless: false, encode: (s) => s.webp({ quality: 90 }) },
    { format: 'avif', ext: 'avif', lossless: false, encode: (s) => s.avif({ lossless: true }) },
    { format: 'jpeg', ext: 'jpg', lossless: false, encode: (s) => s.jpeg({ quality: 100 }) }
  ]
  for (const c of cases) {
    it(`${c.format}${c.lossless ? ' (lossless)' : ''}`, async () => {
      const path = join(dir, `rt-${c.format}-${c.lossless}.${c.ext}`)
      await c.encode(fromRaster(src)).toFile(path)
      const info = await probeImage(path)
      expect(info).toMatchObject({ format: c.format, width: 24, height: 16, bitDepth: 8, channels: 3, hasAlpha: false, orientation: 1, lossless: c.lossless })
      expect(info.bytes).toBeGreaterThan(0)
      const { raster } = await readImage(path)
      expect(raster).toMatchObject({ width: 24, height: 16, channels: 3, bitDepth: 8 })
      expect(raster.data).toBeInstanceOf(Uint8Array)
      // Lossless codecs (AVIF lossless too, though we cannot tell it from the header) give back every value.
      if (c.lossless || c.format === 'avif') expect(maxDiff(raster.data, src.data)).toBe(0)
    })
  }
})

describe('orientation', () => {
  it('applies EXIF orientation 6: upright size and pixels', async () => {
    const path = join(dir, 'oriented.jpg')
    // Stored 8 x 4 with a red top-left quadrant; orientation 6 = rotate 90 degrees clockwise to display.
    await fromRaster(quadrant(8, 4)).withMetadata({ orientation: 6 }).jpeg({ quality: 100 }).toFile(path)
    const info = await probeImage(path)
    expect(info).toMatchObject({ width: 4, height: 8, orientation: 6 })
    const { raster } = await readImage(path)
    expect([raster.width, raster.height]).toEqual([4, 8])
    // After the clockwise turn the red quadrant sits at the top right.
    expect(pixelAt(raster, 3, 0)[0]).toBeGreaterThan(200)
    expect(pixelAt(raster, 0, 0)[0]).toBeLessThan(50)
    expect(pixelAt(raster, 0, 0)[2]).toBeGreaterThan(200)
  })
})

describe('layouts and depths', () => {
  it('promotes grey to RGB and grey+alpha to RGBA', async () => {
    const grey = pattern(10, 6, 1, 8)
    const ga = pattern(10, 6, 2, 8)
    await fromRaster(grey).png().toFile(join(dir, 'grey.png'))
    await fromRaster(ga).png().toFile(join(dir, 'grey-alpha.png'))
    expect(await probeImage(join(dir, 'grey.png'))).toMatchObject({ channels: 1, hasAlpha: false })
    const g = (await readImage(join(dir, 'grey.png'))).raster
    expect(g.channels).toBe(3)
    expect(pixelAt(g, 3, 2)).toEqual([grey.data[2 * 10 + 3], grey.data[2 * 10 + 3], grey.data[2 * 10 + 3]])
    const a = (await readImage(join(dir, 'grey-alpha.png'))).raster
    expect(a.channels).toBe(4)
    const p = (2 * 10 + 3) * 2
    expect(pixelAt(a, 3, 2)).toEqual([ga.data[p], ga.data[p], ga.data[p], ga.data[p + 1]])
  })

  it('keeps RGBA alpha exactly', async () => {
    const rgba = pattern(12, 9, 4, 8)
    await fromRaster(rgba).png().toFile(join(dir, 'rgba.png'))
    const { info, raster } = await readImage(join(dir, 'rgba.png'))
    expect(info.hasAlpha).toBe(true)
    expect(maxDiff(raster.data, rgba.data)).toBe(0)
  })

  for (const [ext, encode] of [['png', (s: Sharp) => s.png()], ['tif', (s: Sharp) => s.tiff({ compression: 'deflate' })]] as const) {
    it(`reads 16-bit ${ext} as 16-bit with exact values (RGB, RGBA, grey)`, async () => {
      for (const ch of [3, 4, 1] as const) {
        const src = pattern(9, 7, ch, 16)
        const path = join(dir, `deep-${ch}.${ext}`)
        await encode(fromRaster(src)).toFile(path)
        const { info, raster } = await readImage(path)
        expect(info.bitDepth).toBe(16)
        expect(raster.bitDepth).toBe(16)
        expect(raster.data).toBeInstanceOf(Uint16Array)
        if (ch === 1) {
          expect(raster.channels).toBe(3)
          expect(Array.from(raster.data).filter((_, i) => i % 3 === 0)).toEqual(Array.from(src.data))
        } else {
          expect(maxDiff(raster.data, src.data)).toBe(0)
        }
      }
    })
  }

  it('reads a palette PNG as RGB', async () => {
    const path = join(dir, 'palette.png')
    await fromRaster(quadrant(8, 8)).png({ palette: true, colours: 2 }).toFile(path)
    const { raster } = await readImage(path)
    expect(raster.channels).toBe(3)
    expect(pixelAt(raster, 0, 0)).toEqual([255, 0, 0])
    expect(pixelAt(raster, 7, 7)).toEqual([0, 0, 255])
  })

  it("returns the file's own colour values for a P3 image (no conversion to sRGB)", async () => {
    const path = join(dir, 'p3.png')
    await fromRaster(pattern(8, 8, 3, 8)).withIccProfile('p3').png().toFile(path)
    const stored = await sharp(path, { ignoreIcc: true }).raw().toBuffer()
    const converted = await sharp(path).raw().toBuffer()
    expect(maxDiff(stored, converted)).toBeGreaterThan(0) // the fixture really is off-sRGB
    const { info, raster } = await readImage(path)
    expect(info.hasIcc).toBe(true)
    expect(maxDiff(raster.data, stored)).toBe(0)
  })
})

describe('paths', () => {
  it('reads a non-ASCII path', async () => {
    const path = join(dir, 'фото é 写真.png')
    const src = pattern(5, 4, 3, 8)
    await writeFile(path, await fromRaster(src).png().toBuffer())
    expect((await probeImage(path)).path).toBe(path)
    expect(maxDiff((await readImage(path)).raster.data, src.data)).toBe(0)
  })

  it('returns an absolute path for a relative input', async () => {
    const path = join(dir, 'rel.png')
    await fromRaster(pattern(2, 2, 3, 8)).png().toFile(path)
    const rel = relative(process.cwd(), path)
    expect((await probeImage(rel)).path).toBe(path)
  })
})
