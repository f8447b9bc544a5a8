import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ImageIOError, readMask, refineMask, type Raster } from '../../src/main/image-io/index.ts'
import { fromRaster, makeTmp } from './helpers.ts'

let dir: string
let cleanup: () => Promise<void>
beforeAll(async () => ({ dir, cleanup } = await makeTmp()))
afterAll(() => cleanup())

/** A raster whose samples are f(x, y) for each channel. */
function make(width: number, height: number, channels: 1 | 2 | 3 | 4, f: (x: number, y: number, c: number) => number, bitDepth: 8 | 16 = 8): Raster {
  const data = bitDepth === 16 ? new Uint16Array(width * height * channels) : new Uint8Array(width * height * channels)
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < channels; c++) data[(y * width + x) * channels + c] = f(x, y, c)
  return { width, height, channels, bitDepth, data }
}

const leftHalf = (x: number, w: number): boolean => x < w / 2
const unique = (m: Uint8Array): number[] => [...new Set(m)].sort((a, b) => a - b)

describe('readMask', () => {
  it('grey: white is selected, values kept', async () => {
    const path = join(dir, 'grey.png')
    await fromRaster(make(8, 4, 1, (x) => (leftHalf(x, 8) ? 255 : 0))).png().toFile(path)
    const m = await readMask(path, 8, 4)
    expect(m).toBeInstanceOf(Uint8Array)
    expect(m.length).toBe(32)
    expect(m[0]).toBe(255)
    expect(m[7]).toBe(0)
  })

  it('RGBA with real transparency: alpha is the selection, whatever the colour', async () => {
    const path = join(dir, 'alpha.png')
    await fromRaster(make(8, 4, 4, (x, _y, c) => (c === 3 ? (leftHalf(x, 8) ? 255 : 0) : 0))).png().toFile(path)
    const m = await readMask(path, 8, 4)
    expect(m[0]).toBe(255)
    expect(m[7]).toBe(0)
  })

  it('RGBA fully opaque: luminance is the selection', async () => {
    const path = join(dir, 'opaque.png')
    await fromRaster(make(8, 4, 4, (x, _y, c) => (c === 3 ? 255 : leftHalf(x, 8) ? 255 : 0))).png().toFile(path)
    const m = await readMask(path, 8, 4)
    expect(m[0]).toBe(255)
    expect(m[7]).toBe(0)
  })

  it('RGB uses luminance (pure red is dim, white is full)', async () => {
    const path = join(dir, 'rgb.png')
    await fromRaster(make(2, 1, 3, (x, _y, c) => (x === 0 ? 255 : c === 0 ? 255 : 0))).png().toFile(path)
    const m = await readMask(path, 2, 1)
    expect(m[0]).toBe(255)
    expect(m[1]).toBe(76)
  })

  it('1-bit PNG', async () => {
    const path = join(dir, 'onebit.png')
    await fromRaster(make(16, 8, 3, (x) => (leftHalf(x, 16) ? 255 : 0))).png({ palette: true, colours: 2 }).toFile(path)
    expect((await sharp(path).metadata()).bitsPerSample).toBe(1)
    const m = await readMask(path, 16, 8)
    expect(unique(m)).toEqual([0, 255])
    expect(m[0]).toBe(255)
    expect(m[15]).toBe(0)
  })

  it('16-bit grey is scaled to 0..255', async () => {
    const path = join(dir, 'deep.png')
    await fromRaster(make(8, 4, 1, (x) => (leftHalf(x, 8) ? 65535 : 0), 16)).png().toFile(path)
    const m = await readMask(path, 8, 4)
    expect(unique(m)).toEqual([0, 255])
  })

  it('JPEG mask of another size but the same shape is resized to exactly width x height', async () => {
    const path = join(dir, 'small.jpg')
    await fromRaster(make(40, 20, 1, (x) => (leftHalf(x, 40) ? 255 : 0))).jpeg({ quality: 100 }).toFile(path)
    const m = await readMask(path, 200, 100)
    expect(m.length).toBe(200 * 100)
    expect(m[50 * 200 + 5]).toBeGreaterThan(245)
    expect(m[50 * 200 + 195]).toBeLessThan(10)
  })

  it('tolerates under 1% aspect difference', async () => {
    const path = join(dir, 'near.png')
    await fromRaster(make(200, 100, 1, () => 255)).png().toFile(path)
    const m = await readMask(path, 201, 100)
    expect(m.length).toBe(201 * 100)
    expect(unique(m)).toEqual([255])
  })

  it('MASK_ASPECT names both sizes when the shapes differ', async () => {
    const path = join(dir, 'square.png')
    await fromRaster(make(50, 50, 1, () => 255)).png().toFile(path)
    const err = await readMask(path, 200, 100).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ImageIOError)
    expect((err as ImageIOError).code).toBe('MASK_ASPECT')
    expect((err as ImageIOError).message).toContain('50 x 50')
    expect((err as ImageIOError).message).toContain('200 x 100')
  })

  it("honours the mask's EXIF orientation", async () => {
    const path = join(dir, 'turned.png')
    // Stored 4 x 8 with the left half white; turned 90 degrees clockwise it is 8 x 4 with the top half white.
    await fromRaster(make(4, 8, 1, (x) => (leftHalf(x, 4) ? 255 : 0))).withMetadata({ orientation: 6 }).png().toFile(path)
    const m = await readMask(path, 8, 4)
    expect(Array.from(m.subarray(0, 8))).toEqual(Array(8).fill(255))
    expect(Array.from(m.subarray(24, 32))).toEqual(Array(8).fill(0))
  })
})

describe('refineMask', () => {
  const w = 40
  const h = 30
  const square = new Uint8Array(w * h)
  for (let y = 10; y < 20; y++) for (let x = 10; x < 20; x++) square[y * w + x] = 255
  const selected = (a: Uint8Array) => a.filter((v) => v > 127).length

  it('grows and shrinks the selection by whole pixels', async () => {
    expect(selected(await refineMask(square, w, h, { grow: 3, feather: 0 }))).toBe(16 * 16)
    expect(selected(await refineMask(square, w, h, { grow: -3, feather: 0 }))).toBe(4 * 4)
  })

  it('feathers the edge and leaves the inside selected', async () => {
    const f = await refineMask(square, w, h, { grow: 0, feather: 2 })
    expect(f).toHaveLength(w * h)
    expect(f[15 * w + 15]).toBe(255)
    expect(f[15 * w + 10]).toBeGreaterThan(100)
    expect(f[15 * w + 10]).toBeLessThan(255)
    expect(f[15 * w + 8]).toBeGreaterThan(0)
  })

  it('returns the mask itself when there is nothing to do', async () => {
    expect(await refineMask(square, w, h, { grow: 0, feather: 0 })).toBe(square)
  })
})
