// Each network of a model timed alone on square inputs (median of a few runs), so a VAE or a
// denoiser can be compared with its targets independently of the rest of the pipeline.
import { denoiserInputChannels } from '../../shared/model-manifest.ts'
import type { LoadedModel } from '../engine/model.ts'
import type { Feeds, ModelSession } from '../engine/runtime.ts'

export interface NetworkTiming {
  network: 'encoder' | 'denoiser' | 'decoder' | 'preview decoder'
  /** Side of the square image the network works for (the latent is side / downsample). */
  side: number
  medianMs: number
}

function filled(dims: number[]): { data: Float32Array; dims: number[] } {
  const n = dims.reduce((a, b) => a * b, 1)
  const data = new Float32Array(n)
  for (let i = 0; i < n; i++) data[i] = 0.5 * Math.sin(i * 0.013)
  return { data, dims }
}

async function median(session: ModelSession, feeds: Feeds, runs: number): Promise<number> {
  await session.run(feeds) // first run at a shape: allocation and kernel choice
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    await session.run(feeds)
    times.push(performance.now() - t)
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]
}

export async function timeNetworks(model: LoadedModel, sides: number[] = [512, 1024], runs = 3): Promise<NetworkTiming[]> {
  const f = model.manifest.vae.downsample
  const C = model.manifest.vae.latentChannels
  const out: NetworkTiming[] = []
  for (const side of sides) {
    const lat = side / f
    out.push({ network: 'encoder', side, medianMs: await median(model.encoder, { image: filled([1, 3, side, side]) }, runs) })
    const sample = filled([1, denoiserInputChannels(model.manifest), lat, lat])
    const timestep = { data: new Float32Array([1000]), dims: [1] }
    out.push({ network: 'denoiser', side, medianMs: await median(model.denoiser, { sample, timestep }, runs) })
    out.push({ network: 'decoder', side, medianMs: await median(model.decoder, { latent: filled([1, C, lat, lat]) }, runs) })
    if (model.previewDecoder) {
      out.push({ network: 'preview decoder', side, medianMs: await median(model.previewDecoder, { latent: filled([1, C, lat, lat]) }, runs) })
    }
  }
  return out
}

export function networksMarkdown(rows: NetworkTiming[]): string {
  const sides = [...new Set(rows.map((r) => r.side))]
  const cell = (n: NetworkTiming['network'], s: number) => {
    const r = rows.find((x) => x.network === n && x.side === s)
    return r ? r.medianMs.toFixed(0) : '–'
  }
  return [
    `| network (ms, median) | ${sides.map((s) => `${s}x${s}`).join(' | ')} |`,
    `|---|${sides.map(() => '---').join('|')}|`,
    ...(['encoder', 'denoiser', 'decoder', 'preview decoder'] as const)
      .filter((n) => rows.some((r) => r.network === n))
      .map((n) => `| ${n} | ${sides.map((s) => cell(n, s)).join(' | ')} |`)
  ].join('\n')
}
