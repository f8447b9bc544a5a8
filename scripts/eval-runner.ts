// Runs a list of edits through the app's Engine in one process, for the evaluation scripts in
// training/eval/ (what ships is what is measured: the same request validation, engine, networks
// and full-resolution transfer as `lbm shadow` / `lbm relight`, one model load for all jobs).
//
// Run: node --import tsx scripts/eval-runner.ts <jobs.json> <results.json> [--device auto|cpu|gpu]
//
// jobs.json is a list of
//   { "id": "000003", "task": "shadow" | "relight" | "remove", "model"?: "<id>", "input": "photo.png",
//     "mask": "mask.png", "light"?: {azimuth, elevation, softness, intensity, colour}  (shadow),
//     "lights"?: [ ...lights ] (relight; [] = the background decides), "background"?: "bg.png",
//     "strength"?: 1, "steps"?: 1, "seed"?: 0, "output": "out.png" }
// or, for automatic subject selection (Engine.segment, what `--mask auto` and "Select subject" run),
//   { "id": "...", "task": "segment", "model"?: "<id>", "input": "photo.png", "maxLongSide"?: 1024,
//     "output": "mask.png" }  -> the soft mask (0..255, the photo's size) as an 8-bit grey PNG.
// Outputs are PNG, overwritten, metadata stripped. results.json gets one entry per job, in order:
//   { id, ok, output, model, steps, device, working, timings, totalMs } or { id, ok: false, error }
//   (a segment job has no steps).
// A failed job is reported and the others go on; the exit code is 1 if any job failed.
import fs from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'
import { Engine } from '../src/main/engine/engine.ts'
import { type Raster, writeImage } from '../src/main/image-io/index.ts'
import { DEVICE_PREFERENCES, type EditResult, lightSchema, parseEditRequest, TASKS } from '../src/shared/contract.ts'

const jobSchema = z.strictObject({
  id: z.string().min(1),
  task: z.enum(TASKS),
  model: z.string().min(1).optional(),
  input: z.string().min(1),
  mask: z.string().min(1),
  light: lightSchema.optional(),
  lights: z.array(lightSchema).optional(),
  background: z.string().min(1).optional(),
  strength: z.number().optional(),
  steps: z.number().int().optional(),
  seed: z.number().int().optional(),
  output: z.string().min(1)
})
type Job = z.infer<typeof jobSchema>

const segmentJobSchema = z.strictObject({
  id: z.string().min(1),
  task: z.literal('segment'),
  model: z.string().min(1).optional(),
  input: z.string().min(1),
  maxLongSide: z.number().int().positive().optional(),
  output: z.string().min(1)
})
type SegmentJob = z.infer<typeof segmentJobSchema>
const anyJobSchema = z.union([segmentJobSchema, jobSchema])

/** What results.json records of a finished job. */
type Done = Pick<EditResult, 'output' | 'model' | 'device' | 'working' | 'totalMs'> & { steps?: number; timings: Record<string, number> }

/** Engine.segment's soft mask, written as a grey PNG. */
async function runSegment(engine: Engine, job: SegmentJob): Promise<Done> {
  const r = await engine.segment(job.input, { model: job.model, maxLongSide: job.maxLongSide })
  const mask: Raster = { width: r.width, height: r.height, channels: 1, bitDepth: 8, data: r.mask }
  const out = await writeImage(job.output, mask, { format: 'png', metadata: 'strip', overwrite: true })
  return { output: out.path, model: r.model, device: r.device, working: r.working, timings: r.timings, totalMs: r.totalMs }
}

/** The job as the EditRequest the CLI would build (validated by the same schema). */
function request(job: Job): unknown {
  const { id: _id, input, output, ...rest } = job
  return { ...rest, image: input, output: { path: output, format: 'png', metadata: 'strip', overwrite: true } }
}

async function main(): Promise<number> {
  const args = process.argv.slice(2)
  const flag = args.indexOf('--device')
  const device = z.enum(DEVICE_PREFERENCES).parse(flag >= 0 ? args.splice(flag, 2)[1] : 'auto')
  const [jobsPath, resultsPath] = args
  if (!jobsPath || !resultsPath) {
    process.stderr.write('usage: node --import tsx scripts/eval-runner.ts <jobs.json> <results.json> [--device auto|cpu|gpu]\n')
    return 2
  }
  const jobs = z.array(anyJobSchema).parse(JSON.parse(await fs.readFile(jobsPath, 'utf8')))
  const engine = new Engine({ device })
  const results: unknown[] = []
  let failed = 0
  try {
    for (const [i, job] of jobs.entries()) {
      try {
        await fs.mkdir(path.dirname(path.resolve(job.output)), { recursive: true })
        let r: Done
        if (job.task === 'segment') {
          r = await runSegment(engine, job)
        } else {
          const parsed = parseEditRequest(request(job))
          if (!parsed.ok) throw new Error(parsed.message)
          const e = await engine.run(parsed.value)
          r = { output: e.output, model: e.model, steps: e.steps, device: e.device, working: e.working, timings: e.timings, totalMs: e.totalMs }
        }
        results.push({ id: job.id, ok: true, ...r })
        process.stderr.write(`[${i + 1}/${jobs.length}] ${job.task} ${job.id}: ${Math.round(r.totalMs)} ms on ${r.device.kind} (${r.device.provider})\n`)
      } catch (err) {
        failed++
        results.push({ id: job.id, ok: false, error: (err as Error).message })
        process.stderr.write(`[${i + 1}/${jobs.length}] ${job.task} ${job.id}: FAILED: ${(err as Error).message}\n`)
      }
    }
  } finally {
    await engine.dispose()
    await fs.writeFile(resultsPath, JSON.stringify(results, null, 1) + '\n')
  }
  return failed ? 1 : 0
}

process.exitCode = await main()
