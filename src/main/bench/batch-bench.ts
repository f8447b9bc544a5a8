// `lbm bench --batch N`: N photos of 12 MP through the batch runner, per task: photos per minute,
// and the batch wall time against the sum of the per-file network time (encode, denoise, decode)
// and of the per-file engine time. The gap between wall and network time is the I/O (read,
// decode, detail transfer, encode, write) that the read-ahead did not hide.
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { STAGES, type Task } from '../../shared/contract.ts'
import type { BatchSummary } from '../../shared/batch.ts'
import { runBatch } from '../batch/index.ts'
import { Engine } from '../engine/engine.ts'
import { samplePath } from '../samples.ts'

export interface BatchBenchRow {
  task: Task
  jobs: number
  photos: number
  width: number
  height: number
  wallMs: number
  photosPerMinute: number
  modelMs: number
  engineMs: number
  /** wall / sum of per-file network time; 1 means all I/O hidden. */
  wallOverModel: number
  failed: number
  stageMs: BatchSummary['stageMs']
}

export interface BatchBenchReport {
  cpu: string
  device: string
  rows: BatchBenchRow[]
  peakRssMb: number
}

const W = 4240
const H = 2832 // 12.0 MP, 3:2

export async function runBatchBench(opts: { photos?: number; jobs?: number[]; tasks?: Task[]; device?: 'auto' | 'cpu' | 'gpu'; onRow?: (r: BatchBenchRow) => void } = {}): Promise<BatchBenchReport> {
  const photos = opts.photos ?? 8
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lbm-batch-bench-'))
  const engine = new Engine({ device: opts.device ?? 'auto' })
  try {
    const input = path.join(dir, 'in')
    await fs.mkdir(input)
    const first = path.join(input, 'photo-00.jpg')
    await sharp(samplePath('still-life.jpg')).resize(W, H, { fit: 'fill' }).jpeg({ quality: 92 }).toFile(first)
    // Copies are separate files to the engine (its caches key on path, size and mtime).
    for (let i = 1; i < photos; i++) await fs.copyFile(first, path.join(input, `photo-${String(i).padStart(2, '0')}.jpg`))
    const masks = { remove: samplePath('still-life-object-mask.png'), shadow: samplePath('still-life-subject-mask.png'), relight: samplePath('still-life-subject-mask.png') }
    const maskFor = async (task: Task) => {
      const file = path.join(dir, `mask-${task}.png`)
      await sharp(masks[task]).resize(W, H, { fit: 'fill' }).png().toFile(file)
      return file
    }
    const edits = { remove: { task: 'remove' }, shadow: { task: 'shadow', light: { azimuth: 30, elevation: 40 } }, relight: { task: 'relight' } } as const
    // Untimed warm-up at full size: model load and the first inference at a shape are not batch work.
    await runBatch(engine, { edit: edits.shadow, inputs: [first], mask: await maskFor('shadow'), output: { dir: path.join(dir, 'warm') } })
    await runBatch(engine, { edit: edits.remove, inputs: [first], mask: await maskFor('remove'), output: { dir: path.join(dir, 'warm') } })
    const rows: BatchBenchRow[] = []
    let device = ''
    for (const task of opts.tasks ?? (['shadow', 'remove'] as Task[])) {
      for (const jobs of opts.jobs ?? [1]) {
        const out = path.join(dir, `out-${task}-${jobs}`)
        const { summary } = await runBatch(engine, { edit: edits[task], inputs: [input], mask: await maskFor(task), output: { dir: out }, jobs })
        device ||= (await engine.model(await engine.modelIdFor(task))).device.provider
        const row: BatchBenchRow = {
          task,
          jobs,
          photos,
          width: W,
          height: H,
          wallMs: summary.wallMs,
          photosPerMinute: summary.photosPerMinute,
          modelMs: summary.modelMs,
          engineMs: summary.engineMs,
          wallOverModel: summary.wallMs / summary.modelMs,
          failed: summary.failed,
          stageMs: summary.stageMs
        }
        rows.push(row)
        opts.onRow?.(row)
        await fs.rm(out, { recursive: true, force: true })
      }
    }
    return { cpu: `${os.cpus()[0]?.model ?? 'unknown'} x${os.availableParallelism()}`, device, rows, peakRssMb: process.resourceUsage().maxRSS / 1024 }
  } finally {
    await engine.dispose()
    await fs.rm(dir, { recursive: true, force: true })
  }
}

const s = (ms: number) => (ms / 1000).toFixed(1)

export function batchBenchMarkdown(r: BatchBenchReport): string {
  return [
    `Batch of 12 MP photos (${W}x${H}) on ${r.device}, ${r.cpu}. Peak RSS: ${Math.round(r.peakRssMb)} MB.`,
    '',
    '| task | jobs | photos | wall (s) | photos/min | sum network time (s) | sum engine time (s) | wall / network time |',
    '|---|---|---|---|---|---|---|---|',
    ...r.rows.map((x) => `| ${x.task} | ${x.jobs} | ${x.photos}${x.failed ? ` (${x.failed} failed)` : ''} | ${s(x.wallMs)} | ${x.photosPerMinute.toFixed(1)} | ${s(x.modelMs)} | ${s(x.engineMs)} | ${x.wallOverModel.toFixed(2)} |`),
    '',
    'Engine time per stage, summed over the photos (s): where the time goes.',
    '',
    `| task | jobs | ${STAGES.join(' | ')} |`,
    `|---|---|${STAGES.map(() => '---|').join('')}`,
    ...r.rows.map((x) => `| ${x.task} | ${x.jobs} | ${STAGES.map((st) => s(x.stageMs[st] ?? 0)).join(' | ')} |`)
  ].join('\n')
}
