// The inference process, started exactly as the app starts it but as a Node child (through tsx),
// driven through the supervisor: a real edit, refused messages, a crash mid-job and a restart,
// and a cancel that returns at once even when the process does not stop.
import { existsSync } from 'node:fs'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nodeSpawner } from '../../src/main/inference/node-transport.ts'
import { CONFIG_ENV, TEST_HOOKS_ENV, type WorkerConfig } from '../../src/main/inference/protocol.ts'
import { InferenceSupervisor, type InvokeContext } from '../../src/main/inference/supervisor.ts'

const WORKER = path.resolve('src/main/inference/worker.ts')
const SAMPLES = path.resolve('resources/samples')
let outDir: string
let sup: InferenceSupervisor
const logs: string[] = []

const BUILT = path.resolve('out/main/inference.js')

function start(hooks = true, grace = 1500, entry = WORKER): InferenceSupervisor {
  const config: WorkerConfig = { modelsDir: path.resolve('models'), samplesDir: SAMPLES, outputDir: outDir, device: 'cpu' }
  const env = { ...process.env, [CONFIG_ENV]: JSON.stringify(config), [TEST_HOOKS_ENV]: hooks ? '1' : '0' }
  // NOTE: `--import tsx` is tsx's documented way to register it in Node >= 20.6; the built bundle needs nothing.
  const execArgv = entry === WORKER ? ['--import', 'tsx'] : []
  const spawn = nodeSpawner(entry, { execArgv, env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] })
  return new InferenceSupervisor({ spawn, cancelGraceMs: grace, log: (l) => logs.push(l) })
}

const shadow = (name: string) => ({
  task: 'shadow',
  image: path.join(SAMPLES, 'still-life.jpg'),
  mask: path.join(SAMPLES, 'still-life-subject-mask.png'),
  light: { azimuth: 30, elevation: 40 },
  output: { path: path.join(outDir, name) }
})

function ctx(signal?: AbortSignal): InvokeContext & { events: string[] } {
  const events: string[] = []
  return { events, signal, emit: (channel) => events.push(channel) }
}

beforeAll(async () => {
  outDir = await fs.mkdtemp(path.join(os.tmpdir(), 'lbm-shell-'))
  sup = start()
  sup.start()
})
afterAll(async () => {
  await sup.dispose()
  await fs.rm(outDir, { recursive: true, force: true })
})

