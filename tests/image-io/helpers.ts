import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import type { Sharp } from 'sharp'
import type { Raster } from '../../src/main/image-io/index.ts'

/** A fresh temp folder per test file; fixtures are generated here with sharp, never committed. */
export async function makeTmp(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'image-io-'))
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) }
}

/** Deterministic noise-like samples covering the full range, so any change to a value is visible. */
export function pattern(width: number, height: number, channels: 1 | 2 | 3 | 4, bitDepth: 8 | 16, seed = 1): Raster {
  const n = width * height * channels
  const data = bitDepth === 16 ? new Uint16Array(n) : new Uint8Array(n)
  const max = bitDepth === 16 ? 65536 : 256
  let s = seed * 2654435761
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0
    data[i] = (s >>> 8) % max
  }
  return { width, height, channels, bitDepth, data }
}

/**
 * A sharp pipeline over raw samples that writes them in their own layout: without a named
 * colourspace sharp would write grey as RGB and 16-bit as 8-bit.
 */
export function fromRaster(r: Raster): Sharp {
  const space = r.bitDepth === 16 ? (r.channels <= 2 ? 'grey16' : 'rgb16') : r.channels <= 2 ? 'b-w' : 'srgb'
  return sharp(r.data, { raw: { width: r.width, height: r.height, channels: r.channels } }).toColourspace(space)
}

/** Reads the ICC 'desc' tag text, to name a profile in assertions. */
export function iccDescription(icc: Buffer): string {
  const count = icc.readUInt32BE(128)
  for (let i = 0; i < count; i++) {
    const at = 132 + i * 12
    if (icc.toString('latin1', at, at + 4) === 'desc') {
      const off = icc.readUInt32BE(at + 4)
      const len = icc.readUInt32BE(at + 8)
      return icc.subarray(off, off + len).toString('latin1').replace(/[^ -~]/g, '')
    }
  }
  return ''
}

/** Largest absolute difference between two sample arrays of equal length. */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`)
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]))
  return m
}

/** Solid-colour 8-bit RGB raster with a distinct top-left quadrant, to check orientation. */
export function quadrant(width: number, height: number): Raster {
  const data = new Uint8Array(width * height * 3)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 3
      const tl = x < width / 2 && y < height / 2
      data[p] = tl ? 255 : 0
      data[p + 2] = tl ? 0 : 255
    }
  }
  return { width, height, channels: 3, bitDepth: 8, data }
}

export function pixelAt(r: Raster, x: number, y: number): number[] {
  const p = (y * r.width + x) * r.channels
  return Array.from(r.data.subarray(p, p + r.channels))
}
