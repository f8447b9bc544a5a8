// Subject-mask refinement with OpenCV's GrabCut (opencv.js, WebAssembly; this module is the only one
// that loads it). The small segmenter is sure of most pixels and unsure along edges and over busy
// ground, where it also takes in blobs of texture or shadow; GrabCut fits colour models to the
// pixels the network is sure of and cuts the unsure ones by colour and edges. Measured through the
// engine on the segmenter's validation renders and composites: IoU +0.020 and +0.022
// (models/lbm-segment card).
import { createRequire } from 'node:module'
import type { SegmentManifest } from '../../shared/model-manifest.ts'

export type GrabCutSettings = NonNullable<SegmentManifest['grabCut']>

// The subset of opencv.js used here (its own typings describe the whole library).
interface CvMat {
  data: Uint8Array
  delete(): void
}
interface OpenCv {
  Mat: { new (): CvMat; new (rows: number, cols: number, type: number): CvMat }
  Rect: new (x: number, y: number, w: number, h: number) => unknown
  CV_8UC1: number
  CV_8UC3: number
  GC_INIT_WITH_MASK: number
  grabCut(img: CvMat, mask: CvMat, rect: unknown, bgd: CvMat, fgd: CvMat, iterations: number, mode: number): void
}

// GrabCut's mask labels (OpenCV's GC_BGD, GC_FGD, GC_PR_BGD, GC_PR_FGD).
const SURE_BG = 0
const SURE_FG = 1
const MAYBE_BG = 2
const MAYBE_FG = 3

/** Fewest pixels a side may have for GrabCut to run. */
const MIN_SIDE = 64

let loading: Promise<OpenCv> | undefined

/** opencv.js, compiled once per process (about half a second) on first use. */
export function openCv(): Promise<OpenCv> {
  loading ??= new Promise((resolve) => {
    // Emscripten's Node glue hooks the process's uncaught-error events (an unhandled rejection
    // anywhere would then abort the WebAssembly module); the app keeps its own error handling.
    const before = new Set<unknown>([...process.listeners('uncaughtException'), ...process.listeners('unhandledRejection')])
    const cv = createRequire(import.meta.url)('@techstark/opencv-js') as OpenCv & { then?: unknown; onRuntimeInitialized?: () => void }
    for (const l of process.listeners('uncaughtException')) if (!before.has(l)) process.removeListener('uncaughtException', l)
    for (const l of process.listeners('unhandledRejection')) if (!before.has(l)) process.removeListener('unhandledRejection', l)
    const ready = () => {
      // The module is a thenable until this goes: a promise resolved with it would adopt it, forever.
      delete cv.then
      resolve(cv)
    }
    if (typeof cv.Mat === 'function') ready()
    else cv.onRuntimeInitialized = ready
  })
  return loading
}

/**
 * The subject probability `prob` (w x h, 0..1) cut by GrabCut on the photo `unit` (CHW RGB in
 * [0, 1], same size): pixels at or above `sure` stay the subject, at or below 1 - `sure` stay the
 * background, the rest go where colour and edges put them. Returns 0/1 per pixel, or `prob`
 * itself where there is nothing to cut (no unsure pixel, or no sure side to learn colours from).
 */
export async function grabCutSubject(unit: Float32Array, prob: Float32Array, w: number, h: number, settings: GrabCutSettings): Promise<Float32Array> {
  const plane = w * h
  const labels = new Uint8Array(plane)
  let subject = 0
  let background = 0
  let unsure = 0
  for (let i = 0; i < plane; i++) {
    const p = prob[i]
    labels[i] = p >= settings.sure ? SURE_FG : p >= 0.5 ? MAYBE_FG : p > 1 - settings.sure ? MAYBE_BG : SURE_BG
    if (p >= 0.5) subject++
    else background++
    if (labels[i] >= MAYBE_BG) unsure++
  }
  // Each side needs pixels enough for its colour model (OpenCV fits five Gaussians by k-means, and
  // an error inside opencv.js aborts the module); with no unsure pixel there is nothing to cut.
  if (subject < MIN_SIDE || background < MIN_SIDE || !unsure) return prob
  const cv = await openCv()
  const mats: CvMat[] = []
  const mat = (m: CvMat) => (mats.push(m), m)
  try {
    const image = mat(new cv.Mat(h, w, cv.CV_8UC3))
    for (let i = 0; i < plane; i++) {
      for (let c = 0; c < 3; c++) image.data[i * 3 + c] = Math.round(Math.min(1, Math.max(0, unit[c * plane + i])) * 255)
    }
    const mask = mat(new cv.Mat(h, w, cv.CV_8UC1))
    mask.data.set(labels)
    cv.grabCut(image, mask, new cv.Rect(0, 0, w, h), mat(new cv.Mat()), mat(new cv.Mat()), settings.iterations, cv.GC_INIT_WITH_MASK)
    const out = new Float32Array(plane)
    for (let i = 0; i < plane; i++) out[i] = mask.data[i] === SURE_FG || mask.data[i] === MAYBE_FG ? 1 : 0
    return out
  } catch {
    // opencv.js throws bare numbers (C++ exceptions); the network's own mask is still a selection.
    return prob
  } finally {
    for (const m of mats) m.delete()
  }
}
