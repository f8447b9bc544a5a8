// The removal source's hole fills against training/lbm/fill.py, which defines them.
import { describe, expect, it } from 'vitest'
import { fillHole, pushPullFill } from '../../src/main/engine/fill.ts'
import { f32, maxAbsDiff, readGolden, type JsonTensor } from '../helpers/golden.ts'

describe('hole fills', () => {
  it('the push-pull fill matches PyTorch on odd sides and a hole at the edge', () => {
    const g = readGolden<{ image: JsonTensor; hole: JsonTensor; filled: JsonTensor }>('fill-pushpull')
    const [, , h, w] = g.image.shape
    const pixels = f32(g.image)
    pushPullFill(pixels, f32(g.hole), w, h)
    expect(maxAbsDiff(pixels, g.filled.data)).toBeLessThan(1e-5)
    // and it did fill: the hole's pixels moved, the others are untouched
    const hole = g.hole.data
    const moved = Array.from(pixels).filter((v, i) => v !== g.image.data[i]).length
    expect(moved).toBeGreaterThan(0.9 * 3 * hole.filter((v) => v > 0.5).length)
    for (let i = 0; i < pixels.length; i++) if (hole[i % hole.length] <= 0.5) expect(pixels[i]).toBe(Math.fround(g.image.data[i]))
  })

  it('binarises the hole and keeps every pixel outside it, for both fills', () => {
    const [w, h] = [20, 12]
    for (const kind of ['noise', 'pushpull'] as const) {
      const pixels = Float32Array.from({ length: 3 * w * h }, (_, i) => Math.sin(i * 0.1) * 0.8)
      const before = Float32Array.from(pixels)
      const hole = Float32Array.from({ length: w * h }, (_, i) => (i % w > 5 && i % w < 12 ? 0.7 : 0.2))
      fillHole(kind, pixels, hole, w, h, [-1, 1], 3)
      expect(new Set(hole)).toEqual(new Set([0, 1]))
      for (let i = 0; i < pixels.length; i++) {
        const inside = hole[i % (w * h)] === 1
        if (!inside) expect(pixels[i]).toBe(before[i])
        else expect(pixels[i]).toBeGreaterThanOrEqual(-1)
      }
    }
  })
})
