// The benchmark behind `npm run bench` / `lbm bench`: per-stage times of the main job (a cast
// shadow) at several sizes, an object removal on a 12 MP photo, live-preview latency with the
// source latent cached, Select subject on a 12 MP photo, model load time, peak resident memory,
// and each network's work (GFLOPs, when the bundle states it) and speed.
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import type { EditResult, Stage } from '../../shared/contract.ts'
import { Engine } from '../engine/engine.ts'
import type { LoadedModel } from '../engine/model.ts'
import type { Timings } from '../engine/network.ts'
import { segmentSubject, type SubjectMask } from '../engine/segment.ts'
import { readImage } from '../image-io/index.ts'
import { networksMarkdown, timeNetworks, type NetworkTiming } from './networks.ts'
import { samplePath } from '../samples.ts'

export interface NetworkWork {
  network: 'encoder' | 'denoiser' | 'decoder'
  /** GFLOPs of one evaluation at this size (from the bundle's flopsPerPixel), if stated. */
  gflops?: number
  gflopsPerSecond?: number
}

export interface BenchRow {
  label: string
  width: number
  height: number
  working: { width: number; height: number }
  networks: NetworkWork[]
  stages: Partial<Record<Stage, number>>
  denoisePerStep: number
  totalMs: number
}

/** One full removal (`lbm remove`) of a 12 MP photo with the default remove model. */
export interface RemoveBench {
  model: string
  width: number
  height: number
  /** Share of the photo the mask selects. */
  cover: number
  working: { width: number; height: number }
  stages: Partial<Record<Stage, number>>
  totalMs: number
}

/** Select subject (the default segment model) on a 12 MP photo: medians over runs after a warm one. */
export interface SegmentBench {
  model: string
  flipAverage: boolean
  grabCut: boolean
  width: number
  height: number
  working: { width: number; height: number }
  runs: number
  timings: SubjectMask['timings']
  totalMs: number
}

export interface BenchReport {
  model: string
  device: EditResult['device']
  cpu: string
  loadMs: number
  rows: BenchRow[]
  /**
   * `previewDecoder`: whether the VAE's distilled preview decoder decoded the preview;
   * `fullDecoderMs`: the same moves decoded by the full decoder, alternating with `warmMs`.
   */
  preview: { size: number; coldMs: number; warmMs: number[]; warmStages: Timings[]; previewDecoder: boolean; fullDecoderMs: number[] }
  remove: RemoveBench
  segment: SegmentBench
  networks: NetworkTiming[]
  peakRssMb: number
}

const SIZES: { label: string; long: number }[] = [
  { label: '512 px', long: 512 },
  { label: '1024 px', long: 1024 },
  { label: '2048 px', long: 2048 },
  { label: '24 MP', long: 6000 }
]

async function makeInputs(dir: string, long: number, h = Math.round((long * 2) / 3)) {
  const w = long
  const image = path.join(dir, `photo-${w}x${h}.jpg`)
  const mask = path.join(dir, `mask-${w}x${h}.png`)
  await sharp(samplePath('still-life.jpg')).resize(w, h, { fit: 'fill' }).jpeg({ quality: 92 }).toFile(image)
  await sharp(samplePath('still-life-subject-mask.png')).resize(w, h, { fit: 'fill' }).png().toFile(mask)
  return { image, mask, w, h }
}

/** Removal of the still life's subject (about 9% of the photo) from the photo at 12 MP. */
async function benchRemove(engine: Engine, dir: string): Promise<RemoveBench> {
  const warm = await makeInputs(dir, 512)
  await engine.run({ task: 'remove', image: warm.image, mask: warm.mask, output: { path: path.join(dir, 'warm-remove.jpg') } })
  const { image, mask, w, h } = await makeInputs(dir, 4240, 2832)
  const { data } = await sharp(mask).greyscale().raw().toBuffer({ resolveWithObject: true })
  const cover = data.reduce((n, v) => n + (v > 127 ? 1 : 0), 0) / data.length
  const r = await engine.run({ task: 'remove', image, mask, output: { path: path.join(dir, 'out-remove.jpg') } })
  return { model: r.model, width: w, height: h, cover, working: r.working, stages: r.timings, totalMs: r.totalMs }
}

