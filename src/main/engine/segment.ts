// Automatic subject selection: the whole photo, resized to the segment model's working size, through
// its network (subject probability), then upsampled to the photo's size edge-aware with the guided
// filter of transfer.ts (the photo's own luminance as guide), so the soft mask's edges follow the
// photo's at any resolution.
import type { SegmentManifest } from '../../shared/model-manifest.ts'
import type { Raster } from '../image-io/index.ts'
import { resizeRaster } from '../image-io/index.ts'
import type { Size } from './geometry.ts'
import type { LoadedSegmenter } from './model.ts'
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
  /** Milliseconds: resize to the working size, network, edge-aware upsampling. */
  timings: { resize: number; network: number; upsample: number }
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
  const out = await model.segmenter.run({ image: { data: net, dims: [1, 3, h, w] } })
  const { data, dims } = out.mask
  if (dims.length !== 4 || dims[1] !== 1 || dims[2] !== h || dims[3] !== w) {
    throw new Error(`model '${model.manifest.id}': the segmenter answered a mask of [${dims.join(',')}] for an image of ${w}x${h}`)
  }
  signal?.throwIfAborted()
  const t2 = performance.now()
  const prob = new Float32Array(w * h)
  // A NaN (a broken model) becomes "not selected" rather than poisoning the filter's box sums.
  for (let i = 0; i < prob.length; i++) prob[i] = data[i] >= 0 ? Math.min(1, data[i]) : 0
  const mask = guidedUpsample(photo, lumaCHW(unit, w * h), prob, w, h, SUBJECT_EDGE)
  const t3 = performance.now()
  return { mask, width: photo.width, height: photo.height, working: { width: w, height: h }, timings: { resize: t1 - t0, network: t2 - t1, upsample: t3 - t2 } }
}
