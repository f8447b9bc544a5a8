// The one batch runner behind `lbm batch` and the app's batch panel. Photos are edited one after
// another (or `jobs` at a time) by the same Engine, so models load once; the next photo is read
// and decoded while the current one is in the networks, and a photo's encode and write overlap
// the next photo's networks (which matters most when those run on a GPU). A bad file is recorded with its code and
// reason and the batch goes on; a cancel finishes or abandons the files in flight (the engine
// writes atomically, so never a half-written output) and leaves the rest as not run.
import fs from 'node:fs/promises'
import path from 'node:path'
import { batchRequestSchema, type BatchFile, type BatchProgress, type BatchRequest, type BatchSummary } from '../../shared/batch.ts'
import type { ProgressEvent } from '../../shared/contract.ts'
import type { Engine } from '../engine/engine.ts'
import { readImage } from '../image-io/index.ts'
import { BatchError, describeError } from './errors.ts'
import { BatchInputError, expandInputs } from './inputs.ts'
import { planFiles } from './plan.ts'
import { ProgressTracker } from './progress.ts'
import { Slots } from './slots.ts'
import { writeReport } from './report.ts'

export type BatchEngine = Pick<Engine, 'run'>

export interface BatchRunOptions {
  signal?: AbortSignal
  onProgress?: (p: BatchProgress) => void
  /** Engine stages of a file being edited (for a per-file bar). */
  onFileProgress?: (input: string, e: ProgressEvent) => void
}

export interface BatchOutcome {
  summary: BatchSummary
  files: BatchFile[]
}

