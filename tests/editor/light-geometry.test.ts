// The light handle on the canvas <-> azimuth and elevation, per src/shared/light.ts.
import { describe, expect, it } from 'vitest'
import { handleFrame, handleToLight, lightToHandle, maskCentroid } from '../../src/renderer/src/editor/light-geometry.ts'
import { lightChartPosition } from '../../src/shared/light.ts'

const frame = { centre: { x: 200, y: 100 }, radius: 90 }

describe('light handle geometry', () => {
  it('reads the four cardinal directions the way the convention says', () => {
    const r = 45 // half the radius: elevation 45
    expect(handleToLight({ x: 200 + r, y: 100 }, frame)).toEqual({ azimuth: 0, elevation: 45 }) // right of the picture
    expect(handleToLight({ x: 200, y: 100 - r }, frame)).toEqual({ azimuth: 90, elevation: 45 }) // up: behind the subject
    expect(handleToLight({ x: 200 - r, y: 100 }, frame)).toEqual({ azimuth: 180, elevation: 45 }) // left
    expect(handleToLight({ x: 200, y: 100 + r }, frame)).toEqual({ azimuth: 270, elevation: 45 }) // down: the camera's side
  })

  it('puts the handle where the light map puts the light', () => {
    for (const light of [{ azimuth: 30, elevation: 20 }, { azimuth: 135, elevation: 35 }, { azimuth: 300, elevation: 70 }]) {
      const p = lightToHandle(light, { centre: { x: 0.5, y: 0.5 }, radius: 0.5 })
      const chart = lightChartPosition(light)
      expect(p.x).toBeCloseTo(chart.x, 9)
      expect(p.y).toBeCloseTo(chart.y, 9)
    }
  })

  it('round-trips a light through the handle', () => {
    for (let azimuth = 0; azimuth < 360; azimuth += 15) {
      for (const elevation of [5, 12.5, 45, 80]) {
        const back = handleToLight(lightToHandle({ azimuth, elevation }, frame), frame)
        expect(back.azimuth).toBeCloseTo(azimuth, 1)
        expect(back.elevation).toBeCloseTo(elevation, 1)
      }
    }
  })

  it('clamps elevation: overhead at the centre (keeping the azimuth), lowest beyond the radius', () => {
    expect(handleToLight(frame.centre, frame, 123)).toEqual({ azimuth: 123, elevation: 90 })
    expect(handleToLight({ x: 200 + 1000, y: 100 }, frame)).toEqual({ azimuth: 0, elevation: 5 })
  })

  it('centres the frame on the selection, or the picture without one', () => {
    expect(handleFrame(400, 200)).toEqual({ centre: { x: 200, y: 100 }, radius: 100 })
    const w = 4
    const h = 4
    const rgba = new Uint8Array(w * h * 4)
    for (const [x, y] of [[2, 1], [3, 1], [2, 2], [3, 2]]) rgba[(y * w + x) * 4 + 3] = 255
    expect(maskCentroid(rgba, w, h)).toEqual({ x: 3, y: 2 })
    expect(maskCentroid(new Uint8Array(w * h * 4), w, h)).toBeNull()
  })
})
