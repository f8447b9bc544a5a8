// GrabCut refinement of the subject mask (src/main/engine/grabcut.ts) through the real opencv.js:
// on a photo whose subject and ground differ in colour, a network's wrong but unsure pixels are
// corrected, its sure ones kept, and what cannot be cut is handed back untouched.
import { describe, expect, it } from 'vitest'
import { grabCutSubject, openCv } from '../../src/main/engine/grabcut.ts'

const W = 96
const H = 80

/** CHW RGB in [0, 1]: an orange disc (centre 40,40, radius 20) on a textured blue-grey ground. */
function photo(): Float32Array {
  const unit = new Float32Array(3 * W * H)
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const i = y * W + x
      const inDisc = (x - 40) ** 2 + (y - 40) ** 2 <= 20 ** 2
      const t = 0.05 * Math.sin(x * 0.9) * Math.cos(y * 0.7)
      const rgb = inDisc ? [0.9 + t, 0.5 + t, 0.1] : [0.35 + t, 0.4 + t, 0.5 + t]
      for (let c = 0; c < 3; c++) unit[c * W * H + i] = rgb[c]
    }
  return unit
}

/** The network's guess: the disc, sure inside, unsure on its right quarter (0.3: missed) and a ground blob (0.7: taken). */
function guess(): Float32Array {
  const prob = new Float32Array(W * H)
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const d2 = (x - 40) ** 2 + (y - 40) ** 2
      let p = d2 <= 20 ** 2 ? (x > 52 ? 0.3 : 0.99) : 0.01
      if ((x - 80) ** 2 + (y - 15) ** 2 <= 8 ** 2) p = 0.7
      prob[y * W + x] = p
    }
  return prob
}

const at = (m: Float32Array, x: number, y: number) => m[y * W + x]

describe('grabCutSubject', () => {
  // First: later tests load opencv.js, and it loads once per process.
  it('leaves the process\'s error handlers as they were (emscripten adds its own)', async () => {
    const before = [process.listenerCount('uncaughtException'), process.listenerCount('unhandledRejection')]
    await openCv()
    expect([process.listenerCount('uncaughtException'), process.listenerCount('unhandledRejection')]).toEqual(before)
  })

  it('cuts the unsure pixels by colour: the missed part of the subject comes back, the ground blob goes', async () => {
    const out = await grabCutSubject(photo(), guess(), W, H, { iterations: 2, sure: 0.98 })
    expect(at(out, 56, 40)).toBe(1) // the disc's right part, 0.3 in the guess
    expect(at(out, 80, 15)).toBe(0) // the blob on the ground, 0.7 in the guess
    expect(at(out, 40, 40)).toBe(1) // sure subject stays
    expect(at(out, 5, 75)).toBe(0) // sure ground stays
    let wrong = 0
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) wrong += Number(at(out, x, y) !== ((x - 40) ** 2 + (y - 40) ** 2 <= 400 ? 1 : 0))
    expect(wrong).toBeLessThan(0.01 * W * H)
  })

  it('hands the guess back where there is nothing to cut or too little to learn colours from', async () => {
    const sure = guess().map((p) => (p >= 0.5 ? 1 : 0))
    expect(await grabCutSubject(photo(), sure, W, H, { iterations: 2, sure: 0.98 })).toBe(sure)
    const tiny = new Float32Array(W * H).fill(0.3)
    tiny[0] = 0.99 // one subject pixel: no colour model can be fitted to it
    expect(await grabCutSubject(photo(), tiny, W, H, { iterations: 2, sure: 0.98 })).toBe(tiny)
  })
})
