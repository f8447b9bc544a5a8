// Removal takes the object's cast shadow with it. The user paints the object only; the removal
// model, trained on pairs whose target has neither object nor shadow, also brightens the ground
// where the shadow fell. That brightening is carried onto the original as a smooth gain per
// channel (a shadow multiplies the light), so the ground keeps its own texture, and only where the
// model lifted the image clearly: everywhere else outside the painted hole stays bit-identical.
import type { Raster } from '../image-io/index.ts'
import { axisTaps } from './resize.ts'
import { boxMean, type Rect } from './transfer.ts'

/** Lifts smaller than this (luma, 0..1, after smoothing) are the VAE's noise, not a shadow. */
const MIN_LIFT = 0.04
const LUMA = [0.2126, 0.7152, 0.0722]

export interface ShadowLift {
  /** Per channel, at working size: smoothed output over smoothed input. */
  gains: Float32Array[]
  /** At working size, 0..1: where the gain applies (never inside the hole). */
  region: Float32Array
  width: number
  height: number
}

/**
 * `before` and `after`: CHW RGB at w x h in [lo, hi], the input (without the hole's noise) and the
 * model's output; `hole`: 1 inside the painted hole. Null when the model lifted nothing.
 */
export function findShadowLift(before: Float32Array, after: Float32Array, hole: Float32Array, w: number, h: number, lo: number, hi: number): ShadowLift | null {
  const plane = w * h
  const r = Math.max(2, Math.round(Math.max(w, h) / 64))
  const unit = (x: Float32Array, c: number) => {
    const p = new Float32Array(plane)
    for (let i = 0; i < plane; i++) p[i] = (x[c * plane + i] - lo) / (hi - lo)
    return boxMean(p, w, h, r)
  }
  const gains: Float32Array[] = []
  const lift = new Float32Array(plane)
  for (let c = 0; c < 3; c++) {
    const b = unit(before, c)
    const a = unit(after, c)
    const g = new Float32Array(plane)
    for (let i = 0; i < plane; i++) {
      g[i] = (a[i] + 0.01) / (b[i] + 0.01)
      lift[i] += LUMA[c] * (a[i] - b[i])
    }
    gains.push(g)
  }
  let any = false
  const seed = new Float32Array(plane)
  for (let i = 0; i < plane; i++) {
    seed[i] = lift[i] > MIN_LIFT && hole[i] < 0.5 ? 1 : 0
    any ||= seed[i] > 0
  }
  if (!any) return null
  // Soft edges: twice the box mean, clipped, and never inside the hole (the patch owns it).
  const soft = boxMean(seed, w, h, r)
  const region = new Float32Array(plane)
  for (let i = 0; i < plane; i++) region[i] = hole[i] > 0.5 ? 0 : Math.min(1, 2 * soft[i])
  return { gains, region, width: w, height: h }
}

/**
 * Applies the lift to `original` inside `rect` (the lift's maps are stretched to it), on a copy
 * unless `inPlace`. The maps are interpolated a row at a time (the slow part was sampling four
 * maps per pixel), and rows the region does not reach are skipped.
 */
export function applyShadowLift(original: Raster, rect: Rect, lift: ShadowLift, inPlace = false): Raster {
  const { width: sw, height: sh, gains, region } = lift
  const xs = axisTaps(sw, rect.width)
  const ys = axisTaps(sh, rect.height)
  const data = inPlace ? original.data : original.data instanceof Uint16Array ? Uint16Array.from(original.data) : Uint8Array.from(original.data)
  const max = original.bitDepth === 16 ? 65535 : 255
  const C = original.channels
  const maps = [region, ...gains]
  const rows = maps.map(() => new Float32Array(sw))
  for (let y = 0; y < rect.height; y++) {
    const r0 = ys.i0[y] * sw
    const r1 = ys.i1[y] * sw
    const wy = ys.w[y]
    let reached = false
    for (let m = 0; m < maps.length; m++) {
      const p = maps[m]
      const row = rows[m]
      for (let x = 0; x < sw; x++) row[x] = p[r0 + x] + (p[r1 + x] - p[r0 + x]) * wy
      if (m === 0) {
        for (let x = 0; x < sw && !reached; x++) reached = row[x] > 0
        if (!reached) break
      }
    }
    if (!reached) continue
    const [k, g0, g1, g2] = rows
    const lerp = (row: Float32Array, x: number) => row[xs.i0[x]] + (row[xs.i1[x]] - row[xs.i0[x]]) * xs.w[x]
    const base = (rect.top + y) * original.width + rect.left
    for (let x = 0; x < rect.width; x++) {
      const a = lerp(k, x)
      if (a <= 0) continue
      const o = (base + x) * C
      data[o] = lifted(data[o], lerp(g0, x), a, max)
      data[o + 1] = lifted(data[o + 1], lerp(g1, x), a, max)
      data[o + 2] = lifted(data[o + 2], lerp(g2, x), a, max)
    }
  }
  return { ...original, data }
}

/** One channel of one pixel: scaled by its gain (clipped), blended with weight `a`. */
function lifted(v: number, gain: number, a: number, max: number): number {
  return Math.round(v + (Math.min(max, v * gain) - v) * a)
}
