// Automatic subject selection: the whole photo, resized to the segment model's working size, through
// its network (subject probability), then upsampled to the photo's size edge-aware with the guided
// filter of transfer.ts (the photo's own luminance as guide), so the soft mask's edges follow the
// photo's at any resolution. A model whose manifest asks for `flipAverage` is run on the photo and on
// its mirror image, and the two masks averaged: a network is never quite mirror-symmetric, and
// averaging its two guesses measured better on validation than either (models/lbm-segment card).
// A manifest's `grabCut` then cuts the pixels the network is unsure of by colour (grabcut.ts).
import type { SegmentManifest } from '../../shared/model-manifest.ts'
import type { Raster } from '../image-io/index.ts'
import { resizeRaster } from '../image-io/index.ts'
import type { Size } from './geometry.ts'
import type { LoadedSegmenter } from './model.ts'
import { grabCutSubject } from './grabcut.ts'
import { rasterToCHW } from './tensor.ts'
import { guidedUpsample, lumaCHW } from './transfer.ts'

/** Guided-filter settings at the working size (long side ~320): a 5x5 window, edges kept where the photo has them. */
export const SUBJECT_EDGE = { radius: 2, eps: 1e-3 } as const

/** The size the segmenter runs at: the long side at `longSide`, each side rounded to `multiple` (at least one). */
export function segmentWorkingSize(W: number, H: number, res: SegmentManifest['resolution']): Size {
  const scale = res.longSide / Math.max(W, H)
  const round = (v: number) => Math.max(res.multiple, Math.round((v * scale) / res.multiple) * res.multiple)
  return { width: round(W), height: round(H) }
}

export interface SubjectMask {
  /** 0..255 (soft), the photo's size. */
  mask: Uint8Array
  width: number
  height: number
  working: Size
  /** Milliseconds: resize to the working size, network, GrabCut (0 without), edge-aware upsampling. */
  timings: { resize: number; network: number; refine: number; upsample: number }
}

/** The subject's soft mask at the photo's size. */
export async function segmentSubject(model: LoadedSegmenter, photo: Raster, signal?: AbortSignal): Promise<SubjectMask> {
  const t0 = performance.now()
  const { width: w, height: h } = segmentWorkingSize(photo.width, photo.height, model.manifest.resolution)
  const small = photo.width === w && photo.height === h ? photo : await resizeRaster(photo, w, h, { kernel: 'linear' })
  const unit = rasterToCHW(small, 0, 1)
  const [lo, hi] = model.manifest.pixelRange
  const net = new Float32Array(unit.length)
  for (let i = 0; i < unit.length; i++) net[i] = lo + unit[i] * (hi - lo)
  signal?.throwIfAborted()
  const t1 = performance.now()
  let data = await runSegmenter(model, net, w, h)
  if (model.manifest.flipAverage) {
    signal?.throwIfAborted()
    const mirrored = mirrorX(await runSegmenter(model, mirrorX(net, w, h, 3), w, h), w, h, 1)
    data = data.map((v, i) => (v + mirrored[i]) / 2)
  }
  let prob: Float32Array = new Float32Array(w * h)
  // A NaN (a broken model) becomes "not selected" rather than poisoning the filter's box sums.
  for (let i = 0; i < prob.length; i++) prob[i] = data[i] >= 0 ? Math.min(1, data[i]) : 0
  signal?.throwIfAborted()
  const t2 = performance.now()
  const grabCut = model.manifest.grabCut
  if (grabCut) {
    prob = await grabCutSubject(unit, prob, w, h, grabCut)
    signal?.throwIfAborted()
  }
  // Exactly 0 without GrabCut: the stage did not run, whatever the clock says.
  const t3 = grabCut ? performance.now() : t2
  const mask = guidedUpsample(photo, lumaCHW(unit, w * h), prob, w, h, SUBJECT_EDGE)
  const t4 = performance.now()
  const timings = { resize: t1 - t0, network: t2 - t1, refine: t3 - t2, upsample: t4 - t3 }
  return { mask, width: photo.width, height: photo.height, working: { width: w, height: h }, timings }
}

