// The canvas view: a scale and an offset that map view-image pixels to the stage. Pure math.
import type { Point } from '../tools/types.ts'

export interface View {
  scale: number
  x: number
  y: number
}

export const MIN_SCALE = 0.05
export const MAX_SCALE = 32

/** The whole picture in the box, centred, with a margin. */
export function fitView(image: { width: number; height: number }, box: { width: number; height: number }, margin = 16): View {
  const scale = Math.max(MIN_SCALE, Math.min((box.width - 2 * margin) / image.width, (box.height - 2 * margin) / image.height))
  return { scale, x: (box.width - image.width * scale) / 2, y: (box.height - image.height * scale) / 2 }
}

/** Zooms by `factor` keeping the stage point `at` still (the pointer, for the wheel). */
export function zoomAt(view: View, at: Point, factor: number): View {
  const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, view.scale * factor))
  const k = scale / view.scale
  return { scale, x: at.x - (at.x - view.x) * k, y: at.y - (at.y - view.y) * k }
}

/**
 * One photo pixel per device pixel, around the box's centre. `pixelRatio` is photo pixels per
 * view-image pixel (the view image is a screen-sized copy); `dpr` the display's device pixel ratio.
 */
export function actualPixels(view: View, box: { width: number; height: number }, pixelRatio: number, dpr = 1): View {
  return zoomAt(view, { x: box.width / 2, y: box.height / 2 }, pixelRatio / dpr / view.scale)
}
