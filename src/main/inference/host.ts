// The inference process's side of the protocol, apart from how messages travel (worker.ts picks
// Electron's parentPort or Node's process.send). Every message is validated; each invoke runs
// through the same dispatch as every other front end, so arguments are checked against the IPC
// contract here too, with its own AbortController that a cancel message fires.
import type { Emit } from '../../shared/ipc.ts'
import { dispatch, type Handlers } from '../api/handlers.ts'
import { describeIssues, toWorkerSchema, type FromWorker, type ToWorker } from './protocol.ts'

export interface HostPort {
  post(message: FromWorker): void
}

export interface HostOptions {
  /** Accept the test-only crash message (set from LBM_INFERENCE_TEST_HOOKS). */
  testHooks: boolean
}

export function createHost(handlers: Handlers, port: HostPort, opts: HostOptions): (raw: unknown) => void {
  const running = new Map<number, AbortController>()

  async function invoke(id: number, channel: string, args: unknown[]): Promise<void> {
    if (running.has(id)) return port.post({ type: 'invalid', id, message: `request ${id} is already running` })
    const controller = new AbortController()
    running.set(id, controller)
    const emit: Emit = (push, payload) => port.post({ type: 'push', id, channel: push, payload })
    try {
      const result = await dispatch(handlers, channel, args, { emit, signal: controller.signal })
      port.post({ type: 'done', id, result })
    } finally {
      running.delete(id)
    }
  }

  function testHook(how: Extract<ToWorker, { type: 'crash' }>['how']): void {
    if (how === 'exit') process.exit(3)
    if (how === 'abort') process.abort()
    // 'hang': a native call that never returns and ignores cancellation.
    for (;;) {
      /* spin */
    }
  }

  return (raw) => {
    const parsed = toWorkerSchema.safeParse(raw)
    if (!parsed.success) {
      const id = typeof raw === 'object' && raw !== null && 'id' in raw && Number.isSafeInteger(raw.id) && Number(raw.id) >= 0 ? Number(raw.id) : undefined
      port.post({ type: 'invalid', id, message: describeIssues(parsed.error) })
      return
    }
    const msg = parsed.data
    switch (msg.type) {
      case 'invoke':
        void invoke(msg.id, msg.channel, msg.args)
        return
      case 'cancel':
        running.get(msg.id)?.abort()
        return
      case 'crash':
        if (!opts.testHooks) return port.post({ type: 'invalid', message: 'test hooks are off in this process' })
        testHook(msg.how)
    }
  }
}