describe('inference process', () => {
  it('runs a real shadow edit and answers with the written file, reporting progress', async () => {
    const c = ctx()
    const r = await sup.invoke('edit:run', [shadow('a.png')], c)
    expect(r).toMatchObject({ ok: true, value: { task: 'shadow', output: path.join(outDir, 'a.png'), device: { kind: 'cpu' } } })
    expect((await fs.stat(path.join(outDir, 'a.png'))).size).toBeGreaterThan(1000)
    expect(c.events.length).toBeGreaterThan(0)
    expect(new Set(c.events)).toEqual(new Set(['edit:progress']))
  })

  it('answers a preview with a PNG, and lists the models', async () => {
    const r = await sup.invoke('edit:preview', [shadow('unused.png'), { maxLongSide: 128 }], ctx())
    expect(r.ok).toBe(true)
    const value = r.ok ? (r.value as { pngBase64: string; width: number; height: number }) : null
    expect(Math.max(value!.width, value!.height)).toBe(128)
    expect(Buffer.from(value!.pngBase64, 'base64').subarray(1, 4).toString()).toBe('PNG')
    const models = await sup.invoke('models:list', [], ctx())
    expect(models.ok && (models.value as { id: string }[]).map((m) => m.id)).toContain('tiny-shadow')
  })

  it('refuses bad arguments, unknown channels and malformed messages', async () => {
    const bad = await sup.invoke('edit:run', [{ ...shadow('b.png'), light: { azimuth: 30, elevation: 40, colour: 1 } }], ctx())
    expect(bad).toMatchObject({ ok: false, code: 'BAD_REQUEST' })
    expect(await sup.invoke('fs:readAnything', ['/etc/passwd'], ctx())).toMatchObject({ ok: false, code: 'UNKNOWN_CHANNEL' })
    // A message that is not part of the protocol is refused by the process and named in the log.
    const before = logs.length
    sup.send({ type: 'invoke', id: -1, channel: 'models:list', args: [] })
    await expect.poll(() => logs.slice(before).join('\n')).toMatch(/refused a message: id: .*>=0/)
    expect(await sup.invoke('models:list', [], ctx())).toMatchObject({ ok: true })
  })

  it('fails the job in flight when the process crashes, and the next request runs on a new one', async () => {
    const inFlight = sup.invoke('edit:run', [shadow('c.png')], ctx())
    sup.send({ type: 'crash', how: 'exit' })
    expect(await inFlight).toEqual({ ok: false, code: 'INFERENCE_CRASHED', message: 'the inference process crashed (exit code 3)' })
    const r = await sup.invoke('edit:run', [shadow('d.png')], ctx())
    expect(r).toMatchObject({ ok: true, value: { output: path.join(outDir, 'd.png') } })
    expect(sup.restarts).toBe(1)
  })

  it('reports an abort as a crash with its signal', async () => {
    const inFlight = sup.invoke('models:list', [], ctx())
    sup.send({ type: 'crash', how: 'abort' })
    const r = await inFlight
    // The list may have been answered before the abort arrived; if not, the reason names SIGABRT.
    if (!r.ok) expect(r.message).toBe('the inference process crashed (signal SIGABRT)')
    expect(await sup.invoke('models:list', [], ctx())).toMatchObject({ ok: true })
  })

  it('cancels at once, and kills a process that does not stop', async () => {
    const controller = new AbortController()
    const job = sup.invoke('edit:run', [shadow('e.png')], ctx(controller.signal))
    sup.send({ type: 'crash', how: 'hang' })
    const t0 = performance.now()
    controller.abort()
    expect(await job).toMatchObject({ ok: false, code: 'CANCELLED' })
    expect(performance.now() - t0).toBeLessThan(50)
    // The hung process is killed after the grace period, and the next request gets a fresh one.
    await expect.poll(() => logs.join('\n'), { timeout: 5000 }).toMatch(/a cancelled job did not stop within 1500 ms/)
    expect(await sup.invoke('models:list', [], ctx())).toMatchObject({ ok: true })
  })

  it('cancels a real edit that is running', async () => {
    const controller = new AbortController()
    const restarts = sup.restarts
    const job = sup.invoke('edit:run', [{ ...shadow('f.png'), steps: 4 }], ctx(controller.signal))
    setTimeout(() => controller.abort(), 20)
    expect(await job).toMatchObject({ ok: false, code: 'CANCELLED' })
    // The process stopped the edit by itself: the next request runs on it.
    const r = await sup.invoke('models:list', [], ctx())
    expect(r).toMatchObject({ ok: true })
    expect(sup.restarts).toBe(restarts)
  })

  it('ignores the crash hook unless tests enabled it', async () => {
    const plain = start(false)
    try {
      plain.send({ type: 'crash', how: 'exit' })
      expect(await plain.invoke('models:list', [], ctx())).toMatchObject({ ok: true })
      expect(plain.restarts).toBe(0)
    } finally {
      await plain.dispose()
    }
  })

  it('reports a process that cannot start, without a restart loop', async () => {
    const env = { ...process.env, [CONFIG_ENV]: '{"modelsDir": ""' }
    const broken = new InferenceSupervisor({ spawn: nodeSpawner(WORKER, { execArgv: ['--import', 'tsx'], env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] }) })
    expect(await broken.invoke('models:list', [], ctx())).toEqual({ ok: false, code: 'INFERENCE_CRASHED', message: 'the inference process failed to start (exit code 2)' })
    await broken.dispose()
  })

  // What Electron actually starts: electron-vite's bundle of worker.ts. Only after a build.
  it.skipIf(!existsSync(BUILT))('works the same from the built bundle under plain Node', async () => {
    const built = start(true, 1500, BUILT)
    try {
      const inFlight = built.invoke('edit:run', [shadow('g.png')], ctx())
      built.send({ type: 'crash', how: 'exit' })
      expect(await inFlight).toMatchObject({ ok: false, message: 'the inference process crashed (exit code 3)' })
      expect(await built.invoke('edit:run', [shadow('h.png')], ctx())).toMatchObject({ ok: true, value: { output: path.join(outDir, 'h.png') } })
    } finally {
      await built.dispose()
    }
  })
})
