import { describe, expect, it } from 'vitest'
import { formatFromPath } from '../../src/main/image-io/index.ts'
import { exifOrientation, withUprightOrientation } from '../../src/main/image-io/exif.ts'
import { sniffFormat } from '../../src/main/image-io/formats.ts'

describe('formatFromPath', () => {
  it('maps extensions case-insensitively', () => {
    expect(formatFromPath('/a/B.JPG')).toBe('jpeg')
    expect(formatFromPath('x.jpeg')).toBe('jpeg')
    expect(formatFromPath('x.png')).toBe('png')
    expect(formatFromPath('x.webp')).toBe('webp')
    expect(formatFromPath('x.tif')).toBe('tiff')
    expect(formatFromPath('x.TIFF')).toBe('tiff')
    expect(formatFromPath('x.avif')).toBe('avif')
    expect(formatFromPath('x.gif')).toBeUndefined()
    expect(formatFromPath('noext')).toBeUndefined()
    expect(formatFromPath('фото.png')).toBe('png')
  })
})

describe('sniffFormat', () => {
  it('knows unsupported images from non-images', () => {
    expect(sniffFormat(Buffer.from('GIF89a....'))).toEqual({ kind: 'other-image', name: 'GIF' })
    expect(sniffFormat(Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'))).toEqual({ kind: 'other-image', name: 'SVG' })
    expect(sniffFormat(Buffer.from('BMW is a car brand, not a bitmap'))).toEqual({ kind: 'unknown' })
    const heic = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic\0\0\0\0mif1heic')])
    expect(sniffFormat(heic)).toEqual({ kind: 'other-image', name: 'HEIC' })
    const avif = Buffer.concat([Buffer.from([0, 0, 0, 28]), Buffer.from('ftypavif\0\0\0\0avifmif1miaf')])
    expect(sniffFormat(avif)).toEqual({ kind: 'supported', format: 'avif' })
  })
})

describe('EXIF orientation patch', () => {
  function exifWithOrientation(le: boolean, orientation: number): Buffer {
    // "Exif\0\0" + TIFF header + IFD0 with two entries (ImageWidth, Orientation).
    const b = Buffer.alloc(6 + 8 + 2 + 2 * 12 + 4)
    b.write('Exif\0\0', 0, 'latin1')
    const t = 6
    b.write(le ? 'II' : 'MM', t, 'latin1')
    const w16 = (v: number, o: number) => (le ? b.writeUInt16LE(v, t + o) : b.writeUInt16BE(v, t + o))
    const w32 = (v: number, o: number) => (le ? b.writeUInt32LE(v, t + o) : b.writeUInt32BE(v, t + o))
    w16(42, 2)
    w32(8, 4)
    w16(2, 8)
    w16(0x0100, 10), w16(4, 12), w32(1, 14), w32(640, 18)
    w16(0x0112, 22), w16(3, 24), w32(1, 26), w16(orientation, 30)
    return b
  }

  for (const le of [true, false]) {
    it(`resets Orientation to 1 (${le ? 'little' : 'big'}-endian) and leaves other bytes alone`, () => {
      const src = exifWithOrientation(le, 6)
      expect(exifOrientation(src)).toBe(6)
      const out = withUprightOrientation(src)
      expect(exifOrientation(out)).toBe(1)
      expect(exifOrientation(src)).toBe(6) // input untouched
      const diff = [...out].map((v, i) => (v !== src[i] ? i : -1)).filter((i) => i >= 0)
      expect(diff.length).toBe(1)
    })
  }

  it('returns malformed blocks unchanged', () => {
    const junk = Buffer.from('Exif\0\0garbage')
    expect(withUprightOrientation(junk).equals(junk)).toBe(true)
  })
})
