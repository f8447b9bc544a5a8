import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeImage, probeImage, readImage, writeImage, type ImageFormat, type ImageInfo, type Raster } from '../../src/main/image-io/index.ts'
import { exifOrientation } from '../../src/main/image-io/exif.ts'
import { fromRaster, iccDescription, makeTmp, maxDiff, pattern, quadrant } from './helpers.ts'

let dir: string
let cleanup: () => Promise<void>
let source: ImageInfo
let raster: Raster
let sourceIcc: Buffer
const XMP = '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:tiff="http://ns.adobe.com/tiff/1.0/" tiff:Orientation="6"><dc:creator>Ann Example</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>'

beforeAll(async () => {
  ;({ dir, cleanup } = await makeTmp())
  // A camera-like JPEG: stored sideways (orientation 6), Display P3 profile, EXIF with authorship, XMP.
  const path = join(dir, 'camera.jpg')
  await fromRaster(quadrant(16, 8))
    .withExif({ IFD0: { Artist: 'Ann Example', Copyright: '(c) Ann Example' } })
    .withMetadata({ orientation: 6, icc: 'p3' })
    .withXmp(XMP)
    .jpeg({ quality: 95 })
    .toFile(path)
  const read = await readImage(path)
  source = read.info
  raster = read.raster
  sourceIcc = (await sharp(path).metadata()).icc as Buffer
})
afterAll(() => cleanup())

describe("metadata 'keep'", () => {
  it('fixture is what we think it is', () => {
    expect(source).toMatchObject({ width: 8, height: 16, orientation: 6, hasIcc: true, hasExif: true })
    expect(iccDescription(sourceIcc)).toContain('P3')
  })

  const formats: ImageFormat[] = ['jpeg', 'png', 'webp', 'tiff', 'avif']
  for (const format of formats) {
    it(`${format}: same ICC bytes, EXIF kept with orientation reset, upright pixels`, async () => {
      const out = join(dir, `kept.${format === 'jpeg' ? 'jpg' : format}`)
      const res = await writeImage(out, raster, { source, format })
      expect(res).toMatchObject({ path: out, format })
      const meta = await sharp(out).metadata()
      expect(meta.icc?.equals(sourceIcc)).toBe(true)
      expect(meta.orientation ?? 1).toBe(1)
      expect([meta.width, meta.height]).toEqual([8, 16])
      if (format === 'tiff') {
        // libvips cannot write EXIF into TIFF (documented limitation); ICC and XMP still go in.
        expect(meta.exif).toBeUndefined()
      } else {
        expect(meta.exif).toBeDefined()
        const exif = meta.exif as Buffer
        expect(exif.includes('Ann Example')).toBe(true)
        expect(exif.includes('(c) Ann Example')).toBe(true)
        expect(exifOrientation(exif)).toBe(1)
      }
      expect(meta.xmpAsString).toContain('Ann Example')
      expect(meta.xmpAsString).toContain('tiff:Orientation="1"')
      // Re-reading gives the same upright image (red quadrant at the top right).
      const again = await readImage(out)
      expect(again.info.width).toBe(8)
      expect(maxDiff(again.raster.data, raster.data)).toBeLessThan(format === 'jpeg' || format === 'webp' || format === 'avif' ? 48 : 1)
    })
  }

  it('keeps the source format by default', async () => {
    const buf = await encodeImage(raster, { source })
    expect((await sharp(buf).metadata()).format).toBe('jpeg')
  })

  it('writes pixels as given, with no colour conversion into or out of P3', async () => {
    const out = join(dir, 'p3-roundtrip.png')
    await writeImage(out, raster, { source, format: 'png' })
    expect(maxDiff((await readImage(out)).raster.data, raster.data)).toBe(0)
  })
})

describe('resolution', () => {
  it('keeps the source DPI', async () => {
    const path = join(dir, 'print.png')
    await fromRaster(pattern(6, 6, 3, 8)).withDensity(300).png().toFile(path)
    const { info, raster: r } = await readImage(path)
    for (const format of ['png', 'jpeg', 'tiff'] as const) {
      expect((await sharp(await encodeImage(r, { source: info, format })).metadata()).density).toBe(300)
    }
  })
})

describe("metadata 'strip'", () => {
  for (const format of ['jpeg', 'png', 'webp', 'tiff', 'avif'] as const) {
    it(`${format}: no ICC, EXIF or XMP`, async () => {
      const buf = await encodeImage(raster, { source, format, metadata: 'strip' })
      const meta = await sharp(buf).metadata()
      expect(meta.icc).toBeUndefined()
      expect(meta.exif).toBeUndefined()
      expect(meta.xmp).toBeUndefined()
      expect(meta.orientation ?? 1).toBe(1)
    })
  }
})

describe('sources without metadata', () => {
  it('writes none and needs none', async () => {
    const path = join(dir, 'plain.png')
    await fromRaster(pattern(6, 6, 3, 8)).png().toFile(path)
    const { info, raster: r } = await readImage(path)
    expect(info).toMatchObject({ hasIcc: false, hasExif: false })
    const meta = await sharp(await encodeImage(r, { source: info })).metadata()
    expect(meta.icc).toBeUndefined()
    expect(meta.exif).toBeUndefined()
  })

  it('drops an RGB profile when writing grey pixels (it could not describe them), keeps EXIF', async () => {
    const grey: Raster = pattern(8, 16, 1, 8)
    const meta = await sharp(await encodeImage(grey, { source, format: 'png' })).metadata()
    expect(meta.channels).toBe(1)
    expect(meta.icc).toBeUndefined()
    expect(meta.exif?.includes('Ann Example')).toBe(true)
  })
})