export function parseBatchRequest(input: unknown): BatchRequest {
  const parsed = batchRequestSchema.safeParse(input)
  if (!parsed.success) throw new BatchError('BAD_REQUEST', parsed.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; '))
  return parsed.data
}

/** Every task needs a mask; a missing one-for-all mask or masks folder is a settings error, not N failures. */
async function checkMasks(req: BatchRequest): Promise<void> {
  if (req.autoMask) return
  if (!req.mask && !req.masks) {
    const auto = req.edit.task === 'remove' ? '' : ', or automatic masks (--mask auto)'
    throw new BatchError('NO_MASK', `give a masks folder (matched to photos by file stem) or one mask for all photos${auto}`)
  }
  const kind = async (p: string) => (await fs.stat(p).catch(() => undefined))?.isDirectory()
  if (req.mask && (await kind(req.mask)) !== false) throw new BatchError('NOT_FOUND', `the mask "${req.mask}" is not a file`)
  if (req.masks && (await kind(req.masks)) !== true) throw new BatchError('NOT_FOUND', `the masks folder "${req.masks}" is not a folder`)
}

function perFileRequest(req: BatchRequest, file: BatchFile) {
  const { dir: _dir, name: _name, skipExisting: _skip, ...output } = req.output
  return { ...req.edit, image: file.input, mask: req.autoMask ? { auto: true } : file.mask, output: { ...output, path: file.output } }
}

type Read = ReturnType<typeof readImage>

export async function runBatch(engine: BatchEngine, input: unknown, opts: BatchRunOptions = {}): Promise<BatchOutcome> {
  const req = parseBatchRequest(input)
  const { signal } = opts
  await checkMasks(req)
  const startedAt = new Date()
  const reportPath = path.resolve(req.report ?? path.join(req.output.dir, 'batch-report.json'))
  const exclude = [req.output.dir, req.masks, req.mask, reportPath].filter((p): p is string => p !== undefined)
  const inputs = await expandInputs(req.inputs, { recursive: req.recursive, exclude }).catch((err: unknown) => {
    throw err instanceof BatchInputError ? new BatchError(err.code, err.message) : err
  })
  if (inputs.length === 0) throw new BatchError('NO_INPUTS', `no photos found in ${req.inputs.join(', ')}${req.recursive ? '' : ' (add --recursive for subfolders)'}`)
  const files = await planFiles(inputs, req)
  const queue = files.filter((f) => f.status === 'pending')
  const tracker = new ProgressTracker(files.length, queue.length)
  const running: string[] = []
  const emit = (file?: BatchFile) => opts.onProgress?.(tracker.event([...running], file ? { ...file } : undefined))
  for (const f of files) if (f.status !== 'pending') tracker.finish(f, false)
  emit()

  // Read-ahead: at most one photo is decoded beyond those being edited, so memory stays at
  // (jobs + 1) decoded photos whatever the size of the batch.
  const reads = new Map<number, Read>()
  const startRead = (i: number) => {
    if (i >= queue.length || reads.has(i) || signal?.aborted) return
    const p = readImage(queue[i].input)
    p.catch(() => {}) // the engine reports the failure when it awaits this read
    reads.set(i, p)
  }
  let stopped: { code: string; message: string } | undefined
  let engineMs = 0
  let modelMs = 0
  let autoMask: BatchSummary['autoMask']
  const stageMs: BatchSummary['stageMs'] = {}
  // `jobs` photos in the networks at once. A photo gives its slot up when it starts writing (the
  // engine checks the signal for the last time just before), so the next photo's networks run while
  // this one is encoded and written; `inFlight` bounds the photos held in memory, writing included.
  const compute = new Slots(req.jobs)
  const inFlight = new Slots(req.jobs * 2)

  const editOne = async (i: number) => {
    const file = queue[i]
    const prefetched = reads.get(i)
    reads.delete(i)
    startRead(i + 1)
    let freed = false
    const free = () => {
      if (!freed) compute.release()
      freed = true
    }
    file.status = 'running'
    running.push(file.input)
    emit(file)
    let edited = true
    try {
      const result = await engine.run(perFileRequest(req, file), {
        signal,
        prefetched,
        onProgress: (e) => {
          if (e.stage === 'write') free()
          opts.onFileProgress?.(file.input, e)
        }
      })
      const t = result.timings
      Object.assign(file, { status: 'done', output: result.output, ms: result.totalMs, modelMs: (t.encode ?? 0) + (t.denoise ?? 0) + (t.decode ?? 0), width: result.width, height: result.height })
      if (result.autoMask) autoMask ??= result.autoMask
      engineMs += result.totalMs
      modelMs += file.modelMs ?? 0
      for (const [stage, ms] of Object.entries(t) as [keyof typeof t, number][]) stageMs[stage] = (stageMs[stage] ?? 0) + ms
    } catch (err) {
      if (signal?.aborted) {
        edited = false
        Object.assign(file, { status: 'cancelled', code: 'CANCELLED', message: 'cancelled while being edited; nothing was written' })
      } else {
        const { code, message, fatal } = describeError(err)
        Object.assign(file, { status: 'failed', code, message })
        if (fatal) stopped ??= { code, message }
      }
    } finally {
      free()
      running.splice(running.indexOf(file.input), 1)
      if (edited) tracker.finish(file, true)
      emit(file)
    }
  }

  const edits: Promise<void>[] = []
  for (let i = 0; i < queue.length; i++) {
    await inFlight.acquire()
    await compute.acquire()
    if (signal?.aborted || stopped) break
    edits.push(editOne(i).finally(() => inFlight.release()))
  }
  await Promise.all(edits)
  reads.clear()
  for (const f of queue) {
    if (f.status === 'pending') Object.assign(f, { status: 'cancelled', code: stopped ? 'STOPPED' : 'CANCELLED', message: stopped ? `not run: ${stopped.message}` : 'not run: the batch was cancelled' })
  }

  const wallMs = tracker.elapsedMs()
  const failed = files.filter((f) => f.status === 'failed')
  const summary: BatchSummary = {
    task: req.edit.task,
    total: files.length,
    succeeded: tracker.counts.done,
    failed: failed.length,
    skipped: tracker.counts.skipped,
    notRun: files.filter((f) => f.status === 'cancelled').length,
    cancelled: Boolean(signal?.aborted),
    stopped,
    failures: failed.map((f) => ({ input: f.input, code: f.code ?? 'FAILED', message: f.message ?? '' })),
    wallMs,
    photosPerMinute: tracker.photosPerMinute(),
    engineMs,
    modelMs,
    stageMs,
    ...(req.autoMask ? { autoMask: autoMask ?? { model: 'none: no photo was edited' } } : {}),
    report: reportPath
  }
  await writeReport(reportPath, { version: 1, startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), settings: req, summary, files })
  return { summary, files }
}
