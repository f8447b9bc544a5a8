// How a thrown error becomes a per-file record, and which errors stop the whole batch.
import { ModelError } from '../engine/manifest-loader.ts'
import { TaskInputError } from '../engine/tasks.ts'

/** A problem with the batch as a whole (settings, inputs): nothing was edited. */
export class BatchError extends Error {
  constructor(
    readonly code: string,
    message: string
  ) {
    super(message)
  }
}

// These would fail the same way for every file: stop instead of failing N times.
const FATAL = new Set(['WRONG_MODEL', 'BAD_STEPS', 'MODEL'])

export function describeError(err: unknown): { code: string; message: string; fatal: boolean } {
  const message = err instanceof Error ? err.message : String(err)
  let code = 'FAILED'
  if (err instanceof ModelError) code = 'MODEL'
  else if (err instanceof TaskInputError) code = 'BAD_INPUT'
  else {
    const own = (err as { code?: unknown } | null)?.code
    if (typeof own === 'string') code = own
  }
  // Node's own errors (ENOENT from a stat) read better with the image-io names.
  if (code === 'ENOENT') code = 'NOT_FOUND'
  if (code === 'EACCES' || code === 'EPERM') code = 'UNREADABLE'
  return { code, message, fatal: FATAL.has(code) }
}
