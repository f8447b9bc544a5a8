// Bringing a working-size result back onto the full-resolution original, so that nothing the
// user did not ask to change is lost:
// - pasteBack (removal): only the feathered mask's pixels change; every other pixel is copied.
// - guidedTransfer (shadow, relight): the edit is carried as a low-frequency change with a fast
//   guided filter (He & Sun 2015): per channel, out ~= a * in + b is fitted at working size, a and
//   b are upsampled, and applied to the full-resolution original, so its detail survives.
import type { PixelArray, Raster } from '../image-io/index.ts'
import { axisTaps } from './resize.ts'

export interface Rect {
  left: number
  top: number
  width: number
  height: number
}

function maxValue(r: Raster): number {
  return r.bitDepth === 16 ? 65535 : 255
}

function cloneData(data: PixelArray): PixelArray {
  return data instanceof Uint16Array ? Uint16Array.from(data) : Uint8Array.from(data)
}

/**
 * Blends `patch` (rect-sized, same depth, 3 or 4 channels) into a copy of `original` inside `rect`
 * with `alpha` (rect-sized, 0..255). Where alpha is 0 the original pixel is kept bit for bit; an
 * alpha channel of the original is never touched.
 */
export function pasteBack(original: Raster, patch: Raster, rect: Rect, alpha: Uint8Array): Raster {
  const out = cloneData(original.data)
  const C = original.channels
  const P = patch.channels
  const colour = Math.min(3, C)
  for (let y = 0; y < rect.height; y++) {
    for (let x = 0; x < rect.width; x++) {
      const a = alpha[y * rect.width + x]
      if (a === 0) continue
      const o = ((rect.top + y) * original.width + rect.left + x) * C
      const p = (y * rect.width + x) * P
      for (let c = 0; c < colour; c++) out[o + c] = Math.round(out[o + c] + ((patch.data[p + c] - out[o + c]) * a) / 255)
    }
  }
  return { ...original, data: out }
}

/** Mean over a (2r+1)^2 box, clipped at the borders (summed-area table). */
export function boxMean(src: Float32Array, w: number, h: number, r: number): Float32Array {
  const sat = new Float64Array((w + 1) * (h + 1))
  for (let y = 0; y < h; y++) {
    let row = 0
    for (let x = 0; x < w; x++) {
      row += src[y * w + x]
      sat[(y + 1) * (w + 1) + x + 1] = sat[y * (w + 1) + x + 1] + row
    }
  }
  const out = new Float32Array(w * h)
  for (let y = 0; y < h; y++) {
    const y0 = Math.max(0, y - r)
    const y1 = Math.min(h, y + r + 1)
    for (let x = 0; x < w; x++) {
      const x0 = Math.max(0, x - r)
      const x1 = Math.min(w, x + r + 1)
      const s = sat[y1 * (w + 1) + x1] - sat[y0 * (w + 1) + x1] - sat[y1 * (w + 1) + x0] + sat[y0 * (w + 1) + x0]
      out[y * w + x] = s / ((y1 - y0) * (x1 - x0))
    }
  }
  return out
}

/** Guided-filter coefficients (a, b) of `out ~= a * guide + b`, box-averaged, for one plane. */
export function guidedCoefficients(guide: Float32Array, target: Float32Array, w: number, h: number, r: number, eps: number) {
  const n = w * h
  const mul = (p: Float32Array, q: Float32Array) => {
    const o = new Float32Array(n)
    for (let i = 0; i < n; i++) o[i] = p[i] * q[i]
    return o
  }
  const mI = boxMean(guide, w, h, r)
  const mP = boxMean(target, w, h, r)
  const mII = boxMean(mul(guide, guide), w, h, r)
  const mIP = boxMean(mul(guide, target), w, h, r)
  const a = new Float32Array(n)
  const b = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    a[i] = (mIP[i] - mI[i] * mP[i]) / (mII[i] - mI[i] * mI[i] + eps)
    b[i] = mP[i] - a[i] * mI[i]
  }
  return { a: boxMean(a, w, h, r), b: boxMean(b, w, h, r) }
}

export interface TransferOptions {
  /** Box radius at working size, in pixels. */
  radius: number
  /** Regularisation: larger = smoother, more purely low-frequency transfer. */
  eps: number
  /** Per-pixel weight of the edit at full resolution (0..255); 0 keeps the original pixel exactly. */
  weight?: (index: number) => number
}

/**
 * Applies the change from `before` to `after` (both CHW RGB in [0,1] at w x h) to the full-size
 * `original`, returning a new raster of the same size, depth and channels.
 */
export function guidedTransfer(original: Raster, before: Float32Array, after: Float32Array, w: number, h: number, opts: TransferOptions): Raster {
  const plane = w * h
  const coeffs = [0, 1, 2].map((c) =>
    guidedCoefficients(before.subarray(c * plane, (c + 1) * plane), after.subarray(c * plane, (c + 1) * plane), w, h, opts.radius, opts.eps)
  )
  const { width: W, height: H, channels: C } = original
  const max = maxValue(original)
  const src = original.data
  const out = cloneData(src)
  const xs = axisTaps(w, W)
  const ys = axisTaps(h, H)
  const rowA = [new Float32Array(w), new Float32Array(w), new Float32Array(w)]
  const rowB = [new Float32Array(w), new Float32Array(w), new Float32Array(w)]
  for (let y = 0; y < H; y++) {
    // Interpolate the coefficient rows vertically once per output row, then horizontally per pixel.
    const r0 = ys.i0[y] * w
    const r1 = ys.i1[y] * w
    const wy = ys.w[y]
    for (let c = 0; c < 3; c++) {
      const { a, b } = coeffs[c]
      for (let x = 0; x < w; x++) {
        rowA[c][x] = a[r0 + x] * (1 - wy) + a[r1 + x] * wy
        rowB[c][x] = b[r0 + x] * (1 - wy) + b[r1 + x] * wy
      }
    }
    for (let x = 0; x < W; x++) {
      const idx = y * W + x
      const k = opts.weight ? opts.weight(idx) : 255
      if (k === 0) continue
      const x0 = xs.i0[x]
      const x1 = xs.i1[x]
      const wx = xs.w[x]
      const o = idx * C
      for (let c = 0; c < 3; c++) {
        const A = rowA[c][x0] * (1 - wx) + rowA[c][x1] * wx
        const B = rowB[c][x0] * (1 - wx) + rowB[c][x1] * wx
        const v = src[o + c] / max
        const edited = Math.min(1, Math.max(0, A * v + B))
        out[o + c] = Math.round((v + ((edited - v) * k) / 255) * max)
      }
    }
  }
  return { ...original, data: out }
}
