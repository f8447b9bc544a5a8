// One pass of a task model at working size: encode (VAE), bridge sampling (denoiser), decode.
import type { ProgressEvent, Stage } from '../../shared/contract.ts'
import { buildConditioning, type ConditioningInputs } from './conditioning.ts'
import type { LoadedModel } from './model.ts'
import type { ModelSession } from './runtime.ts'
import { normalArray, seededRandom } from './random.ts'
import { sampleBridge, type NoiseSource } from './sampler.ts'

export type Timings = Partial<Record<Stage, number>>

export interface PassContext {
  timings: Timings
  onProgress?: (e: ProgressEvent) => void
  signal?: AbortSignal
}

export async function timed<T>(ctx: PassContext, stage: Stage, fn: () => Promise<T> | T): Promise<T> {
  ctx.signal?.throwIfAborted()
  ctx.onProgress?.({ stage })
  const t0 = performance.now()
  try {
    return await fn()
  } finally {
    ctx.timings[stage] = (ctx.timings[stage] ?? 0) + performance.now() - t0
  }
}

/** Encodes CHW pixels in the VAE's pixel range to a normalised latent z = (latent - shift) * scale. */
export async function encode(model: LoadedModel, pixels: Float32Array, width: number, height: number): Promise<Float32Array> {
  const out = await model.encoder.run({ image: { data: pixels, dims: [1, 3, height, width] } })
  const { scale, shift } = model.manifest.vae
  const z = Float32Array.from(out.latent.data)
  for (let i = 0; i < z.length; i++) z[i] = (z[i] - shift) * scale
  return z
}

/** Decodes a normalised latent to CHW pixels, clamped to the VAE's pixel range (`decoder`: the preview's, or the VAE's own). */
export async function decode(model: LoadedModel, z: Float32Array, lw: number, lh: number, decoder: ModelSession = model.decoder): Promise<Float32Array> {
  const { scale, shift, pixelRange, latentChannels } = model.manifest.vae
  const latent = new Float32Array(z.length)
  for (let i = 0; i < z.length; i++) latent[i] = z[i] / scale + shift
  const out = await decoder.run({ latent: { data: latent, dims: [1, latentChannels, lh, lw] } })
  const img = Float32Array.from(out.image.data)
  const [lo, hi] = pixelRange
  for (let i = 0; i < img.length; i++) img[i] = Math.min(hi, Math.max(lo, img[i]))
  return img
}

export interface BridgeOptions {
  steps: number
  seed: number
  /** Replaces the seeded bridge noise (tests replay PyTorch's). */
  noise?: NoiseSource
  /** Decodes the target with this session instead of the VAE's decoder (the live preview's). */
  decoder?: ModelSession
}

/** Denoises from the source latent to the target latent; returns the decoded target pixels. */
export async function bridgePass(
  model: LoadedModel,
  zSource: Float32Array,
  lw: number,
  lh: number,
  cond: ConditioningInputs,
  opts: BridgeOptions,
  ctx: PassContext
): Promise<Float32Array> {
  const m = model.manifest
  const C = m.vae.latentChannels
  const condPlanes = buildConditioning(m, cond, lw, lh)
  const rng = seededRandom(opts.seed)
  const noise = opts.noise ?? ((_step: number, n: number) => normalArray(rng, n))
  const zTarget = await timed(ctx, 'denoise', () =>
    sampleBridge({ data: zSource, dims: [1, C, lh, lw] }, condPlanes, async (sample, t) => {
      const out = await model.denoiser.run({ sample, timestep: { data: new Float32Array([t]), dims: [1] } })
      return out.v.data
    }, {
      steps: opts.steps,
      bridgeNoiseSigma: m.sampler.bridgeNoiseSigma,
      noise,
      signal: ctx.signal,
      onStep: (step, total) => ctx.onProgress?.({ stage: 'denoise', step, total })
    })
  )
  return timed(ctx, 'decode', () => decode(model, zTarget, lw, lh, opts.decoder))
}