/** The decoded photo in memory, so only what the editor waits for after opening it is timed. */
async function benchSegment(engine: Engine, dir: string, runs = 5): Promise<SegmentBench> {
  const id = await engine.segmentModelId()
  const model = await engine.segmenter(id)
  const { image, w, h } = await makeInputs(dir, 4240, 2832)
  const { raster } = await readImage(image)
  const first = await segmentSubject(model, raster)
  const timed: SubjectMask['timings'][] = []
  for (let i = 0; i < runs; i++) timed.push((await segmentSubject(model, raster)).timings)
  const med = (k: keyof SubjectMask['timings']) => median(timed.map((t) => t[k]))
  return {
    model: id, flipAverage: model.manifest.flipAverage === true, grabCut: model.manifest.grabCut !== undefined, width: w, height: h, working: first.working, runs,
    timings: { resize: med('resize'), network: med('network'), refine: med('refine'), upsample: med('upsample') },
    totalMs: median(timed.map((t) => t.resize + t.network + t.refine + t.upsample))
  }
}

export async function runBench(opts: { device?: 'auto' | 'cpu' | 'gpu'; sizes?: number[]; onRow?: (r: BenchRow) => void } = {}): Promise<BenchReport> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lbm-bench-'))
  const engine = new Engine({ device: opts.device ?? 'auto' })
  try {
    const modelId = await engine.modelIdFor('shadow')
    const model = await engine.model(modelId)
    const light = { azimuth: 30, elevation: 40, softness: 0.3 }
    // One untimed run first: the first inference at a shape pays for kernel selection and JIT.
    const warm = await makeInputs(dir, 512)
    await engine.run({ task: 'shadow', image: warm.image, mask: warm.mask, light, output: { path: path.join(dir, 'warm-up.jpg') } })
    const rows: BenchRow[] = []
    for (const size of SIZES.filter((s) => !opts.sizes || opts.sizes.includes(s.long))) {
      const { image, mask, w, h } = await makeInputs(dir, size.long)
      const result = await engine.run({ task: 'shadow', image, mask, light, output: { path: path.join(dir, `out-${size.long}.jpg`) } })
      const denoisePerStep = (result.timings.denoise ?? 0) / result.steps
      const networks = networkWork(model, result.working, { encoder: result.timings.encode, denoiser: denoisePerStep, decoder: result.timings.decode })
      const row = { label: size.label, width: w, height: h, working: result.working, networks, stages: result.timings, denoisePerStep, totalMs: result.totalMs }
      rows.push(row)
      opts.onRow?.(row)
    }
    // Live preview: the first call reads and encodes; light changes then reuse the source latent.
    const { image, mask } = await makeInputs(dir, 1024)
    const previewSize = 512
    const t0 = performance.now()
    await engine.preview({ task: 'shadow', image, mask, light, output: { path: 'unused' } }, previewSize)
    const coldMs = performance.now() - t0
    const warmMs: number[] = []
    const warmStages: Timings[] = []
    const fullDecoderMs: number[] = []
    for (let az = 0; az < 360; az += 45) {
      // Each light position twice, alternating: with the preview decoder (what the editor does)
      // and with the full decoder, so the two are compared under the same machine load.
      const move = { task: 'shadow' as const, image, mask, light: { ...light, azimuth: az }, output: { path: 'unused' } }
      let t = performance.now()
      const p = await engine.preview(move, previewSize)
      warmMs.push(performance.now() - t)
      warmStages.push(p.timings)
      t = performance.now()
      await engine.preview(move, previewSize, { fullDecoder: true })
      fullDecoderMs.push(performance.now() - t)
    }
    const remove = await benchRemove(engine, dir)
    const segment = await benchSegment(engine, dir)
    const networks = await timeNetworks(model)
    return {
      model: modelId,
      device: model.device,
      cpu: `${os.cpus()[0]?.model ?? 'unknown'} x${os.availableParallelism()}`,
      loadMs: model.loadMs,
      rows,
      preview: { size: previewSize, coldMs, warmMs, warmStages, previewDecoder: model.previewDecoder !== undefined, fullDecoderMs },
      remove,
      segment,
      networks,
      peakRssMb: process.resourceUsage().maxRSS / 1024
    }
  } finally {
    await engine.dispose()
    await fs.rm(dir, { recursive: true, force: true })
  }
}

/** Work per network at a working size, and the speed it ran at. */
function networkWork(model: LoadedModel, working: { width: number; height: number }, ms: Record<NetworkWork['network'], number | undefined>): NetworkWork[] {
  const image = working.width * working.height
  const latent = image / (model.manifest.vae.downsample * model.manifest.vae.downsample)
  const fpp = { encoder: model.vae.files.encoder.flopsPerPixel, denoiser: model.manifest.files.denoiser.flopsPerPixel, decoder: model.vae.files.decoder.flopsPerPixel }
  const pixels = { encoder: image, denoiser: latent, decoder: latent }
  return (['encoder', 'denoiser', 'decoder'] as const).map((network) => {
    const f = fpp[network]
    const t = ms[network]
    if (f === undefined) return { network }
    const gflops = (f * pixels[network]) / 1e9
    return { network, gflops, gflopsPerSecond: t ? gflops / (t / 1000) : undefined }
  })
}

