// Bringing a working-size result back onto the full-resolution original, so that nothing the
// user did not ask to change is lost:
// - pasteBack (removal): only the feathered mask's pixels change; every other pixel is copied.
// - guidedTransfer (shadow, relight): the edit is carried as a low-frequency change with a fast
//   guided filter (He & Sun 2015): per channel, the change (out - in) ~= a * in + b is fitted on a
//   coarse grid, a and b are upsampled and applied to the full-resolution original, which keeps
//   all of its own detail (no change gives back the original exactly).
import type { PixelArray, Raster } from '../image-io/index.ts'
import { axisTaps, resizeArea } from './resize.ts'

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
 * Blends `patch` (rect-sized, same depth, 3 or 4 channels) into a copy of `original` (or into
 * `original` itself when `inPlace`) inside `rect`
 * with `alpha` (rect-sized, 0..255). Where alpha is 0 the original pixel is kept bit for bit; an
 * alpha channel of the original is never touched.
 */
export function pasteBack(original: Raster, patch: Raster, rect: Rect, alpha: Uint8Array, inPlace = false): Raster {
  const out = inPlace ? original.data : cloneData(original.data)
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

/**
 * Mean over a (2r+1)^2 box, clipped at the borders: two running-sum passes, O(n) for any r.
 * The vertical pass keeps one running sum per column and walks the rows in order (memory order:
 * a column-by-column walk was the slowest part of the transfer), adding and subtracting exactly
 * as a per-column walk would, so the result is the same to the bit. The loops are split where
 * the window meets the borders, so the inner loops carry no per-pixel branches.
 */
export function boxMean(src: Float32Array, w: number, h: number, r: number): Float32Array {
  const tmp = new Float32Array(w * h)
  const counts = windowCounts(w, r)
  const head = Math.min(w, r + 1) // no column leaves the window yet
  const tail = Math.max(head, w - r) // no column enters it any more
  for (let y = 0; y < h; y++) {
    const row = y * w
    let sum = 0
    for (let x = 0; x < Math.min(r, w); x++) sum += src[row + x]
    for (let x = 0; x < head; x++) {
      if (x + r < w) sum += src[row + x + r]
      tmp[row + x] = sum / counts[x]
    }
    for (let x = head; x < tail; x++) {
      sum += src[row + x + r]
      sum -= src[row + x - r - 1]
      tmp[row + x] = sum / counts[x]
    }
    for (let x = tail; x < w; x++) {
      sum -= src[row + x - r - 1]
      tmp[row + x] = sum / counts[x]
    }
  }
  const out = new Float32Array(w * h)
  const acc = new Float64Array(w)
  const rowCounts = windowCounts(h, r)
  for (let y = 0; y < Math.min(r, h); y++) for (let x = 0; x < w; x++) acc[x] += tmp[y * w + x]
  for (let y = 0; y < h; y++) {
    const add = y + r < h ? (y + r) * w : -1
    const sub = y - r - 1 >= 0 ? (y - r - 1) * w : -1
    const count = rowCounts[y]
    const row = y * w
    if (add >= 0 && sub >= 0) {
      for (let x = 0; x < w; x++) {
        const sum = acc[x] + tmp[add + x] - tmp[sub + x]
        acc[x] = sum
        out[row + x] = sum / count
      }
    } else if (add >= 0) {
      for (let x = 0; x < w; x++) {
        const sum = acc[x] + tmp[add + x]
        acc[x] = sum
        out[row + x] = sum / count
      }
    } else if (sub >= 0) {
      for (let x = 0; x < w; x++) {
        const sum = acc[x] - tmp[sub + x]
        acc[x] = sum
        out[row + x] = sum / count
      }
    } else {
      for (let x = 0; x < w; x++) out[row + x] = acc[x] / count
    }
  }
  return out
}

/** How many of `size` positions a window of radius r centred on each position covers. */
function windowCounts(size: number, r: number): Float64Array {
  const counts = new Float64Array(size)
  for (let i = 0; i < size; i++) counts[i] = Math.min(size - 1, i + r) - Math.max(0, i - r) + 1
  return counts
}

function product(p: Float32Array, q: Float32Array): Float32Array {
  const o = new Float32Array(p.length)
  for (let i = 0; i < p.length; i++) o[i] = p[i] * q[i]
  return o
}

/** The guide's own box statistics (mean and variance), which do not depend on the target. */
export interface GuideStats {
  mean: Float32Array
  variance: Float32Array
}

export function guideStats(guide: Float32Array, w: number, h: number, r: number): GuideStats {
  const mean = boxMean(guide, w, h, r)
  const variance = boxMean(product(guide, guide), w, h, r)
  for (let i = 0; i < variance.length; i++) variance[i] -= mean[i] * mean[i]
  return { mean, variance }
}

/** Guided-filter coefficients (a, b) of `out ~= a * guide + b`, box-averaged, for one plane. */
export function guidedCoefficients(guide: Float32Array, target: Float32Array, w: number, h: number, r: number, eps: number, stats = guideStats(guide, w, h, r)) {
  const n = w * h
  const { mean: mI, variance } = stats
  const mP = boxMean(target, w, h, r)
  const mIP = boxMean(product(guide, target), w, h, r)
  const a = new Float32Array(n)
  const b = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    a[i] = (mIP[i] - mI[i] * mP[i]) / (variance[i] + eps)
    b[i] = mP[i] - a[i] * mI[i]
  }
  return { a: boxMean(a, w, h, r), b: boxMean(b, w, h, r) }
}

