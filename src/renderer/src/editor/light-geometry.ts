// Where the light handle sits on the canvas for a light, and the light for a handle position.
// The handle circles the subject's centre as seen on screen, following src/shared/light.ts:
// azimuth 0 = to the right, 90 = up the screen (behind the subject), 180 = left, 270 = down
// (the camera's side). Its distance from the centre gives the elevation: at the centre the light
// is overhead (90), at `radius` or beyond it is at the lowest elevation allowed. This is the
// light map's own polar chart (lightChartPosition), scaled so that its radius 0.5 is `radius`.
import { ELEVATION_RANGE } from '../../../shared/light.ts'
import type { Point } from '../tools/types.ts'

export interface HandleFrame {
  /** The subject's centre in view coordinates. */
  centre: Point
  /** Distance from the centre that means the lowest elevation. */
  radius: number
}

export interface LightAngles {
  azimuth: number
  elevation: number
}

const [MIN_ELEVATION, MAX_ELEVATION] = ELEVATION_RANGE
const deg = (rad: number) => (rad * 180) / Math.PI

/** The light a handle at `p` stands for; the azimuth is in [0, 360). */
export function handleToLight(p: Point, frame: HandleFrame, previousAzimuth = 0): LightAngles {
  const dx = p.x - frame.centre.x
  const dy = frame.centre.y - p.y // screen y grows downwards; "behind" is up
  const d = Math.hypot(dx, dy)
  const elevation = Math.min(MAX_ELEVATION, Math.max(MIN_ELEVATION, 90 - (90 * d) / frame.radius))
  // Straight overhead has no direction: keep the one it had.
  const azimuth = d < 1e-9 ? previousAzimuth : (deg(Math.atan2(dy, dx)) + 360) % 360
  return { azimuth: round(azimuth), elevation: round(elevation) }
}

/** Where the handle of a light sits. */
export function lightToHandle(light: LightAngles, frame: HandleFrame): Point {
  const d = (frame.radius * (90 - light.elevation)) / 90
  const a = (light.azimuth * Math.PI) / 180
  return { x: frame.centre.x + d * Math.cos(a), y: frame.centre.y - d * Math.sin(a) }
}

/** The frame for a view of width x height around `centre`: a radius of half the shorter side. */
export function handleFrame(width: number, height: number, centre?: Point | null): HandleFrame {
  return { centre: centre ?? { x: width / 2, y: height / 2 }, radius: Math.min(width, height) / 2 }
}

/** Centre of the selected pixels of an RGBA mask (alpha = selection), or null when nothing is selected. */
export function maskCentroid(rgba: ArrayLike<number>, width: number, height: number): Point | null {
  let sum = 0
  let sx = 0
  let sy = 0
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const a = rgba[(y * width + x) * 4 + 3]
      if (a < 128) continue
      sum++
      sx += x + 0.5
      sy += y + 0.5
    }
  }
  return sum ? { x: sx / sum, y: sy / sum } : null
}

const round = (v: number) => Math.round(v * 100) / 100
