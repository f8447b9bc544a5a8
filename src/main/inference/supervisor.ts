// Starts the inference process, routes invokes to it, and restarts it when it exits or crashes:
// the jobs in flight are reported failed with the reason, and the next request gets a fresh
// process. Written against a tiny transport (WorkerProcess) so Electron's utilityProcess and
// Node's child_process both fit. The main process never waits on inference beyond a message.
import type { Result } from '../../shared/contract.ts'
import { describeIssues, fromWorkerSchema, type FromWorker, type ToWorker } from './protocol.ts'

export interface WorkerExit {
  code: number | null
  signal?: string | null
}

/** One running inference process, as the transport sees it. */
export interface WorkerProcess {
  post(message: ToWorker): void
  onMessage(listener: (message: unknown) => void): void
  /** Called once, when the process has gone (exited, crashed, killed, or failed to start). */
  onExit(listener: (exit: WorkerExit) => void): void
  kill(): void
}
export type SpawnWorker = () => WorkerProcess

export interface InvokeContext {
  emit(channel: string, payload: unknown): void
  signal?: AbortSignal
}

export interface SupervisorOptions {
  spawn: SpawnWorker
  /** How long a cancelled job may take to stop before the process is killed and restarted. */
  cancelGraceMs?: number
  log?: (line: string) => void
}

interface Job {
  ctx: InvokeContext
  settle(result: Result<unknown>): void
}

interface Live {
  proc: WorkerProcess
  ready: boolean
  /** Messages posted before the process said it was ready. */
  queue: ToWorker[]
  jobs: Map<number, Job>
  /** Why we killed it ourselves, if we did. */
  killedFor?: string
  /** Cancelled jobs waiting for the worker's 'done' (or the process's end). */
  cancelWaits?: Map<number, () => void>
}

export const CANCELLED: Result<never> = { ok: false, code: 'CANCELLED', message: 'the edit was cancelled' }

export function describeExit({ code, signal }: WorkerExit): string {
  if (signal) return `signal ${signal}`
  return `exit code ${code ?? 'unknown'}`
}

export class InferenceSupervisor {
  private live: Live | null = null
  private nextId = 1
  private disposed = false
  /** Exit times of recent crashes: a process that keeps crashing is restarted on demand only. */
  private crashes: number[] = []
  restarts = 0

  constructor(private readonly opts: SupervisorOptions) {}

  /** Starts the process now rather than on the first request (the models load meanwhile). */
  start(): void {
    this.ensure()
  }

  invoke(channel: string, args: unknown[], ctx: InvokeContext): Promise<Result<unknown>> {
    if (this.disposed) return Promise.resolve({ ok: false, code: 'SHUTTING_DOWN', message: 'the app is closing' })
    if (ctx.signal?.aborted) return Promise.resolve(CANCELLED)
    const live = this.ensure()
    const id = this.nextId++
    return new Promise((resolve) => {
      const onAbort = () => this.cancel(live, id)
      const job: Job = {
        ctx,
        settle: (result) => {
          live.jobs.delete(id)
          ctx.signal?.removeEventListener('abort', onAbort)
          resolve(result)
        }
      }
      live.jobs.set(id, job)
      ctx.signal?.addEventListener('abort', onAbort, { once: true })
      this.post(live, { type: 'invoke', id, channel, args })
    })
  }

  /** Sends a raw protocol message (tests use it for the crash hook). */
  send(message: ToWorker): void {
    this.post(this.ensure(), message)
  }

  async dispose(): Promise<void> {
    this.disposed = true
    const live = this.live
    if (!live) return
    live.killedFor = 'the app is closing'
    live.proc.kill()
  }

  private ensure(): Live {
    if (this.live) return this.live
    const proc = this.opts.spawn()
    const live: Live = { proc, ready: false, queue: [], jobs: new Map() }
    this.live = live
    proc.onMessage((raw) => this.receive(live, raw))
    proc.onExit((exit) => this.exited(live, exit))
    return live
  }

  private post(live: Live, message: ToWorker): void {
    if (live.ready) live.proc.post(message)
    else live.queue.push(message)
  }

  /**
   * The caller gets CANCELLED at once; the worker is asked to stop, and if it has not within the
   * grace period (a native call that ignores the signal), the process is killed and restarted.
   */
  private cancel(live: Live, id: number): void {
    const job = live.jobs.get(id)
    if (!job) return
    job.settle(CANCELLED)
    this.post(live, { type: 'cancel', id })
    const stopped = new Promise<void>((resolve) => (live.cancelWaits ??= new Map()).set(id, resolve))
    const timer = setTimeout(() => {
      if (this.live !== live) return
      live.killedFor = `a cancelled job did not stop within ${this.grace} ms`
      this.opts.log?.(`inference: ${live.killedFor}; restarting the process`)
      // Detach first: requests from now on go to a fresh process, not to the one being killed.
      this.live = null
      live.proc.kill()
    }, this.grace)
    void stopped.then(() => clearTimeout(timer))
  }

  private get grace(): number {
    return this.opts.cancelGraceMs ?? 3000
  }

  private receive(live: Live, raw: unknown): void {
    const parsed = fromWorkerSchema.safeParse(raw)
    if (!parsed.success) return this.opts.log?.(`inference: ignored a malformed message: ${describeIssues(parsed.error)}`)
    const msg: FromWorker = parsed.data
    switch (msg.type) {
      case 'ready':
        live.ready = true
        for (const m of live.queue.splice(0)) live.proc.post(m)
        return
      case 'push':
        live.jobs.get(msg.id)?.ctx.emit(msg.channel, msg.payload)
        return
      case 'done':
        live.cancelWaits?.get(msg.id)?.()
        live.cancelWaits?.delete(msg.id)
        live.jobs.get(msg.id)?.settle(msg.result)
        return
      case 'invalid': {
        this.opts.log?.(`inference: the process refused a message: ${msg.message}`)
        if (msg.id !== undefined) live.jobs.get(msg.id)?.settle({ ok: false, code: 'BAD_MESSAGE', message: msg.message })
      }
    }
  }

  private exited(live: Live, exit: WorkerExit): void {
    if (this.live === live) this.live = null
    for (const resolve of live.cancelWaits?.values() ?? []) resolve()
    const reason = live.killedFor
      ? `the inference process was restarted: ${live.killedFor}`
      : live.ready
        ? `the inference process crashed (${describeExit(exit)})`
        : `the inference process failed to start (${describeExit(exit)})`
    for (const job of [...live.jobs.values()]) job.settle({ ok: false, code: 'INFERENCE_CRASHED', message: reason })
    if (this.disposed) return
    this.opts.log?.(`inference: ${reason}`)
    const now = Date.now()
    this.crashes = [...this.crashes.filter((t) => now - t < 30_000), now]
    this.restarts++
    // Restart at once so the next request finds a warm process, unless it never came up or keeps
    // crashing: then the next request starts it (and reports the failure if it happens again).
    if (live.ready && this.crashes.length < 3) this.ensure()
  }
}
