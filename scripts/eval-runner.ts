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
// Outputs are PNG, overwritten, metadata stripped. results.json gets one entry per job, in order:
//   { id, ok, output, model, steps, device, working, timings, totalMs } or { id, ok: false, error }.
// A failed job is reported and the others go on; the exit code is 1 if any job failed.
import fs from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'
import { Engine } from '../src/main/engine/engine.ts'
import { DEVICE_PREFERENCES, lightSchema, parseEditRequest, TASKS } from '../src/shared/contract.ts'

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
  const jobs = z.array(jobSchema).parse(JSON.parse(await fs.readFile(jobsPath, 'utf8')))
  const engine = new Engine({ device })
  const results: unknown[] = []
  let failed = 0
  try {
    for (const [i, job] of jobs.entries()) {
      const parsed = parseEditRequest(request(job))
      try {
        if (!parsed.ok) throw new Error(parsed.message)
        await fs.mkdir(path.dirname(path.resolve(job.output)), { recursive: true })
        const r = await engine.run(parsed.value)
        results.push({ id: job.id, ok: true, output: r.output, model: r.model, steps: r.steps, device: r.device, working: r.working, timings: r.timings, totalMs: r.totalMs })
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
