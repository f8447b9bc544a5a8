// The shadow projection conditioning against training/lbm/projection.py, which defines it.
import { describe, expect, it } from 'vitest'
import { projectShadow } from '../../src/main/engine/projection.ts'
import type { Light } from '../../src/shared/light.ts'
import { f32, maxAbsDiff, readGolden, type JsonTensor } from '../helpers/golden.ts'

type Golden = { mask: JsonTensor; lights: Light[]; projections: JsonTensor[]; sweep: number; sweptProjections: JsonTensor[] }

describe('shadow projection', () => {
  it('matches the Python definition for lights all round, hard to soft, low to high', () => {
    const g = readGolden<Golden>('shadow-projection')
    const [, , h, w] = g.mask.shape
    expect(g.lights.length).toBe(g.projections.length)
    g.lights.forEach((light, i) => {
      const got = projectShadow(f32(g.mask), w, h, light)
      expect(maxAbsDiff(got, g.projections[i].data)).toBeLessThan(1e-6)
      expect(Math.max(...got)).toBeGreaterThan(0.1) // every case casts something
    })
  })

  it('matches it with the cut-out swept back in depth, and then casts at least the flat shadow', () => {
    const g = readGolden<Golden>('shadow-projection')
    const [, , h, w] = g.mask.shape
    expect(g.sweep).toBeGreaterThan(0)
    expect(g.lights.length).toBe(g.sweptProjections.length)
    g.lights.forEach((light, i) => {
      const got = projectShadow(f32(g.mask), w, h, light, g.sweep)
      expect(maxAbsDiff(got, g.sweptProjections[i].data)).toBeLessThan(1e-6)
      const flat = projectShadow(f32(g.mask), w, h, light)
      expect(got.every((v, j) => v >= flat[j] - 1e-6)).toBe(true)
    })
  })

  it('is empty without a light or without a selection', () => {
    const mask = new Float32Array(20 * 20)
    const light: Light = { azimuth: 90, elevation: 40, softness: 0, intensity: 1, colour: [1, 1, 1] }
    expect(projectShadow(mask, 20, 20, light).some((v) => v > 0)).toBe(false)
    mask.fill(1, 100, 110)
    expect(projectShadow(mask, 20, 20, undefined).some((v) => v > 0)).toBe(false)
    expect(projectShadow(mask, 20, 20, light).some((v) => v > 0)).toBe(true)
  })
})
