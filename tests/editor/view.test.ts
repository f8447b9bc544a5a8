// The canvas view: fit, zoom about the pointer, actual pixels.
import { describe, expect, it } from 'vitest'
import { actualPixels, fitView, zoomAt } from '../../src/renderer/src/editor/view.ts'

describe('view', () => {
  it('fits the picture in the box with a margin, centred', () => {
    expect(fitView({ width: 1000, height: 500 }, { width: 532, height: 532 })).toEqual({ scale: 0.5, x: 16, y: 141 })
  })

  it('zooms keeping the point under the pointer still', () => {
    const v = { scale: 0.5, x: 16, y: 141 }
    const at = { x: 200, y: 300 }
    const z = zoomAt(v, at, 2)
    expect(z.scale).toBe(1)
    // The picture point under the pointer is the same before and after.
    expect((at.x - z.x) / z.scale).toBeCloseTo((at.x - v.x) / v.scale, 9)
    expect((at.y - z.y) / z.scale).toBeCloseTo((at.y - v.y) / v.scale, 9)
  })

  it('shows one photo pixel per device pixel at 1:1', () => {
    // A 4000 px photo shown through a 1600 px copy: 2.5 photo pixels per view pixel.
    expect(actualPixels({ scale: 0.3, x: 0, y: 0 }, { width: 800, height: 600 }, 2.5, 1).scale).toBeCloseTo(2.5, 9)
    expect(actualPixels({ scale: 0.3, x: 0, y: 0 }, { width: 800, height: 600 }, 2.5, 2).scale).toBeCloseTo(1.25, 9)
  })
})
