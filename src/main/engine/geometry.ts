// Working sizes and crop rectangles.
import type { LbmManifest } from '../../shared/model-manifest.ts'
import type { Rect } from './transfer.ts'

export interface Size {
  width: number
  height: number
}

/**
 * The size the network runs at for an image of W x H: the long side capped at `maxLongSide`
 * (never below `min`), each side rounded to the model's size multiple.
 */
export function workingSize(W: number, H: number, res: LbmManifest['resolution'], maxLongSide = res.maxLongSide): Size {
  const long = Math.max(W, H)
  const target = Math.max(res.min, Math.min(maxLongSide, res.maxLongSide, long))
  const scale = target / long
  const round = (v: number) => Math.max(res.multiple, Math.round((v * scale) / res.multiple) * res.multiple)
  return { width: round(W), height: round(H) }
}

/** Bounding box of the mask's pixels above `threshold`, or undefined if there are none. */
export function maskBounds(mask: Uint8Array, width: number, height: number, threshold = 127): Rect | undefined {
  let x0 = width
  let y0 = height
  let x1 = -1
  let y1 = -1
  for (let y = 0; y < height; y++) {
    const row = y * width
    for (let x = 0; x < width; x++) {
      if (mask[row + x] > threshold) {
        if (x < x0) x0 = x
        if (x > x1) x1 = x
        if (y < y0) y0 = y
        if (y > y1) y1 = y
      }
    }
  }
  return x1 < 0 ? undefined : { left: x0, top: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 }
}

/** Grows a rectangle by `margin` on each side, clipped to the image. */
export function expandRect(r: Rect, margin: number, W: number, H: number): Rect {
  const left = Math.max(0, r.left - margin)
  const top = Math.max(0, r.top - margin)
  const right = Math.min(W, r.left + r.width + margin)
  const bottom = Math.min(H, r.top + r.height + margin)
  return { left, top, width: right - left, height: bottom - top }
}
