// The eight views of an image under the square's symmetries (mirror, flip, transpose), for models
// run on several views of the same input and their outputs averaged back in the original view. A
// model trained with random flips and transposes is nearly, not exactly, invariant to them; where
// its views disagree, their mean is closer to the truth than any one of them (the removal card
// measures it).

/** Planes of one image, channel-major (CHW), as the networks take them. */
export interface Planes {
  data: Float32Array
  channels: number
  width: number
  height: number
}

/** View k of 0..7: bit 1 mirrors left-right, bit 2 flips top-bottom, bit 4 then transposes. */
export type View = number

export const VIEW_COUNTS = [1, 2, 4, 8] as const

function checkView(k: View): void {
  if (!Number.isInteger(k) || k < 0 || k > 7) throw new RangeError(`a view is 0..7, got ${k}`)
}

/** The planes seen in view k (a transposing view swaps width and height). */
export function toView(p: Planes, k: View): Planes {
  checkView(k)
  if (k === 0) return p
  const { channels: C, width: w, height: h } = p
  const [mirror, flip, transpose] = [(k & 1) !== 0, (k & 2) !== 0, (k & 4) !== 0]
  const [W, H] = transpose ? [h, w] : [w, h]
  const out = new Float32Array(p.data.length)
  for (let c = 0; c < C; c++) {
    const src = c * w * h
    const dst = c * W * H
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const [ax, ay] = transpose ? [y, x] : [x, y]
        const sx = mirror ? w - 1 - ax : ax
        const sy = flip ? h - 1 - ay : ay
        out[dst + y * W + x] = p.data[src + sy * w + sx]
      }
    }
  }
  return { data: out, channels: C, width: W, height: H }
}

/**
 * Planes given in view k, brought back to the original view: fromView(toView(p, k), k) equals p.
 * Flips undo themselves; undoing a transposing view transposes first, which swaps the roles of
 * the mirror and the flip, so its inverse is the view with those two bits swapped.
 */
export function fromView(p: Planes, k: View): Planes {
  checkView(k)
  const inverse = k & 4 ? 4 | ((k & 1) << 1) | ((k & 2) >> 1) : k
  return toView(p, inverse)
}

/**
 * Runs `run` on the first `count` views of `input` (count 1, 2, 4 or 8: the identity, then the
 * mirror image, then both flipped, then all transposed) one after the other, and averages the
 * outputs back in the original view. `run` gets the view's planes and its number, and returns
 * planes of the same width and height.
 */
export async function averageOverViews(input: Planes[], count: number, run: (views: Planes[], view: View) => Promise<Planes>): Promise<Planes> {
  if (!(VIEW_COUNTS as readonly number[]).includes(count)) throw new RangeError(`views are averaged over 1, 2, 4 or 8, not ${count}`)
  let sum: Planes | undefined
  for (let k = 0; k < count; k++) {
    const back = fromView(await run(input.map((p) => toView(p, k)), k), k)
    if (!sum) sum = { ...back, data: Float32Array.from(back.data) }
    else for (let i = 0; i < sum.data.length; i++) sum.data[i] += back.data[i]
  }
  if (count > 1) for (let i = 0; i < sum!.data.length; i++) sum!.data[i] /= count
  return sum!
}
