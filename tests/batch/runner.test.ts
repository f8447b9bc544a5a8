// The batch runner with real files and the real tiny models: outputs, failures, report, cancel
// and resume, mirrored trees, the output folder inside the input folder.
import fs from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BatchProgress, BatchReport, BatchRequestInput } from '../../src/shared/batch.ts'
import { Engine } from '../../src/main/engine/engine.ts'
import { BatchError, runBatch } from '../../src/main/batch/index.ts'
import { listAll, makeTree, type Tree } from './fixtures.ts'

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

const request = (out: string, extra: Partial<BatchRequestInput> = {}): BatchRequestInput => ({
  edit: { task: 'remove', seed: 7 },
  inputs: [tree.photos],
  recursive: true,
  masks: tree.masks,
  output: { dir: out },
  ...extra
})

async function bytesOf(dir: string, files: string[]): Promise<Map<string, Buffer>> {
  return new Map(await Promise.all(files.map(async (f) => [f, await fs.readFile(path.join(dir, f))] as const)))
}

describe('runBatch', () => {
  let reference: string
  it('edits a nested folder into a mirrored tree inside it, records exactly the bad files, and leaves no partial files', async () => {
    reference = path.join(tree.photos, 'edited') // inside the input folder: must not be scanned
    const events: BatchProgress[] = []
    const { summary, files } = await runBatch(engine, request(reference), { onProgress: (e) => events.push(e) })
    const total = tree.good.length + Object.keys(tree.bad).length
    expect(summary).toMatchObject({ total, succeeded: tree.good.length, failed: 4, skipped: 0, notRun: 0, cancelled: false })
    const failures = Object.fromEntries(summary.failures.map((f) => [path.relative(tree.photos, f.input), f.code]))
    expect(failures).toEqual(tree.bad)
    for (const f of summary.failures) expect(f.message.length).toBeGreaterThan(10)
    expect(await listAll(reference)).toEqual([...tree.good, 'batch-report.json'].sort())
    expect(files.every((f) => f.status === 'done' || f.status === 'failed')).toBe(true)
    // Progress: n of N rises to N, with throughput and an ETA once a photo is done.
    const last = events.at(-1)!
    expect(last).toMatchObject({ done: total, total, current: [] })
    expect(last.photosPerMinute).toBeGreaterThan(0)
    expect(events.some((e) => e.current.length === 1 && e.etaMs !== null)).toBe(true)
    expect(summary.modelMs).toBeGreaterThan(0)
    expect(summary.wallMs).toBeGreaterThan(summary.modelMs)
    const report = JSON.parse(await fs.readFile(path.join(reference, 'batch-report.json'), 'utf8')) as BatchReport
    expect(report.files).toHaveLength(total)
    expect(report.settings.edit).toMatchObject({ task: 'remove', seed: 7 })
    expect(report.files.filter((f) => f.status === 'failed').map((f) => f.code).sort()).toEqual(Object.values(tree.bad).sort())
    // Inputs are never modified.
    expect((await fs.stat(path.join(tree.photos, 'empty.jpg'))).size).toBe(0)
  })

  it('run again with skipExisting skips every output, and does not take the outputs inside the input folder as inputs', async () => {
    const { summary } = await runBatch(engine, request(reference, { output: { dir: reference, skipExisting: true } }))
    expect(summary).toMatchObject({ total: tree.good.length + 4, succeeded: 0, skipped: tree.good.length, failed: 4 })
  })

  it('a cancelled run resumed with skipExisting ends with the same bytes as an uninterrupted run, jobs 2 too', async () => {
    // The first test's outputs are plain photos to any other batch: move them out of the input tree.
    await fs.rename(reference, path.join(tree.root, 'reference'))
    reference = path.join(tree.root, 'reference')
    const out = path.join(tree.root, 'resumed')
    const ac = new AbortController()
    const first = await runBatch(engine, request(out), {
      signal: ac.signal,
      onProgress: (e) => {
        if (e.counts.done >= 3) ac.abort(new Error('cancelled'))
      }
    })
    expect(first.summary.cancelled).toBe(true)
    expect(first.summary.notRun).toBeGreaterThan(0)
    const afterCancel = await listAll(out)
    expect(afterCancel.every((f) => !f.includes('.tmp'))).toBe(true)
    expect(afterCancel.length).toBeLessThan(tree.good.length)
    const second = await runBatch(engine, request(out, { output: { dir: out, skipExisting: true }, jobs: 2 }))
    expect(second.summary.skipped).toBe(afterCancel.length - 1) // minus the report
    expect(await listAll(out)).toEqual([...tree.good, 'batch-report.json'].sort())
    const want = await bytesOf(reference, tree.good)
    const got = await bytesOf(out, tree.good)
    for (const f of tree.good) expect(got.get(f)!.equals(want.get(f)!), f).toBe(true)
  })

  it('takes globs and files, one mask for all, a name template and a format; a missing named file is a per-file failure', async () => {
    const out = path.join(tree.root, 'glob-out')
    const { summary } = await runBatch(engine, {
      edit: { task: 'shadow', light: { azimuth: 30, elevation: 40 } },
      inputs: [path.join(tree.photos, 'sub', '**', 'b*.jpg'), path.join(tree.photos, 'a1.jpg'), path.join(tree.photos, 'missing.jpg')],
      mask: path.join(tree.masks, 'a1.png'),
      output: { dir: out, name: '{stem}-{task}{ext}', format: 'png' }
    })
    expect(summary).toMatchObject({ succeeded: 4, failed: 1, failures: [{ code: 'NOT_FOUND' }] })
    expect(await listAll(out)).toEqual(['a1-shadow.png', 'b1-shadow.png', 'b2-shadow.png', 'b4-shadow.png', 'batch-report.json'])
  })

  it('refuses bad settings before touching any file', async () => {
    const out = path.join(tree.root, 'never')
    const refused = async (input: unknown) => runBatch(engine, input).then(() => 'ran', (e: unknown) => (e instanceof BatchError ? e.code : String(e)))
    expect(await refused({ ...request(out), edit: { task: 'remove', seeed: 1 } })).toBe('BAD_REQUEST')
    expect(await refused({ ...request(out), output: { dir: out, name: '{name}.png' } })).toBe('BAD_REQUEST')
    expect(await refused({ ...request(out), masks: undefined })).toBe('NO_MASK')
    expect(await refused({ ...request(out), inputs: [path.join(tree.root, 'nothing-here', '*.jpg')] })).toBe('NO_INPUTS')
    expect(await refused({ ...request(tree.photos) })).toBe('OUTPUT_IS_INPUT')
    await expect(fs.stat(out)).rejects.toThrow()
  })
})
