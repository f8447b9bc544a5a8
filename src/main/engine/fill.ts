// How object removal fills the hole of its source before encoding: as the model was trained (the
// bundle's `holeFill`). training/lbm/fill.py defines both fills; tests/engine/fill.test.ts checks
// this file against a fixture that module wrote.
import type { HoleFill } from '../../shared/model-manifest.ts'
import { seededRandom } from './random.ts'

/**
 * Fills CHW `pixels` (3 planes of w x h) where `hole` > 1/2, in place, and makes `hole` exactly
 * 0 or 1 (the mask the model is given).
 */
export function fillHole(kind: HoleFill, pixels: Float32Array, hole: Float32Array, w: number, h: number, range: readonly [number, number], seed: number): void {
  for (let i = 0; i < hole.length; i++) hole[i] = hole[i] > 0.5 ? 1 : 0
  if (kind === 'noise') noiseFill(pixels, hole, range, seed)
  else pushPullFill(pixels, hole, w, h)
}

/** Uniform random pixels over the whole pixel range: the LBM paper's fill. */
function noiseFill(pixels: Float32Array, hole: Float32Array, [lo, hi]: readonly [number, number], seed: number): void {
  const rng = seededRandom(seed ^ 0x9e3779b9)
  const plane = hole.length
  for (let i = 0; i < plane; i++) {
    if (hole[i]) for (let c = 0; c < 3; c++) pixels[c * plane + i] = lo + rng.uniform() * (hi - lo)
  }
}

/** One level of the pyramid: colour sums `a` (3 planes), known-pixel counts `k`, covered pixels `n`. */
interface Level {
  w: number
  h: number
  a: Float32Array
  k: Float32Array
  n: Float32Array
}

/** Sums 2x2 blocks (sides rounded up; what lies beyond the edge counts as zero). */
function sum2x2(src: Float32Array, w: number, h: number, planes: number): Float32Array {
  const w2 = Math.ceil(w / 2)
  const h2 = Math.ceil(h / 2)
  const out = new Float32Array(planes * w2 * h2)
  for (let p = 0; p < planes; p++) {
    for (let y = 0; y < h; y++) {
      const row = p * w * h + y * w
      const row2 = p * w2 * h2 + (y >> 1) * w2
      for (let x = 0; x < w; x++) out[row2 + (x >> 1)] += src[row + x]
    }
  }
  return out
}

/** Bilinear upsampling by exactly 2 (PyTorch's align_corners=False), cut to w x h. */
function upsample2(src: Float32Array, sw: number, sh: number, w: number, h: number, planes: number): Float32Array {
  const out = new Float32Array(planes * w * h)
  const at = (d: number, size: number) => {
    const s = Math.max(0, (d + 0.5) * 0.5 - 0.5)
    const i0 = Math.floor(s)
    return { i0, i1: Math.min(i0 + 1, size - 1), t: s - i0 }
  }
  const xs = Array.from({ length: w }, (_, x) => at(x, sw))
  for (let p = 0; p < planes; p++) {
    const base = p * sw * sh
    for (let y = 0; y < h; y++) {
      const { i0: y0, i1: y1, t: ty } = at(y, sh)
      for (let x = 0; x < w; x++) {
        const { i0: x0, i1: x1, t: tx } = xs[x]
        const top = src[base + y0 * sw + x0] * (1 - tx) + src[base + y0 * sw + x1] * tx
        const bottom = src[base + y1 * sw + x0] * (1 - tx) + src[base + y1 * sw + x1] * tx
        out[p * w * h + y * w + x] = top * (1 - ty) + bottom * ty
      }
    }
  }
  return out
}

/**
 * The push-pull pyramid fill of training/lbm/fill.py: known pixels are kept, the hole gets a
 * smooth continuation of the colours around it (about as close to the truth as OpenCV's Telea).
 */
export function pushPullFill(pixels: Float32Array, hole: Float32Array, w: number, h: number): void {
  const plane = w * h
  const k = new Float32Array(plane)
  const a = new Float32Array(3 * plane)
  for (let i = 0; i < plane; i++) {
    if (hole[i] > 0.5) continue
    k[i] = 1
    for (let c = 0; c < 3; c++) a[c * plane + i] = pixels[c * plane + i]
  }
  const levels: Level[] = [{ w, h, a, k, n: new Float32Array(plane).fill(1) }]
  for (let l = levels[0]; Math.max(l.w, l.h) > 1; l = levels[levels.length - 1]) {
    levels.push({ w: Math.ceil(l.w / 2), h: Math.ceil(l.h / 2), a: sum2x2(l.a, l.w, l.h, 3), k: sum2x2(l.k, l.w, l.h, 1), n: sum2x2(l.n, l.w, l.h, 1) })
  }
  const top = levels[levels.length - 1]
  let fill = mean(top, () => 0, Infinity) // the coarsest level: its own mean wherever it knows a pixel
  for (let i = levels.length - 2; i >= 0; i--) {
    const l = levels[i]
    const up = upsample2(fill, levels[i + 1].w, levels[i + 1].h, l.w, l.h, 3)
    fill = mean(l, (j) => up[j], 4)
  }
  for (let i = 0; i < plane; i++) {
    if (hole[i] > 0.5) for (let c = 0; c < 3; c++) pixels[c * plane + i] = fill[c * plane + i]
  }
}

/** alpha * a / k + (1 - alpha) * coarse, alpha = min(1, trust * k / n) (0 where k = 0): a level's own mean where it knows enough. */
function mean(l: Level, coarse: (j: number) => number, trust: number): Float32Array {
  const plane = l.w * l.h
  const out = new Float32Array(3 * plane)
  for (let i = 0; i < plane; i++) {
    const alpha = l.k[i] > 0 ? Math.min(1, (trust * l.k[i]) / l.n[i]) : 0
    const inv = 1 / Math.max(l.k[i], 1e-8)
    for (let c = 0; c < 3; c++) {
      const j = c * plane + i
      out[j] = alpha * l.a[j] * inv + (1 - alpha) * coarse(j)
    }
  }
  return out
}
