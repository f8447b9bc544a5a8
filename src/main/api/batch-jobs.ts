// The app's batch channels over the engine's batch runner. A batch outlives the call that starts
// it, so progress goes to whoever is waiting on it (`batch:wait`), not to the start call: over
// HTTP a finished call has no stream left to push on.
import { randomUUID } from 'node:crypto'
import type { BatchProgress, BatchRequest, BatchSummary } from '../../shared/batch.ts'
import type { Emit } from '../../shared/ipc.ts'
import { runBatch, type BatchEngine } from '../batch/index.ts'

interface Job {
  ac: AbortController
  done: Promise<BatchSummary>
  running: boolean
  last?: BatchProgress
  watchers: Set<Emit>
}

export interface BatchJobs {
  start(request: BatchRequest): string
  wait(id: string, emit: Emit, signal?: AbortSignal): Promise<BatchSummary>
  cancel(id: string): boolean
}

export class BatchJobError extends Error {
  readonly code = 'NO_SUCH_BATCH'
}

export function batchJobs(engine: BatchEngine): BatchJobs {
  const jobs = new Map<string, Job>()
  return {
    start(request) {
      const id = randomUUID()
      const ac = new AbortController()
      const state: Omit<Job, 'done'> = { ac, running: true, watchers: new Set() }
      const onProgress = (progress: BatchProgress) => {
        state.last = progress
        for (const emit of state.watchers) emit('batch:progress', { id, progress })
      }
      const done = runBatch(engine, request, { signal: ac.signal, onProgress }).then((outcome) => outcome.summary)
      // Nobody may be waiting: a failed batch must not become an unhandled rejection.
      const ended = () => void (state.running = false)
      done.then(ended, ended)
      jobs.set(id, Object.assign(state, { done }))
      return id
    },
    async wait(id, emit, signal) {
      const job = jobs.get(id)
      if (!job) throw new BatchJobError(`no batch has the id '${id}'`)
      // A late watcher first gets where the batch stands.
      if (job.last) emit('batch:progress', { id, progress: job.last })
      job.watchers.add(emit)
      // A waiter that goes away (page reload) stops waiting at once; the batch itself runs on.
      let onAbort = () => {}
      const gone = new Promise<never>((_, reject) => {
        onAbort = () => reject(new DOMException('the caller stopped waiting', 'AbortError'))
        if (signal?.aborted) onAbort()
        else signal?.addEventListener('abort', onAbort, { once: true })
      })
      try {
        return await Promise.race([job.done, gone])
      } finally {
        job.watchers.delete(emit)
        signal?.removeEventListener('abort', onAbort)
      }
    },
    cancel(id) {
      const job = jobs.get(id)
      if (!job?.running) return false
      job.ac.abort(new DOMException('the batch was cancelled', 'AbortError'))
      return true
    }
  }
}
