// Conversions between rasters (interleaved 8/16-bit pixels) and the planar float tensors the
// networks take, plus the small raster helpers the pipelines share.
import type { Raster } from '../image-io/index.ts'
import type { Rect } from './transfer.ts'

export function maxValue(bitDepth: 8 | 16): number {
  return bitDepth === 16 ? 65535 : 255
}

/** RGB planes (CHW) of a raster, mapped from [0, max] to [lo, hi]; alpha is dropped. */
export function rasterToCHW(r: Raster, lo = 0, hi = 1): Float32Array {
  const plane = r.width * r.height
  const out = new Float32Array(3 * plane)
  const k = (hi - lo) / maxValue(r.bitDepth)
  const C = r.channels
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) out[c * plane + i] = lo + r.data[i * C + Math.min(c, C - 1)] * k
  }
  return out
}

/** An RGB raster from CHW planes in [lo, hi] (clamped). */
export function chwToRaster(chw: Float32Array, width: number, height: number, lo: number, hi: number, bitDepth: 8 | 16): Raster {
  const plane = width * height
  const max = maxValue(bitDepth)
  const data = bitDepth === 16 ? new Uint16Array(3 * plane) : new Uint8Array(3 * plane)
  const k = max / (hi - lo)
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) data[i * 3 + c] = Math.round(Math.min(max, Math.max(0, (chw[c * plane + i] - lo) * k)))
  }
  return { width, height, channels: 3, bitDepth, data }
}

/** Maps values from one range to another, in place. */
export function remap(x: Float32Array, from: readonly [number, number], to: readonly [number, number]): Float32Array {
  const k = (to[1] - to[0]) / (from[1] - from[0])
  for (let i = 0; i < x.length; i++) x[i] = to[0] + (x[i] - from[0]) * k
  return x
}

export function cropRaster(r: Raster, rect: Rect): Raster {
  const C = r.channels
  const data = r.data instanceof Uint16Array ? new Uint16Array(rect.width * rect.height * C) : new Uint8Array(rect.width * rect.height * C)
  for (let y = 0; y < rect.height; y++) {
    const start = ((rect.top + y) * r.width + rect.left) * C
    data.set(r.data.subarray(start, start + rect.width * C), y * rect.width * C)
  }
  return { width: rect.width, height: rect.height, channels: C, bitDepth: r.bitDepth, data }
}

/** A one-channel 8-bit raster wrapping a mask plane, for resizing with image I/O. */
export function maskRaster(mask: Uint8Array, width: number, height: number): Raster {
  return { width, height, channels: 1, bitDepth: 8, data: mask }
}

export function planeToUnit(p: Uint8Array | Uint16Array, max = 255): Float32Array {
  const out = new Float32Array(p.length)
  for (let i = 0; i < p.length; i++) out[i] = p[i] / max
  return out
}
