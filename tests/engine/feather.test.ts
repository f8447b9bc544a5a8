// The removal's paste mask: the selection dilated and feathered, from integer box counts over the
// selection's neighbourhood only.
import { describe, expect, it } from 'vitest'
import { featherSelection } from '../../src/main/engine/feather.ts'
import { maskBounds } from '../../src/main/engine/geometry.ts'

/** The definition over the whole photo: twice the selected share of the clipped box, capped. */
function direct(mask: Uint8Array, W: number, H: number, f: number): Uint8Array {
  const out = new Uint8Array(W * H)
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      let n = 0
      let k = 0
      for (let v = Math.max(0, y - f); v <= Math.min(H - 1, y + f); v++)
        for (let u = Math.max(0, x - f); u <= Math.min(W - 1, x + f); u++, n++) k += mask[v * W + u] > 127 ? 1 : 0
      out[y * W + x] = Math.min(255, Math.round((510 * k) / n))
    }
  return out
}

describe('featherSelection', () => {
  const W = 60
  const H = 45
  it.each([
    ['a blob inside the photo', 20, 15, 12, 9, 3],
    ['a blob touching two borders', 0, 30, 10, 15, 4],
    ['a box radius wider than the blob', 25, 20, 2, 2, 7]
  ])('equals the direct box count everywhere for %s', (_name, left, top, bw, bh, f) => {
    const mask = new Uint8Array(W * H)
    for (let y = top; y < top + bh; y++) for (let x = left; x < left + bw; x++) if ((x * 7 + y * 3) % 5) mask[y * W + x] = 200
    const bounds = maskBounds(mask, W, H)!
    const { rect, alpha } = featherSelection(mask, W, H, bounds, f)
    const want = direct(mask, W, H, f)
    let outside = 0
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const inside = x >= rect.left && x < rect.left + rect.width && y >= rect.top && y < rect.top + rect.height
        if (inside) expect(alpha[(y - rect.top) * rect.width + x - rect.left]).toBe(want[y * W + x])
        else outside += want[y * W + x]
      }
    expect(outside).toBe(0) // nothing is lost outside the returned rectangle
    expect(alpha.some((v) => v > 0 && v < 255)).toBe(true) // a soft rim
  })
})
