import { describe, expect, it } from 'vitest'
import { resizeRaster, type Raster } from '../../src/main/image-io/index.ts'
import { pattern } from './helpers.ts'

function solid(channels: 1 | 2 | 3 | 4, bitDepth: 8 | 16, value: number): Raster {
  const n = 10 * 6 * channels
  return { width: 10, height: 6, channels, bitDepth, data: bitDepth === 16 ? new Uint16Array(n).fill(value) : new Uint8Array(n).fill(value) }
}

describe('resizeRaster', () => {
  for (const bitDepth of [8, 16] as const) {
    for (const channels of [1, 2, 3, 4] as const) {
      it(`keeps ${channels} channel(s) at ${bitDepth}-bit`, async () => {
        const value = bitDepth === 16 ? 40000 : 200
        const out = await resizeRaster(solid(channels, bitDepth, value), 25, 15)
        expect(out).toMatchObject({ width: 25, height: 15, channels, bitDepth })
        expect(out.data).toBeInstanceOf(bitDepth === 16 ? Uint16Array : Uint8Array)
        expect(out.data.length).toBe(25 * 15 * channels)
        // A flat image stays flat: no depth truncation, no colourspace drift. With alpha, sharp's
        // premultiply round trip may move a 16-bit value by one step in 65535 (8-bit is exact).
        const drift = Math.max(...Array.from(out.data, (v) => Math.abs(v - value)))
        expect(drift).toBeLessThanOrEqual(bitDepth === 16 && channels % 2 === 0 ? 1 : 0)
      })
    }
  }

  it('nearest-neighbour 2x upscale repeats pixels exactly', async () => {
    const src = pattern(3, 2, 3, 16)
    const out = await resizeRaster(src, 6, 4, { kernel: 'nearest' })
    for (let y = 0; y < 4; y++) {
      for (let x = 0; x < 6; x++) {
        const o = (y * 6 + x) * 3
        const s = (Math.floor(y / 2) * 3 + Math.floor(x / 2)) * 3
        expect(Array.from(out.data.subarray(o, o + 3))).toEqual(Array.from(src.data.subarray(s, s + 3)))
      }
    }
  })

  it('gives exactly the region of the whole resize when asked for a region', async () => {
    const src = pattern(40, 30, 3, 8)
    const whole = await resizeRaster(src, 200, 150)
    const region = { left: 37, top: 51, width: 90, height: 64 }
    const part = await resizeRaster(src, 200, 150, { region })
    expect(part).toMatchObject({ width: 90, height: 64, channels: 3, bitDepth: 8 })
    for (let y = 0; y < region.height; y++) {
      const o = ((region.top + y) * 200 + region.left) * 3
      expect(Buffer.from(part.data.subarray(y * 90 * 3, (y + 1) * 90 * 3))).toEqual(Buffer.from(whole.data.subarray(o, o + 90 * 3)))
    }
  })

  it('rejects a region outside the resized image', async () => {
    await expect(resizeRaster(pattern(4, 4, 3, 8), 10, 10, { region: { left: 5, top: 0, width: 6, height: 2 } })).rejects.toThrow(RangeError)
  })

  it('rejects a bad size', async () => {
    await expect(resizeRaster(pattern(2, 2, 3, 8), 0, 5)).rejects.toThrow(RangeError)
  })
})
