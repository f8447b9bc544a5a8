import { describe, expect, it } from 'vitest'
import { applyShadowLift, findShadowLift } from '../../src/main/engine/shadow-lift.ts'
import type { Raster } from '../../src/main/image-io/index.ts'

// A 64x64 grey ground in the VAE's range [-1, 1]; the hole is the object (left), its shadow the
// darker band to its right. The "model" brightens the band back to the ground's level.
const W = 64
const H = 64
function planes(value: (x: number, y: number) => number): Float32Array {
  const p = new Float32Array(3 * W * H)
  for (let c = 0; c < 3; c++) for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) p[c * W * H + y * W + x] = value(x, y)
  return p
}
const inShadow = (x: number, y: number) => x >= 30 && x < 50 && y >= 20 && y < 44
const hole = new Float32Array(W * H).map((_, i) => (i % W < 20 && Math.floor(i / W) >= 20 && Math.floor(i / W) < 44 ? 1 : 0))
const before = planes((x, y) => (inShadow(x, y) ? -0.4 : 0.2))
const after = planes(() => 0.2)

describe('shadow lift (removal takes the cast shadow too)', () => {
  it('finds the brightened shadow outside the hole, and nothing when the model changed nothing', () => {
    const lift = findShadowLift(before, after, hole, W, H, -1, 1)
    expect(lift).not.toBeNull()
    expect(lift!.region[32 * W + 40]).toBeGreaterThan(0.9) // the middle of the shadow
    expect(lift!.region[32 * W + 10]).toBe(0) // inside the hole: the patch owns it
    expect(lift!.region[5 * W + 5]).toBe(0) // far from the shadow
    expect(findShadowLift(before, before, hole, W, H, -1, 1)).toBeNull()
  })

  it('brightens the shadow on the original, keeps its texture, and leaves every other pixel bit-identical', () => {
    const lift = findShadowLift(before, after, hole, W, H, -1, 1)!
    // The full-size original: twice the working size, with texture (a checker of +-6 levels).
    const S = 2
    const data = new Uint8Array(W * S * H * S * 3)
    for (let y = 0; y < H * S; y++)
      for (let x = 0; x < W * S; x++) {
        const base = inShadow(Math.floor(x / S), Math.floor(y / S)) ? 77 : 153
        for (let c = 0; c < 3; c++) data[(y * W * S + x) * 3 + c] = base + ((x + y) % 2 ? 6 : -6)
      }
    const original: Raster = { width: W * S, height: H * S, channels: 3, bitDepth: 8, data } as Raster
    const out = applyShadowLift(original, { left: 0, top: 0, width: W * S, height: H * S }, lift)
    const px = (r: Raster, x: number, y: number) => r.data[(y * W * S + x) * 3]
    expect(px(out, 80, 64)).toBeGreaterThan(130) // lifted towards the ground's 153
    expect(Math.abs(px(out, 80, 64) - px(out, 81, 64))).toBeGreaterThan(8) // texture kept, scaled by the gain
    let changedFar = 0
    for (let y = 0; y < 20; y++) for (let x = 0; x < W * S; x++) changedFar += px(out, x, y) !== px(original, x, y) ? 1 : 0
    expect(changedFar).toBe(0)
  })
})
