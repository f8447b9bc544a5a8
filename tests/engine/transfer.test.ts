// The full-resolution transfer: untouched pixels stay bit-identical, a low-frequency edit made at
// working size lands on the full-size original, and the original's fine detail survives it.
import { describe, expect, it } from 'vitest'
import { boxMean, guidedTransfer, pasteBack } from '../../src/main/engine/transfer.ts'
import { resizeArea } from '../../src/main/engine/resize.ts'
import { rasterToCHW } from '../../src/main/engine/tensor.ts'
import type { Raster } from '../../src/main/image-io/index.ts'

const W = 400
const H = 300
/** A smooth gradient with a 1-pixel checkerboard texture on top: the "detail" to keep. */
function photo(): Raster {
  const data = new Uint16Array(W * H * 3)
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++)
      for (let c = 0; c < 3; c++) data[(y * W + x) * 3 + c] = Math.round((0.3 + 0.3 * (x / W) + ((x + y) % 2 ? 0.02 : -0.02)) * 65535)
  return { width: W, height: H, channels: 3, bitDepth: 16, data }
}

function small(r: Raster, w: number, h: number): Float32Array {
  return resizeArea(rasterToCHW(r), 3, r.width, r.height, w, h)
}

describe('guidedTransfer', () => {
  const w = 100
  const h = 75
  it('gives back the original exactly when the network changed nothing', () => {
    const r = photo()
    const before = small(r, w, h)
    const out = guidedTransfer(r, before, Float32Array.from(before), w, h, { radius: 2, eps: 1e-3 })
    expect(Buffer.compare(Buffer.from(out.data.buffer), Buffer.from(r.data.buffer))).toBe(0)
  })

  it('carries a darkening made at working size to full size and keeps the texture', () => {
    const r = photo()
    const before = small(r, w, h)
    const after = Float32Array.from(before)
    // Darken the right half by half (a soft-edged "shadow").
    for (let c = 0; c < 3; c++) for (let y = 0; y < h; y++) for (let x = 60; x < w; x++) after[c * w * h + y * w + x] *= 0.5
    const out = guidedTransfer(r, before, after, w, h, { radius: 2, eps: 1e-3 })
    const at = (img: Raster, x: number, y: number) => img.data[(y * W + x) * 3] / 65535
    // Deep inside the dark region: about half as bright on average ...
    let sumIn = 0
    let sumOut = 0
    let texture = 0
    for (let x = 300; x < 340; x++) {
      sumIn += at(r, x, 150)
      sumOut += at(out, x, 150)
      texture += Math.abs(at(out, x, 150) - at(out, x + 1, 150))
    }
    expect(sumOut / sumIn).toBeGreaterThan(0.45)
    expect(sumOut / sumIn).toBeLessThan(0.6)
    // ... with the 1-pixel checkerboard still there (neighbours differ by a clear step).
    expect(texture / 40).toBeGreaterThan(0.015)
    // Far from the edit, nothing moved.
    expect(Math.abs(at(out, 20, 150) - at(r, 20, 150))).toBeLessThan(2 / 65535)
  })

  it('leaves pixels of zero weight bit-identical', () => {
    const r = photo()
    const before = small(r, w, h)
    const after = before.map((v) => v * 0.7)
    const mask = new Uint8Array(W * H)
    for (let i = 0; i < mask.length; i += 7) mask[i] = 255
    const out = guidedTransfer(r, before, after, w, h, { radius: 2, eps: 1e-3, weights: { mask, invert: true, scale: 1 } })
    let kept = 0
    let changed = 0
    for (let i = 0; i < mask.length; i++) {
      const same = [0, 1, 2].every((c) => out.data[i * 3 + c] === r.data[i * 3 + c])
      if (mask[i] === 255 && same) kept++
      if (mask[i] === 0 && !same) changed++
    }
    expect(kept).toBe(Math.ceil(mask.length / 7))
    expect(changed).toBeGreaterThan(mask.length / 2)
  })
})

describe('boxMean', () => {
  /** The definition: the mean of the window clipped at the borders, summed directly. */
  function naive(src: Float32Array, w: number, h: number, r: number): Float32Array {
    const out = new Float32Array(w * h)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        let sum = 0
        let n = 0
        for (let v = Math.max(0, y - r); v <= Math.min(h - 1, y + r); v++)
          for (let u = Math.max(0, x - r); u <= Math.min(w - 1, x + r); u++, n++) sum += src[v * w + u]
        out[y * w + x] = sum / n
      }
    return out
  }

  it.each([
    [17, 11, 0],
    [17, 11, 2],
    [17, 11, 7],
    [5, 9, 12], // the window wider than the plane
    [1, 6, 3]
  ])('matches the direct sum on %i x %i with radius %i', (w, h, r) => {
    const src = Float32Array.from({ length: w * h }, (_, i) => Math.sin(i * 1.7) + (i % 5))
    const fast = boxMean(src, w, h, r)
    const slow = naive(src, w, h, r)
    for (let i = 0; i < src.length; i++) expect(fast[i]).toBeCloseTo(slow[i], 4)
  })
})

describe('pasteBack', () => {
  it('changes only pixels with non-zero alpha and never the alpha channel', () => {
    const orig: Raster = { width: 4, height: 2, channels: 4, bitDepth: 8, data: Uint8Array.from({ length: 32 }, (_, i) => i) }
    const patch: Raster = { width: 2, height: 2, channels: 3, bitDepth: 8, data: new Uint8Array(12).fill(200) }
    const alpha = Uint8Array.from([255, 0, 128, 0])
    const out = pasteBack(orig, patch, { left: 1, top: 0, width: 2, height: 2 }, alpha)
    const px = (img: Raster, x: number, y: number) => Array.from(img.data.slice((y * 4 + x) * 4, (y * 4 + x) * 4 + 4))
    expect(px(out, 1, 0)).toEqual([200, 200, 200, px(orig, 1, 0)[3]])
    expect(px(out, 2, 0)).toEqual(px(orig, 2, 0))
    expect(px(out, 1, 1).slice(0, 3)).toEqual(px(orig, 1, 1).slice(0, 3).map((v) => Math.round(v + ((200 - v) * 128) / 255)))
    expect(px(out, 0, 0)).toEqual(px(orig, 0, 0))
  })
})
