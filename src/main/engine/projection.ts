// The shadow projection conditioning (`kind: shadowProjection`): where a photo editor would put the
// subject's cast shadow by hand, given to a shadow model as a hint. training/lbm/projection.py
// defines it (and says why); tests/fixtures/golden/shadow-projection.json holds the two together.
import type { Light } from '../../shared/light.ts'

const DEPTH_SCALE = 0.5
const MIN_SQUASH = 0.15
const MAX_LENGTH = 4
const SWEEP_STEPS = 8

/** `mask` (w x h) at (x, y); outside it counts as 0. */
function at(mask: Float32Array, w: number, h: number, x: number, y: number): number {
  return x >= 0 && x < w && y >= 0 && y < h ? mask[y * w + x] : 0
}

/** Bilinear sample of `mask` (w x h) at pixel-centre coordinates; outside it counts as 0. Unrolled
 * (it runs for every latent pixel at every sweep step), in projection.py's order. */
function sample(mask: Float32Array, w: number, h: number, x: number, y: number): number {
  const x0 = Math.floor(x)
  const y0 = Math.floor(y)
  const tx = x - x0
  const ty = y - y0
  let out = at(mask, w, h, x0, y0) * (1 - tx) * (1 - ty)
  out += at(mask, w, h, x0 + 1, y0) * tx * (1 - ty)
  out += at(mask, w, h, x0, y0 + 1) * (1 - tx) * ty
  out += at(mask, w, h, x0 + 1, y0 + 1) * tx * ty
  return out
}

/** Separable Gaussian, radius ceil(3 sigma), taps normalised over the kernel, zero beyond the edges. */
function blur(a: Float64Array, w: number, h: number, sigma: number): Float64Array {
  const r = Math.ceil(3 * sigma)
  const k = Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)))
  const sum = k.reduce((s, v) => s + v, 0)
  for (let i = 0; i < k.length; i++) k[i] /= sum
  const pass = (src: Float64Array, step: number, along: (i: number) => number, size: number) => {
    const out = new Float64Array(src.length)
    for (let i = 0; i < src.length; i++) {
      const at = along(i)
      let v = 0
      for (let t = -r; t <= r; t++) if (at + t >= 0 && at + t < size) v += k[t + r] * src[i + t * step]
      out[i] = v
    }
    return out
  }
  return pass(pass(a, 1, (i) => i % w, w), w, (i) => Math.floor(i / w), h)
}

/** The rows and columns the selection (mask > 0.5) spans; undefined when it is empty. */
function extent(mask: Float32Array, w: number, h: number) {
  let top = -1, foot = -1, left = w, right = -1
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (mask[y * w + x] <= 0.5) continue
      if (top < 0) top = y
      foot = y
      left = Math.min(left, x)
      right = Math.max(right, x)
    }
  }
  return foot < 0 ? undefined : { top, foot, width: right - left + 1 }
}

/**
 * `mask`: the selection at latent size (w x h, 0..1). Returns the projected (and, with `sweep`,
 * swept: see projection.py), blurred silhouette, w x h in 0..1; all zero without a light or
 * without a selection.
 */
export function projectShadow(mask: Float32Array, w: number, h: number, light: Light | undefined, sweep = 0): Float32Array {
  const span = extent(mask, w, h)
  const out = new Float32Array(w * h)
  if (!light || !span) return out
  const { foot } = span
  const height = foot - span.top + 1
  const back = sweep * span.width * DEPTH_SCALE
  const el = (light.elevation * Math.PI) / 180
  const az = (light.azimuth * Math.PI) / 180
  const cot = Math.min(Math.cos(el) / Math.max(Math.sin(el), 1e-6), MAX_LENGTH)
  const dx = -Math.cos(az) // image x right, y down; away from the light
  const dy = Math.sin(az)
  let sy = cot * dy * DEPTH_SCALE
  if (Math.abs(sy) < MIN_SQUASH) sy = dy > 0 ? MIN_SQUASH : -MIN_SQUASH
  // A ground point (x', y') is the shadow of the silhouette point (x, y) with
  // y' = foot + (foot - y) sy and x' = x + (foot - y) cot dx: inverted here.
  const silhouette = new Float64Array(w * h)
  const steps = back > 0 ? SWEEP_STEPS : 0
  for (let step = 0; step <= steps; step++) {
    for (let yo = 0; yo < h; yo++) {
      const up = (yo + (steps ? (back * step) / steps : 0) - foot) / sy // foot - y, for the cut-out moved back
      for (let xo = 0; xo < w; xo++) {
        const i = yo * w + xo
        silhouette[i] = Math.max(silhouette[i], sample(mask, w, h, xo - up * cot * dx, foot - up))
      }
    }
  }
  const blurred = blur(silhouette, w, h, 0.5 + 0.1 * height * light.softness)
  for (let i = 0; i < out.length; i++) out[i] = Math.min(1, Math.max(0, blurred[i]))
  return out
}
