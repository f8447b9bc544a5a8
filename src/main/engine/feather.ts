// The removal's paste-back mask: the painted selection dilated and feathered in one step, as
// twice the share of selected pixels in a (2f+1)^2 box, clipped to 1. Users paint loosely, so the
// dilation reaches the object's rim; the feather hides the seam.
import { expandRect } from './geometry.ts'
import type { Rect } from './transfer.ts'

export interface Feathered {
  /** Where the alpha can be non-zero: the selection's box grown by the feather radius. */
  rect: Rect
  /** rect-sized, 0..255. */
  alpha: Uint8Array
}

/**
 * Feathers `mask` (W x H, selected where > 127, with `bounds` its selected pixels' box) by radius f.
 * The box counts come from a summed-area table over the rectangle the boxes can reach, in
 * integers, so the work follows the selection, not the photo. Boxes are clipped at the photo's
 * borders (a pixel there averages over the part of its box inside the photo).
 */
export function featherSelection(mask: Uint8Array, W: number, H: number, bounds: Rect, f: number): Feathered {
  const rect = expandRect(bounds, f, W, H)
  const reach = expandRect(rect, f, W, H)
  const sw = reach.width + 1
  // sat[(y + 1) * sw + x + 1]: selected pixels in reach's rows 0..y and columns 0..x.
  const sat = new Int32Array(sw * (reach.height + 1))
  for (let y = 0; y < reach.height; y++) {
    const src = (reach.top + y) * W + reach.left
    const above = y * sw
    const row = above + sw
    let run = 0
    for (let x = 0; x < reach.width; x++) {
      run += mask[src + x] > 127 ? 1 : 0
      sat[row + x + 1] = sat[above + x + 1] + run
    }
  }
  const alpha = new Uint8Array(rect.width * rect.height)
  // Box columns per output column, in reach's coordinates (clipped to the photo = to reach).
  const x0s = new Int32Array(rect.width)
  const x1s = new Int32Array(rect.width)
  for (let x = 0; x < rect.width; x++) {
    const X = rect.left + x
    x0s[x] = Math.max(0, X - f) - reach.left
    x1s[x] = Math.min(W - 1, X + f) - reach.left + 1
  }
  for (let y = 0; y < rect.height; y++) {
    const Y = rect.top + y
    const y0 = Math.max(0, Y - f) - reach.top
    const y1 = Math.min(H - 1, Y + f) - reach.top + 1
    const top = y0 * sw
    const bottom = y1 * sw
    const rows = y1 - y0
    const out = y * rect.width
    for (let x = 0; x < rect.width; x++) {
      const a = x0s[x]
      const b = x1s[x]
      const count = sat[bottom + b] - sat[top + b] - sat[bottom + a] + sat[top + a]
      if (count === 0) continue
      const v = Math.round((510 * count) / (rows * (b - a)))
      alpha[out + x] = v > 255 ? 255 : v
    }
  }
  return { rect, alpha }
}