/** Long side of the grid the guided-filter coefficients are fitted on. */
const COEFFICIENT_GRID = 256

export interface TransferOptions {
  /** Box radius on the coefficient grid (long side COEFFICIENT_GRID at most), in pixels. */
  radius: number
  /** Regularisation: larger = smoother, more purely low-frequency transfer. */
  eps: number
  /**
   * Where the edit applies at full resolution: weight = mask (or 255 - mask when `invert`) times
   * `scale`, out of 255. A weight of 0 keeps the original pixel exactly. Absent: everywhere.
   */
  weights?: { mask: Uint8Array; invert: boolean; scale: number }
}

interface CoarseGuide {
  key: string
  pixels: Float32Array
  stats: GuideStats[]
}

/** Per `before` array: the live preview transfers many edits of one cached photo. */
const coarseGuides = new WeakMap<Float32Array, CoarseGuide>()

/** `before` on the coefficient grid with its per-channel statistics, computed once per array. */
function coarseGuide(before: Float32Array, sw: number, sh: number, w: number, h: number, r: number): CoarseGuide {
  const key = `${sw}x${sh}>${w}x${h}r${r}`
  const hit = coarseGuides.get(before)
  if (hit?.key === key) return hit
  const pixels = w === sw && h === sh ? before : resizeArea(before, 3, sw, sh, w, h)
  const plane = w * h
  const stats = [0, 1, 2].map((c) => guideStats(pixels.subarray(c * plane, (c + 1) * plane), w, h, r))
  const guide = { key, pixels, stats }
  coarseGuides.set(before, guide)
  return guide
}

/**
 * Applies the change from `before` to `after` (both CHW RGB in [0,1] at sw x sh) to the full-size
 * `original`, returning a new raster of the same size, depth and channels. `before` is read-only:
 * its coarse version and statistics are kept for the next call with the same array.
 */
export function guidedTransfer(original: Raster, before: Float32Array, after: Float32Array, sw: number, sh: number, opts: TransferOptions): Raster {
  // The coefficients are smooth by construction: fit them on a coarse grid (the "fast" guided
  // filter), which keeps this step cheap at any working size. Detail comes from the full-size guide.
  const k = Math.max(1, Math.ceil(Math.max(sw, sh) / COEFFICIENT_GRID))
  const w = Math.max(1, Math.round(sw / k))
  const h = Math.max(1, Math.round(sh / k))
  const guide = coarseGuide(before, sw, sh, w, h, opts.radius)
  if (k > 1) after = resizeArea(after, 3, sw, sh, w, h)
  const plane = w * h
  const change = new Float32Array(after.length)
  for (let i = 0; i < change.length; i++) change[i] = after[i] - guide.pixels[i]
  const coeffs = [0, 1, 2].map((c) =>
    guidedCoefficients(guide.pixels.subarray(c * plane, (c + 1) * plane), change.subarray(c * plane, (c + 1) * plane), w, h, opts.radius, opts.eps, guide.stats[c])
  )
  const { width: W, height: H, channels: C } = original
  const max = maxValue(original)
  const src = original.data
  const out = cloneData(src)
  const xs = axisTaps(w, W)
  const ys = axisTaps(h, H)
  const mask = opts.weights?.mask
  const invert = opts.weights?.invert ?? false
  const scale = (opts.weights?.scale ?? 1) / 255
  const inv = 1 / max
  // Six coefficient rows (a and b per channel), interpolated vertically once per output row.
  const rows = Array.from({ length: 6 }, () => new Float32Array(w))
  const planes = coeffs.flatMap(({ a, b }) => [a, b])
  for (let y = 0; y < H; y++) {
    const r0 = ys.i0[y] * w
    const r1 = ys.i1[y] * w
    const wy = ys.w[y]
    for (let k = 0; k < 6; k++) {
      const p = planes[k]
      const row = rows[k]
      for (let x = 0; x < w; x++) row[x] = p[r0 + x] + (p[r1 + x] - p[r0 + x]) * wy
    }
    const [a0, b0, a1, b1, a2, b2] = rows
    for (let x = 0; x < W; x++) {
      const idx = y * W + x
      let k = 1
      if (mask) {
        k = (invert ? 255 - mask[idx] : mask[idx]) * scale
        if (k === 0) continue
      }
      const x0 = xs.i0[x]
      const x1 = xs.i1[x]
      const wx = xs.w[x]
      const o = idx * C
      out[o] = apply(src[o] * inv, a0[x0] + (a0[x1] - a0[x0]) * wx, b0[x0] + (b0[x1] - b0[x0]) * wx, k, max)
      out[o + 1] = apply(src[o + 1] * inv, a1[x0] + (a1[x1] - a1[x0]) * wx, b1[x0] + (b1[x1] - b1[x0]) * wx, k, max)
      out[o + 2] = apply(src[o + 2] * inv, a2[x0] + (a2[x1] - a2[x0]) * wx, b2[x0] + (b2[x1] - b2[x0]) * wx, k, max)
    }
  }
  return { ...original, data: out }
}

