// `lbm batch <remove|shadow|relight> <inputs...> -o <folder>`: whole folders through the engine's
// batch runner, with the single commands' options. Exit 0 when every photo was edited (or skipped),
// 1 when any failed or the batch was cancelled, 2 on a usage error.
import path from 'node:path'
import { Command } from 'commander'
import cliProgress from 'cli-progress'
import { TASKS, type Task } from '../../shared/contract.ts'
import type { BatchProgress, BatchRequestInput, BatchSummary } from '../../shared/batch.ts'
import { Engine } from '../../main/engine/engine.ts'
import { BatchError, runBatch } from '../../main/batch/index.ts'
import { addEditOptions, commonRequest, number, type CommonFlags } from '../options.ts'
import { fail, log, UsageError, type OutputFlags } from '../report.ts'
import { AUTO, TASK_OPTIONS } from './edit.ts'

interface BatchFlags extends CommonFlags {
  output: string
  masks?: string
  mask?: string
  recursive?: boolean
  skipExisting?: boolean
  name: string
  report?: string
  jobs: string
}

// Settings and input errors: nothing was edited, the command line needs fixing.
const USAGE_CODES = new Set(['BAD_REQUEST', 'NO_MASK', 'NO_INPUTS', 'OUTPUT_IS_INPUT', 'NOT_FOUND'])

const DESCRIPTIONS: Record<Task, string> = {
  remove: 'erase the masked object in every photo',
  shadow: 'cast the subject\'s shadow in every photo, from the same light',
  relight: 'relight the subject in every photo'
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`
const eta = (ms: number | null) => (ms === null ? '--' : ms < 60_000 ? `${Math.ceil(ms / 1000)}s` : `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`)

function buildRequest(task: Task, inputs: string[], f: BatchFlags, opts: Record<string, unknown>): BatchRequestInput {
  const { output, ...edit } = commonRequest(f, 'unused')
  const { path: _unused, ...outputSettings } = output
  const request = {
    edit: { task, ...edit, ...TASK_OPTIONS[task].specific(opts) },
    inputs,
    recursive: Boolean(f.recursive),
    output: { ...outputSettings, dir: f.output, name: f.name, skipExisting: Boolean(f.skipExisting) },
    masks: f.masks,
    mask: f.mask === AUTO ? undefined : f.mask,
    autoMask: f.mask === AUTO ? true : undefined,
    jobs: number(f.jobs, '--jobs'),
    report: f.report
  }
  return JSON.parse(JSON.stringify(request)) as BatchRequestInput // drops the flags not given
}

/** n/N, the file being edited, throughput and ETA; on a terminal only, as with the single commands. */
function progressBar(flags: OutputFlags): { update: (p: BatchProgress) => void; stop: () => void } {
  if (flags.json || flags.quiet || !process.stderr.isTTY) return { update: () => {}, stop: () => {} }
  const bar = new cliProgress.SingleBar(
    { format: '[{bar}] {value}/{total} | {rate}/min | ETA {eta_text} | {file}', stream: process.stderr, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic
  )
  let started = false
  let file = ''
  return {
    update: (p) => {
      // Between two photos nothing is in flight: keep the last name rather than blink.
      if (p.current.length) file = p.current.map((f) => path.basename(f)).join(', ')
      const payload = { file, rate: p.photosPerMinute.toFixed(1), eta_text: eta(p.etaMs) }
      if (!started) bar.start(p.total, p.done, payload)
      else bar.update(p.done, payload)
      started = true
    },
    stop: () => bar.stop()
  }
}

function printSummary(s: BatchSummary): void {
  const lines = [
    `Edited ${s.succeeded} of ${s.total} photos in ${seconds(s.wallMs)} (${s.photosPerMinute.toFixed(1)} photos/min); ${s.failed} failed, ${s.skipped} skipped${s.notRun ? `, ${s.notRun} not run` : ''}.`,
    `Model time ${seconds(s.modelMs)}, engine time ${seconds(s.engineMs)}, wall ${seconds(s.wallMs)}.`
  ]
  if (s.autoMask) lines.push(`Masks: automatic (${s.autoMask.model}).`)
  if (s.failures.length) lines.push('Failed:', ...s.failures.map((f) => `  ${f.input}  ${f.code}: ${f.message}`))
  if (s.report) lines.push(`Report: ${s.report}`)
  process.stdout.write(lines.join('\n') + '\n')
}

async function runCommand(task: Task, inputs: string[], flags: BatchFlags, opts: Record<string, unknown>): Promise<void> {
  const request = buildRequest(task, inputs, flags, opts)
  const engine = new Engine({ device: flags.device, log: (line) => log(flags, line) })
  const bar = progressBar(flags)
  const ac = new AbortController()
  // First Ctrl-C: finish or abandon the photos in flight, write the report. A second one: Node's default.
  const onSigint = () => ac.abort(new Error('cancelled'))
  process.once('SIGINT', onSigint)
  try {
    const { summary, files } = await runBatch(engine, request, { signal: ac.signal, onProgress: bar.update }).catch((err: unknown) => {
      throw err instanceof BatchError && USAGE_CODES.has(err.code) ? new UsageError(err.message) : err
    })
    bar.stop()
    const ok = summary.failed === 0 && !summary.cancelled && !summary.stopped
    if (flags.json) process.stdout.write(JSON.stringify({ ok, ...summary, files }) + '\n')
    else if (!flags.quiet) printSummary(summary)
    if (!ok) {
      const why = summary.stopped
        ? `the batch stopped: ${summary.stopped.message}`
        : summary.cancelled
          ? `cancelled; ${summary.notRun} photo(s) not run: run again with --skip-existing to resume`
          : `${summary.failed} of ${summary.total} photo(s) failed (listed above and in the report)`
      if (!flags.json) process.stderr.write(`lbm: ${why}\n`)
      process.exitCode = 1
    }
  } finally {
    bar.stop()
    process.off('SIGINT', onSigint)
    await engine.dispose()
  }
}

function taskCommand(task: Task): Command {
  const cmd = new Command(task)
    .description(DESCRIPTIONS[task])
    .argument('<inputs...>', 'folders, photos and globs (quote globs)')
    .requiredOption('-o, --output <folder>', 'output folder; the input tree is mirrored below it, and it is never scanned as input')
    .option('--masks <folder>', 'masks matched to photos by file stem (masks/a.png for a.jpg, or the mirrored masks/sub/a.png)')
    .option('--mask <mask|auto>', task === 'remove' ? 'one mask for every photo' : 'one mask for every photo; auto selects each photo\'s subject automatically')
    .option('-r, --recursive', 'include subfolders')
    .option('--skip-existing', 'leave photos whose output exists (resume a cancelled batch)')
    .option('--name <template>', 'output file name: {stem}, {ext} (of the output format), {task}', '{stem}{ext}')
    .option('--report <file.json>', 'where to write the JSON report (default: batch-report.json in the output folder)')
    .option('--jobs <n>', 'photos edited at once (memory grows with it)', '1')
  return TASK_OPTIONS[task].add(addEditOptions(cmd)).action(async (inputs: string[], opts: BatchFlags & Record<string, unknown>) => {
    try {
      await runCommand(task, inputs, opts, opts)
    } catch (err) {
      process.exitCode = fail(err, opts)
    }
  })
}

export function batchCommand(): Command {
  const batch = new Command('batch').description('edit whole folders: per-file errors, a report, progress, cancel and resume')
  for (const task of TASKS) batch.addCommand(taskCommand(task).exitOverride())
  return batch
}
