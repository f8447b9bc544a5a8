// Builds the conditioning channels a model's manifest asks for, in its order, at latent size.
import type { LbmManifest } from '../../shared/model-manifest.ts'
import { renderLightMap, type Light } from '../../shared/light.ts'
import { projectShadow } from './projection.ts'
import { resizeArea, resizeBilinear, resizeNearest } from './resize.ts'

export interface ConditioningInputs {
  /** The selection at working size (1 plane, 0..1). */
  mask?: { data: Float32Array; width: number; height: number }
  /** The lights; none gives an empty (zero) light map, which lets the image decide. */
  lights?: readonly Light[]
  /** VAE-encoded, normalised latents of conditioning images, by conditioning name. */
  images?: Record<string, Float32Array>
}

const RESIZERS = { bilinear: resizeBilinear, area: resizeArea, nearest: resizeNearest }

export function conditioningChannels(m: LbmManifest): number {
  return m.conditioning.reduce((n, c) => n + c.channels, 0)
}

/** Returns the K conditioning planes (CHW) at latent size w x h. */
export function buildConditioning(m: LbmManifest, inputs: ConditioningInputs, w: number, h: number): Float32Array {
  const plane = w * h
  const out = new Float32Array(conditioningChannels(m) * plane)
  let offset = 0
  for (const spec of m.conditioning) {
    let data: Float32Array
    if (spec.kind === 'mask') {
      const mask = inputs.mask
      if (!mask) throw new Error(`model '${m.id}' needs a mask ('${spec.name}')`)
      data = RESIZERS[spec.resize](mask.data, 1, mask.width, mask.height, w, h)
    } else if (spec.kind === 'lightMap') {
      data = renderLightMap(m.lightMap!, spec.channels, inputs.lights ?? [], w, h)
    } else if (spec.kind === 'shadowProjection') {
      // From the selection resized as training/lbm/projection.py's caller resizes it (bilinear).
      const mask = inputs.mask
      if (!mask) throw new Error(`model '${m.id}' needs a mask for its shadow projection ('${spec.name}')`)
      data = projectShadow(resizeBilinear(mask.data, 1, mask.width, mask.height, w, h), w, h, inputs.lights?.[0], spec.sweep ?? 0)
    } else {
      const image = inputs.images?.[spec.name]
      if (!image) throw new Error(`model '${m.id}' needs a conditioning image '${spec.name}'`)
      if (image.length !== spec.channels * plane) {
        throw new Error(`conditioning image '${spec.name}' has ${image.length / plane} channels, expected ${spec.channels}`)
      }
      data = image
    }
    out.set(data, offset)
    offset += data.length
  }
  return out
}