/** One channel of one pixel: the pixel plus its fitted change a * v + b, clamped, blended with weight k. */
function apply(v: number, a: number, b: number, k: number, max: number): number {
  let e = v + a * v + b
  e = e < 0 ? 0 : e > 1 ? 1 : e
  return ((v + (e - v) * k) * max + 0.5) | 0
}

/** Luminance (Rec. 601) in [0,1] of a CHW RGB plane set in [0,1]. */
export function lumaCHW(chw: Float32Array, plane: number): Float32Array {
  const out = new Float32Array(plane)
  for (let i = 0; i < plane; i++) out[i] = 0.299 * chw[i] + 0.587 * chw[plane + i] + 0.114 * chw[2 * plane + i]
  return out
}

export interface GuidedUpsampleOptions {
  /** Box radius at the small size, in pixels. */
  radius: number
  /** Regularisation: larger = closer to a plain (smooth) bilinear upsampling. */
  eps: number
}

/**
 * Edge-aware upsampling of a small map (a subject probability in [0,1], sw x sh) to the size of
 * `guide` with the fast guided filter: `map ~= a * luma + b` is fitted on the small grid against
 * `smallLuma` (the guide's luminance at sw x sh), a and b are interpolated bilinearly and applied
 * to the full-size guide's own luminance, so the map's edges follow the photo's. Answers 0..255.
 */
export function guidedUpsample(guide: Raster, smallLuma: Float32Array, map: Float32Array, sw: number, sh: number, opts: GuidedUpsampleOptions): Uint8Array {
  const { a, b } = guidedCoefficients(smallLuma, map, sw, sh, opts.radius, opts.eps)
  const { width: W, height: H, channels: C } = guide
  const src = guide.data
  const inv = 1 / maxValue(guide)
  const grey = C < 3
  const out = new Uint8Array(W * H)
  const xs = axisTaps(sw, W)
  const ys = axisTaps(sh, H)
  const rowA = new Float32Array(sw)
  const rowB = new Float32Array(sw)
  for (let y = 0; y < H; y++) {
    const r0 = ys.i0[y] * sw
    const r1 = ys.i1[y] * sw
    const wy = ys.w[y]
    for (let x = 0; x < sw; x++) {
      rowA[x] = a[r0 + x] + (a[r1 + x] - a[r0 + x]) * wy
      rowB[x] = b[r0 + x] + (b[r1 + x] - b[r0 + x]) * wy
    }
    for (let x = 0; x < W; x++) {
      const x0 = xs.i0[x]
      const x1 = xs.i1[x]
      const wx = xs.w[x]
      const o = (y * W + x) * C
      const luma = grey ? src[o] * inv : (0.299 * src[o] + 0.587 * src[o + 1] + 0.114 * src[o + 2]) * inv
      const q = (rowA[x0] + (rowA[x1] - rowA[x0]) * wx) * luma + rowB[x0] + (rowB[x1] - rowB[x0]) * wx
      out[y * W + x] = q <= 0 ? 0 : q >= 1 ? 255 : (q * 255 + 0.5) | 0
    }
  }
  return out
}
