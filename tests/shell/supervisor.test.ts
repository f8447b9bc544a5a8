// The supervisor against a fake process: queueing until ready, what it trusts from the process,
// and the restart policy. The real process is driven in inference.test.ts.
import { describe, expect, it } from 'vitest'
import type { ToWorker } from '../../src/main/inference/protocol.ts'
import { InferenceSupervisor, type WorkerExit, type WorkerProcess } from '../../src/main/inference/supervisor.ts'

class FakeProcess implements WorkerProcess {
  sent: ToWorker[] = []
  killed = false
  private message: (m: unknown) => void = () => {}
  private exit: (e: WorkerExit) => void = () => {}
  post(m: ToWorker) {
    this.sent.push(m)
  }
  onMessage(l: (m: unknown) => void) {
    this.message = l
  }
  onExit(l: (e: WorkerExit) => void) {
    this.exit = l
  }
  kill() {
    this.killed = true
  }
  say(m: unknown) {
    this.message(m)
  }
  die(e: WorkerExit) {
    this.exit(e)
  }
}

function setup() {
  const procs: FakeProcess[] = []
  const logs: string[] = []
  const sup = new InferenceSupervisor({ spawn: () => (procs.push(new FakeProcess()), procs.at(-1)!), cancelGraceMs: 20, log: (l) => logs.push(l) })
  return { sup, procs, logs, ctx: { emit: () => {} } }
}

describe('supervisor', () => {
  it('holds requests until the process is ready, then routes answers and progress by id', async () => {
    const { sup, procs } = setup()
    const events: unknown[] = []
    const a = sup.invoke('models:list', [], { emit: (c, p) => events.push([c, p]) })
    expect(procs[0]!.sent).toEqual([])
    procs[0]!.say({ type: 'ready', pid: 1 })
    expect(procs[0]!.sent).toEqual([{ type: 'invoke', id: 1, channel: 'models:list', args: [] }])
    procs[0]!.say({ type: 'push', id: 1, channel: 'edit:progress', payload: { stage: 'x' } })
    procs[0]!.say({ type: 'done', id: 1, result: { ok: true, value: [] } })
    expect(await a).toEqual({ ok: true, value: [] })
    expect(events).toEqual([['edit:progress', { stage: 'x' }]])
  })

  it('ignores malformed messages from the process, and fails a request the process refused', async () => {
    const { sup, procs, logs } = setup()
    const a = sup.invoke('models:list', [], { emit: () => {} })
    procs[0]!.say({ type: 'ready', pid: 1 })
    procs[0]!.say({ type: 'done', id: 1, result: { ok: true, value: [], extra: 1 } })
    procs[0]!.say('garbage')
    expect(logs.filter((l) => l.includes('malformed'))).toHaveLength(2)
    procs[0]!.say({ type: 'invalid', id: 1, message: 'args: expected array' })
    expect(await a).toEqual({ ok: false, code: 'BAD_MESSAGE', message: 'args: expected array' })
  })

  it('restarts a crashed process at once, but one that never came up only on demand', async () => {
    const { sup, procs, ctx } = setup()
    const a = sup.invoke('models:list', [], ctx)
    procs[0]!.die({ code: 2 })
    expect(await a).toEqual({ ok: false, code: 'INFERENCE_CRASHED', message: 'the inference process failed to start (exit code 2)' })
    expect(procs).toHaveLength(1)
    const b = sup.invoke('models:list', [], ctx)
    expect(procs).toHaveLength(2)
    procs[1]!.say({ type: 'ready', pid: 2 })
    procs[1]!.die({ code: null, signal: 'SIGSEGV' })
    expect(await b).toMatchObject({ message: 'the inference process crashed (signal SIGSEGV)' })
    expect(procs).toHaveLength(3)
  })

  it('stops restarting eagerly after three crashes in 30 s', () => {
    const { sup, procs } = setup()
    sup.start()
    for (let i = 0; i < 3; i++) {
      procs.at(-1)!.say({ type: 'ready', pid: i })
      procs.at(-1)!.die({ code: 134 })
    }
    expect(procs).toHaveLength(3)
    expect(sup.restarts).toBe(3)
  })

  it('answers a cancel at once and kills a process that does not confirm it in time', async () => {
    const { sup, procs, ctx } = setup()
    const controller = new AbortController()
    const a = sup.invoke('edit:run', [{}], { ...ctx, signal: controller.signal })
    const other = sup.invoke('models:list', [], ctx)
    procs[0]!.say({ type: 'ready', pid: 1 })
    controller.abort()
    expect(await a).toMatchObject({ ok: false, code: 'CANCELLED' })
    expect(procs[0]!.sent.at(-1)).toEqual({ type: 'cancel', id: 1 })
    await new Promise((r) => setTimeout(r, 40))
    expect(procs[0]!.killed).toBe(true)
    procs[0]!.die({ code: null, signal: 'SIGKILL' })
    expect(await other).toMatchObject({ code: 'INFERENCE_CRASHED', message: 'the inference process was restarted: a cancelled job did not stop within 20 ms' })
  })

  it('does not kill a process that stopped the cancelled job', async () => {
    const { sup, procs, ctx } = setup()
    const controller = new AbortController()
    const a = sup.invoke('edit:run', [{}], { ...ctx, signal: controller.signal })
    procs[0]!.say({ type: 'ready', pid: 1 })
    controller.abort()
    procs[0]!.say({ type: 'done', id: 1, result: { ok: false, code: 'CANCELLED', message: 'the edit was cancelled' } })
    expect(await a).toMatchObject({ code: 'CANCELLED' })
    await new Promise((r) => setTimeout(r, 40))
    expect(procs[0]!.killed).toBe(false)
  })

  it('refuses work once disposed', async () => {
    const { sup, procs, ctx } = setup()
    sup.start()
    await sup.dispose()
    expect(procs[0]!.killed).toBe(true)
    expect(await sup.invoke('models:list', [], ctx)).toMatchObject({ ok: false, code: 'SHUTTING_DOWN' })
  })
})
