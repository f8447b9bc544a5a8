// The light, as every part of the product speaks of it (CLI, editor, batch, training data):
// azimuth is where the light comes from around the subject, in the ground plane as seen from the
// camera (0 = from the right of the picture, 90 = from behind the subject, 180 = from the left,
// 270 = from the camera's side); elevation is degrees above the ground (90 = overhead).
// The light map that models receive is rendered here; training/lbm/light.py renders the same map
// and a golden test holds the two together.
import type { LightMapSpec } from './model-manifest.ts'

export interface Light {
  azimuth: number
  elevation: number
  /** 0 = point light (hard shadow edge), 1 = very large light. */
  softness: number
  /** Amplitude of the light's blob in the map. */
  intensity: number
  /** Linear RGB in 0..1; only RGB light maps use it. */
  colour: [number, number, number]
}

export const ELEVATION_RANGE = [5, 90] as const

/** Centre of a light's blob on the polar chart, in [0,1]^2 image coordinates (y down). */
export function lightChartPosition(light: Pick<Light, 'azimuth' | 'elevation'>): { x: number; y: number } {
  const r = (0.5 * (90 - light.elevation)) / 90
  const a = (light.azimuth * Math.PI) / 180
  return { x: 0.5 + r * Math.cos(a), y: 0.5 - r * Math.sin(a) }
}

export function lightSpread(spec: LightMapSpec, softness: number): number {
  return spec.spreadMin + softness * (spec.spreadMax - spec.spreadMin)
}

/** Renders a CHW light map of `channels` (1 = grey, 3 = RGB) at width x height: a sum of Gaussian blobs. */
export function renderLightMap(
  spec: LightMapSpec,
  channels: 1 | 3,
  lights: readonly Light[],
  width: number,
  height: number
): Float32Array {
  const out = new Float32Array(channels * width * height)
  const plane = width * height
  for (const light of lights) {
    const { x: cx, y: cy } = lightChartPosition(light)
    const s = lightSpread(spec, light.softness)
    const inv = 1 / (2 * s * s)
    const amp = channels === 1 ? [light.intensity] : light.colour.map((c) => c * light.intensity)
    for (let i = 0; i < height; i++) {
      const dy = (i + 0.5) / height - cy
      for (let j = 0; j < width; j++) {
        const dx = (j + 0.5) / width - cx
        const g = Math.exp(-(dx * dx + dy * dy) * inv)
        for (let c = 0; c < channels; c++) out[c * plane + i * width + j] += amp[c] * g
      }
    }
  }
  return out
}
