// The LBM sampler, exactly as in the reference (shared/docs/lbm.md):
//   sig = linspace(1, 1/N, N) + [0]; z = z_src
//   z += (sig[i+1] - sig[i]) * v(concat(z, cond), 1000 * sig[i])
//   then, except after the last step, fresh bridge noise s_b * sqrt(sig[i+1] * (1 - sig[i+1])) * eps.
import type { FloatTensor } from './runtime.ts'

/** Runs the denoiser on `sample` ([1, C + K, h, w]) at timestep 1000 * sigma; returns v ([1, C, h, w]). */
export type Denoise = (sample: FloatTensor, timestep: number) => Promise<Float32Array>

/** Supplies the bridge noise for step i (a tensor of n values). Injected so tests can replay PyTorch's. */
export type NoiseSource = (step: number, n: number) => Float32Array

export interface SampleOptions {
  steps: number
  bridgeNoiseSigma: number
  noise: NoiseSource
  /** Called after each network evaluation: step index (1-based) and total. */
  onStep?: (step: number, total: number) => void
  signal?: AbortSignal
}

export function sigmaSchedule(steps: number): number[] {
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`steps must be a positive integer, got ${steps}`)
  const sig = Array.from({ length: steps }, (_, i) => (steps === 1 ? 1 : 1 + ((1 / steps - 1) * i) / (steps - 1)))
  return [...sig, 0]
}

/** Concatenates z ([C, h, w]) and the conditioning ([K, h, w]) along channels: both are contiguous CHW. */
function concat(z: Float32Array, cond: Float32Array): Float32Array {
  const out = new Float32Array(z.length + cond.length)
  out.set(z, 0)
  out.set(cond, z.length)
  return out
}

/**
 * Moves the source latent along the bridge to the target latent in `steps` network evaluations.
 * `zSource` and `cond` are CHW at latent size; the result has zSource's shape.
 */
export async function sampleBridge(
  zSource: FloatTensor,
  cond: Float32Array,
  denoise: Denoise,
  opts: SampleOptions
): Promise<Float32Array> {
  const [, C, h, w] = zSource.dims
  const n = C * h * w
  const K = cond.length / (h * w)
  const sig = sigmaSchedule(opts.steps)
  let z = Float32Array.from(zSource.data)
  for (let i = 0; i < opts.steps; i++) {
    opts.signal?.throwIfAborted()
    const v = await denoise({ data: concat(z, cond), dims: [1, C + K, h, w] }, 1000 * sig[i])
    const dt = sig[i + 1] - sig[i]
    for (let j = 0; j < n; j++) z[j] += dt * v[j]
    if (i < opts.steps - 1 && opts.bridgeNoiseSigma > 0) {
      const s = opts.bridgeNoiseSigma * Math.sqrt(sig[i + 1] * (1 - sig[i + 1]))
      const eps = opts.noise(i, n)
      for (let j = 0; j < n; j++) z[j] += s * eps[j]
    }
    opts.onStep?.(i + 1, opts.steps)
  }
  return z
}