const ms = (v: number | undefined) => (v === undefined ? '–' : v < 10 ? v.toFixed(1) : Math.round(v).toString())
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

export function benchMarkdown(r: BenchReport): string {
  const lines = [
    `Model \`${r.model}\` on ${r.device.kind} (${r.device.provider}), ${r.cpu}. Model load: ${ms(r.loadMs)} ms. Peak RSS: ${Math.round(r.peakRssMb)} MB.`,
    '',
    '| size | read | encode | denoise / step | decode | transfer | write | total (ms) |',
    '|---|---|---|---|---|---|---|---|'
  ]
  for (const row of r.rows) {
    const s = row.stages
    lines.push(`| ${row.label} (${row.width}x${row.height}) | ${ms(s.read)} | ${ms(s.encode)} | ${ms(row.denoisePerStep)} | ${ms(s.decode)} | ${ms(s.transfer)} | ${ms(s.write)} | ${ms(row.totalMs)} |`)
  }
  lines.push('', '| size | network ran at | encoder GFLOPs (GFLOP/s) | denoiser GFLOPs per step (GFLOP/s) | decoder GFLOPs (GFLOP/s) |', '|---|---|---|---|---|')
  const work = (n?: NetworkWork) => (n?.gflops === undefined ? '–' : `${n.gflops.toFixed(2)} (${n.gflopsPerSecond?.toFixed(1) ?? '–'})`)
  for (const row of r.rows) {
    const by = (name: NetworkWork['network']) => row.networks.find((n) => n.network === name)
    lines.push(`| ${row.label} | ${row.working.width}x${row.working.height} | ${work(by('encoder'))} | ${work(by('denoiser'))} | ${work(by('decoder'))} |`)
  }
  lines.push('', 'Each network alone on a square image:', '', networksMarkdown(r.networks))
  const rm = r.remove
  const named = ['read', 'encode', 'denoise', 'decode', 'transfer', 'write'] as const
  const other = rm.totalMs - named.reduce((sum, k) => sum + (rm.stages[k] ?? 0), 0) // load, crop, mask feathering
  lines.push(
    '',
    `Object removal at 12 MP (${rm.width}x${rm.height}, mask ${(100 * rm.cover).toFixed(1)}% of the photo), model \`${rm.model}\`, network at ${rm.working.width}x${rm.working.height}: ` +
      `${(rm.totalMs / 1000).toFixed(2)} s (ms: ${named.map((k) => `${k} ${ms(rm.stages[k])}`).join(', ')}, other ${ms(other)}).`
  )
  const sg = r.segment
  lines.push(
    '',
    `Select subject at 12 MP (${sg.width}x${sg.height}, the photo decoded), model \`${sg.model}\`${sg.flipAverage ? ' (flip-averaged: two network runs)' : ''}, network at ${sg.working.width}x${sg.working.height}: ` +
      `median ${ms(sg.totalMs)} ms over ${sg.runs} runs (resize ${ms(sg.timings.resize)}, network ${ms(sg.timings.network)}, ` +
      `${sg.grabCut ? `GrabCut ${ms(sg.timings.refine)}, ` : ''}edge-aware upsampling ${ms(sg.timings.upsample)}).`
  )
  const stage = (k: 'denoise' | 'decode' | 'transfer') => ms(median(r.preview.warmStages.map((t) => t[k] ?? 0)))
  lines.push(
    '',
    `Live preview at ${r.preview.size} px (light moved, source latent cached): median ${ms(median(r.preview.warmMs))} ms over ${r.preview.warmMs.length} moves ` +
      `(medians, ms: denoise ${stage('denoise')}, decode ${stage('decode')}${r.preview.previewDecoder ? ' with the preview decoder' : ''}, transfer ${stage('transfer')}); ` +
      `first preview (read + encode) ${ms(r.preview.coldMs)} ms.`
  )
  if (r.preview.previewDecoder) {
    const full = median(r.preview.fullDecoderMs)
    lines.push(`The same moves with the full decoder, alternating: median ${ms(full)} ms (preview decoder / full: ${(median(r.preview.warmMs) / full).toFixed(2)}).`)
  }
  return lines.join('\n')
}
