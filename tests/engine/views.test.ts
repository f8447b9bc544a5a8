// The eight views of an image (views.ts): exact index arithmetic, and averaging back.
import { describe, expect, it } from 'vitest'
import { averageOverViews, fromView, toView, type Planes } from '../../src/main/engine/views.ts'

/** Two channels of 3 x 2 pixels, every value distinct: value = 100 c + 10 y + x. */
function sample(): Planes {
  const [C, w, h] = [2, 3, 2]
  const data = new Float32Array(C * w * h)
  for (let c = 0; c < C; c++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[c * w * h + y * w + x] = 100 * c + 10 * y + x
  return { data, channels: C, width: w, height: h }
}

describe('views', () => {
  it('mirrors, flips and transposes as named', () => {
    const p = sample()
    expect(Array.from(toView(p, 1).data.subarray(0, 6))).toEqual([2, 1, 0, 12, 11, 10])
    expect(Array.from(toView(p, 2).data.subarray(0, 6))).toEqual([10, 11, 12, 0, 1, 2])
    const t = toView(p, 4)
    expect([t.width, t.height]).toEqual([2, 3])
    expect(Array.from(t.data.subarray(6))).toEqual([100, 110, 101, 111, 102, 112])
    // Mirror then transpose: the first row of the view is the original's last column.
    expect(Array.from(toView(p, 5).data.subarray(0, 2))).toEqual([2, 12])
  })

  it('brings every view back exactly, and the eight views are distinct', () => {
    const p = sample()
    const seen = new Set<string>()
    for (let k = 0; k < 8; k++) {
      const v = toView(p, k)
      seen.add(`${v.width}x${v.height}:${Array.from(v.data)}`)
      const back = fromView(v, k)
      expect([back.width, back.height, back.channels]).toEqual([3, 2, 2])
      expect(Array.from(back.data)).toEqual(Array.from(p.data))
    }
    expect(seen.size).toBe(8)
    expect(() => toView(p, 8)).toThrow(/a view is 0..7/)
  })

  it('averages what a run sees in each view, in the original view', async () => {
    const p = sample()
    const seen: [number, number][] = []
    // A run that ignores its input's values and answers with its own x ramp: not invariant to a
    // mirror, so the two views' answers differ, and their average is flat across x.
    const ramp = async ([v]: Planes[]) => {
      seen.push([v.width, v.height])
      const data = new Float32Array(v.width * v.height)
      for (let i = 0; i < data.length; i++) data[i] = i % v.width
      return { data, channels: 1, width: v.width, height: v.height }
    }
    expect(Array.from((await averageOverViews([p], 2, ramp)).data)).toEqual([1, 1, 1, 1, 1, 1])
    expect(seen).toEqual([[3, 2], [3, 2]])
    // The identity is invariant to every view: averaging changes nothing.
    const same = await averageOverViews([p], 8, async ([v]) => v)
    expect(Array.from(same.data)).toEqual(Array.from(p.data))
    await expect(averageOverViews([p], 3, async ([v]) => v)).rejects.toThrow(/1, 2, 4 or 8, not 3/)
  })
})
