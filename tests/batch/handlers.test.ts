// The app's batch channels through dispatch(): validation, start -> id, progress to the waiter,
// the summary, cancel. The real runner on real files, with the real tiny models.
import fs from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHandlers, dispatch } from '../../src/main/api/handlers.ts'
import { Engine } from '../../src/main/engine/engine.ts'
import type { PushPayloads } from '../../src/shared/ipc.ts'
import type { BatchSummary } from '../../src/shared/batch.ts'
import { makeTree, type Tree } from './fixtures.ts'

let tree: Tree
let engine: Engine
beforeAll(async () => {
  tree = await makeTree()
  engine = new Engine({ device: 'cpu' })
})
afterAll(async () => {
  await engine.dispose()
  await fs.rm(tree.root, { recursive: true, force: true })
})

function setup() {
  const pushed: PushPayloads['batch:progress'][] = []
  const handlers = createHandlers({ engine, samplesDir: '/samples', outputDir: '/out', openImage: async () => null })
  const ctx = {
    emit: <C extends keyof PushPayloads>(channel: C, payload: PushPayloads[C]) => {
      if (channel === 'batch:progress') pushed.push(payload as PushPayloads['batch:progress'])
    }
  }
  return { handlers, ctx, pushed }
}

const request = (out: string) => ({ edit: { task: 'remove' }, inputs: [tree.photos], recursive: true, masks: tree.masks, output: { dir: out } })

describe('batch channels', () => {
  it('refuse a misspelled setting and an unknown batch id', async () => {
    const { handlers, ctx } = setup()
    const bad = await dispatch(handlers, 'batch:start', [{ ...request('/tmp/x'), edit: { task: 'remove', stepz: 2 } }], ctx)
    expect(bad).toMatchObject({ ok: false, code: 'BAD_REQUEST' })
    expect(!bad.ok && bad.message).toMatch(/stepz/)
    expect(await dispatch(handlers, 'batch:wait', ['nope'], ctx)).toMatchObject({ ok: false, code: 'NO_SUCH_BATCH' })
    expect(await dispatch(handlers, 'batch:cancel', ['nope'], ctx)).toEqual({ ok: true, value: false })
  })

  it('start answers an id at once; wait streams progress and answers the summary', async () => {
    const { handlers, ctx, pushed } = setup()
    const started = await dispatch(handlers, 'batch:start', [request(path.join(tree.root, 'app-out'))], ctx)
    expect(started.ok).toBe(true)
    const id = started.ok ? (started.value as string) : ''
    const done = await dispatch(handlers, 'batch:wait', [id], ctx)
    expect(done).toMatchObject({ ok: true, value: { succeeded: tree.good.length, failed: 4, cancelled: false } })
    expect(pushed.length).toBeGreaterThan(tree.good.length)
    expect(pushed.every((p) => p.id === id)).toBe(true)
    expect(pushed.at(-1)!.progress).toMatchObject({ done: pushed.at(-1)!.progress.total })
    expect(await dispatch(handlers, 'batch:cancel', [id], ctx)).toEqual({ ok: true, value: false }) // already over
  })

  it('cancel stops a running batch: the summary says so and lists the files not run', async () => {
    const { handlers, ctx, pushed } = setup()
    const started = await dispatch(handlers, 'batch:start', [request(path.join(tree.root, 'app-cancel'))], ctx)
    const id = started.ok ? (started.value as string) : ''
    const waiting = dispatch(handlers, 'batch:wait', [id], ctx)
    while (!pushed.some((p) => p.progress.counts.done >= 1)) await new Promise((r) => setTimeout(r, 5))
    expect(await dispatch(handlers, 'batch:cancel', [id], ctx)).toEqual({ ok: true, value: true })
    const r = await waiting
    expect(r.ok).toBe(true)
    const summary = (r.ok ? r.value : undefined) as BatchSummary
    expect(summary.cancelled).toBe(true)
    expect(summary.notRun).toBeGreaterThan(0)
  })

  it('a waiter that goes away stops waiting at once; the batch runs on and a new waiter gets the summary', async () => {
    const { handlers, ctx } = setup()
    const started = await dispatch(handlers, 'batch:start', [request(path.join(tree.root, 'app-rewait'))], ctx)
    const id = started.ok ? (started.value as string) : ''
    const ac = new AbortController()
    const first = dispatch(handlers, 'batch:wait', [id], { ...ctx, signal: ac.signal })
    ac.abort()
    expect(await first).toMatchObject({ ok: false, code: 'CANCELLED' })
    expect(await dispatch(handlers, 'batch:wait', [id], ctx)).toMatchObject({ ok: true, value: { succeeded: tree.good.length, cancelled: false } })
  })
})
