// How the CLI speaks: a progress bar on a terminal, one JSON document with --json, a one-line
// reason on failure, and exit codes 0 (done), 1 (failed), 2 (usage).
import { CommanderError } from 'commander'
import cliProgress from 'cli-progress'
import type { ProgressEvent } from '../shared/contract.ts'

export class UsageError extends Error {}

export interface OutputFlags {
  json?: boolean
  quiet?: boolean
}

export function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2
  if (err instanceof UsageError) return 2
  return 1
}

/** Prints the one-line reason for a failure (as JSON with --json) and returns the exit code. */
export function fail(err: unknown, flags: OutputFlags): number {
  const code = exitCodeFor(err)
  const message = err instanceof Error ? err.message : String(err)
  if (flags.json) process.stdout.write(JSON.stringify({ ok: false, error: message, exitCode: code }) + '\n')
  else process.stderr.write(`lbm: ${code === 2 ? 'usage: ' : ''}${message}\n`)
  return code
}

/** A progress bar on stderr, only on an interactive terminal and without --json / --quiet. */
export function progressReporter(flags: OutputFlags, label: string): { onProgress: (e: ProgressEvent) => void; stop: () => void } {
  if (flags.json || flags.quiet || !process.stderr.isTTY) return { onProgress: () => {}, stop: () => {} }
  const stages = ['load', 'read', 'segment', 'encode', 'denoise', 'decode', 'transfer', 'write']
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {stage}`, stream: process.stderr, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic
  )
  bar.start(stages.length, 0, { stage: 'starting' })
  return {
    onProgress: (e) => {
      const stage = e.step ? `${e.stage} ${e.step}/${e.total}` : e.stage
      bar.update(stages.indexOf(e.stage), { stage })
    },
    stop: () => bar.stop()
  }
}

export function log(flags: OutputFlags, line: string): void {
  if (!flags.quiet && !flags.json) process.stderr.write(line + '\n')
}