/** The network's subject probability at the working size, its shape checked. */
async function runSegmenter(model: LoadedSegmenter, image: Float32Array, w: number, h: number): Promise<Float32Array> {
  const { data, dims } = (await model.segmenter.run({ image: { data: image, dims: [1, 3, h, w] } })).mask
  if (dims.length !== 4 || dims[1] !== 1 || dims[2] !== h || dims[3] !== w) {
    throw new Error(`model '${model.manifest.id}': the segmenter answered a mask of [${dims.join(',')}] for an image of ${w}x${h}`)
  }
  return data
}

/** A CHW tensor mirrored left to right. */
function mirrorX(chw: Float32Array, w: number, h: number, channels: number): Float32Array {
  const out = new Float32Array(chw.length)
  for (let row = 0; row < channels * h; row++) {
    const o = row * w
    for (let x = 0; x < w; x++) out[o + x] = chw[o + w - 1 - x]
  }
  return out
}

export interface Point {
  x: number
  y: number
}

/**
 * "Click on an object": of the subjects the mask holds (its connected regions above half), the
 * one under `at`, or the nearest within `reach` pixels of it; the rest of the mask is cleared,
 * except the soft rim within `rim` pixels of the chosen region (its edge stays soft). Null when no
 * region is that close.
 */
export function pickSubject(mask: Uint8Array, width: number, height: number, at: Point, reach: number, rim: number): Uint8Array | null {
  const seed = nearestSelected(mask, width, height, at, reach)
  if (seed < 0) return null
  const region = floodRegion(mask, width, seed)
  const near = grow(region, width, height, rim)
  const out = new Uint8Array(mask.length)
  for (let i = 0; i < mask.length; i++) {
    // Other subjects' own pixels stay out even where the rim reaches them.
    if (region[i] || (near[i] && mask[i] <= 127)) out[i] = mask[i]
  }
  return out
}

/** The index of the selected pixel (> 127) nearest to `at` within `reach`, or -1. */
function nearestSelected(mask: Uint8Array, width: number, height: number, at: Point, reach: number): number {
  const cx = Math.min(width - 1, Math.max(0, Math.round(at.x)))
  const cy = Math.min(height - 1, Math.max(0, Math.round(at.y)))
  let best = -1
  let bestD = reach * reach + 1
  for (let y = Math.max(0, cy - reach); y <= Math.min(height - 1, cy + reach); y++) {
    for (let x = Math.max(0, cx - reach); x <= Math.min(width - 1, cx + reach); x++) {
      const d = (x - cx) ** 2 + (y - cy) ** 2
      if (d < bestD && mask[y * width + x] > 127) {
        bestD = d
        best = y * width + x
      }
    }
  }
  return best
}

/** The 4-connected region of selected pixels (> 127) holding `seed`: 1 inside. */
function floodRegion(mask: Uint8Array, width: number, seed: number): Uint8Array {
  const region = new Uint8Array(mask.length)
  const stack = new Int32Array(mask.length)
  let top = 0
  region[seed] = 1
  stack[top++] = seed
  while (top > 0) {
    const i = stack[--top]
    const x = i % width
    const next = [x > 0 ? i - 1 : -1, x < width - 1 ? i + 1 : -1, i - width, i + width]
    for (const j of next) {
      if (j >= 0 && j < mask.length && !region[j] && mask[j] > 127) {
        region[j] = 1
        stack[top++] = j
      }
    }
  }
  return region
}

/** 1 within a (2r+1)^2 box of any set pixel of `region` (a dilation, by two running maxima). */
function grow(region: Uint8Array, width: number, height: number, r: number): Uint8Array {
  const rows = new Uint8Array(region.length)
  for (let y = 0; y < height; y++) {
    let last = -Infinity // the last set column seen
    const row = y * width
    for (let x = 0; x < width + r; x++) {
      if (x < width && region[row + x]) last = x
      const o = x - r
      if (o >= 0 && o < width) rows[row + o] = x - last <= 2 * r ? 1 : 0
    }
  }
  const out = new Uint8Array(region.length)
  for (let x = 0; x < width; x++) {
    let last = -Infinity
    for (let y = 0; y < height + r; y++) {
      if (y < height && rows[y * width + x]) last = y
      const o = y - r
      if (o >= 0 && o < height) out[o * width + x] = y - last <= 2 * r ? 1 : 0
    }
  }
  return out
}
