// `lbm batch` as a user runs it: a child process through bin/lbm.mjs, exit codes, --json, report.
import { execFile, spawn } from 'node:child_process'
import fs from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { samplePath } from '../../src/main/samples.ts'
import { listAll, makeTree, type Tree } from './fixtures.ts'

const run = promisify(execFile)
const BIN = path.resolve('bin/lbm.mjs')

async function lbm(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd: tree.root })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

let tree: Tree
beforeAll(async () => {
  tree = await makeTree()
})
afterAll(() => fs.rm(tree.root, { recursive: true, force: true }))

describe('lbm batch', () => {
  it('shadow over a nested folder: exit 1 naming the failures, the mirrored outputs, and a report', async () => {
    const r = await lbm('batch', 'shadow', 'photos', '-o', 'out', '--masks', 'masks', '-r', '--azimuth', '30', '--elevation', '40', '--format', 'png', '--device', 'cpu', '--report', 'report.json')
    expect(r.code).toBe(1)
    expect(r.stdout).toContain(`Edited ${tree.good.length} of ${tree.good.length + 4} photos`)
    for (const code of Object.values(tree.bad)) expect(r.stdout).toContain(code)
    expect(r.stderr).toContain('4 of 17 photo(s) failed')
    const want = tree.good.map((f) => f.replace(/\.jpg$/, '.png')).sort()
    expect(await listAll(path.join(tree.root, 'out'))).toEqual(want)
    const report = JSON.parse(await fs.readFile(path.join(tree.root, 'report.json'), 'utf8'))
    expect(report.settings.edit).toMatchObject({ task: 'shadow', light: { azimuth: 30, elevation: 40 } })
    expect(report.settings.output).toMatchObject({ format: 'png' })
  })

  it('--json with --skip-existing: one document, all skipped; usage errors exit 2', async () => {
    const r = await lbm('batch', 'shadow', 'photos/a1.jpg', 'photos/a2.jpg', '-o', 'out', '--mask', 'masks/a1.png', '--azimuth', '30', '--elevation', '40', '--format', 'png', '--skip-existing', '--json')
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, total: 2, skipped: 2, failed: 0 })
    const noMask = await lbm('batch', 'remove', 'photos', '-o', 'out2')
    expect(noMask.code).toBe(2)
    expect(noMask.stderr).toContain('mask')
    expect((await lbm('batch', 'paint', 'photos', '-o', 'out2')).code).toBe(2)
    expect((await lbm('batch', 'remove', 'photos', '-o', 'out2', '--mask', 'masks/a1.png', '--name', '{name}')).code).toBe(2)
  })

  it('--mask auto selects each photo\'s subject, recorded in the report; refused for removal and beside mask files', async () => {
    const r = await lbm('batch', 'shadow', 'photos/a1.jpg', 'photos/sub/b3.png', '-o', 'auto-out', '--mask', 'auto', '--azimuth', '30', '--elevation', '40', '--device', 'cpu', '--report', 'auto-report.json')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('Edited 2 of 2 photos')
    expect(r.stdout).toContain('Masks: automatic (lbm-segment).')
    expect(await listAll(path.join(tree.root, 'auto-out'))).toEqual(['a1.jpg', 'b3.png'])
    const report = JSON.parse(await fs.readFile(path.join(tree.root, 'auto-report.json'), 'utf8'))
    expect(report.settings).toMatchObject({ autoMask: true })
    expect(report.settings.mask).toBeUndefined()
    expect(report.summary.autoMask).toEqual({ model: 'lbm-segment' })
    expect(report.summary.stageMs.segment).toBeGreaterThan(0)
    expect(report.files.map((f: { mask: string; status: string }) => [f.mask, f.status])).toEqual([['auto', 'done'], ['auto', 'done']])
    const remove = await lbm('batch', 'remove', 'photos', '-o', 'auto-out2', '--mask', 'auto')
    expect(remove.code).toBe(2)
    expect(remove.stderr).toMatch(/automatic masks select the subject, for shadow and relight/)
    const both = await lbm('batch', 'relight', 'photos', '-o', 'auto-out2', '--mask', 'auto', '--masks', 'masks')
    expect(both.code).toBe(2)
    expect(both.stderr).toMatch(/exclude each other/)
    const none = await lbm('batch', 'shadow', 'photos', '-o', 'auto-out2', '--azimuth', '30', '--elevation', '40')
    expect(none.code).toBe(2)
    expect(none.stderr).toContain('--mask auto')
  })

  it('Ctrl-C stops after the photos in flight, exit 1 saying how to resume; --skip-existing then completes it', async () => {
    const folder = path.join(tree.root, 'big')
    await fs.mkdir(folder)
    // Full-size samples (about half a second each), so there is time to cancel in the middle.
    for (let i = 0; i < 8; i++) await fs.copyFile(samplePath('still-life.jpg'), path.join(folder, `p${i}.jpg`))
    const args = [BIN, 'batch', 'remove', 'big', '-o', 'big-out', '--mask', samplePath('still-life-object-mask.png'), '--device', 'cpu']
    const child = spawn(process.execPath, args, { cwd: tree.root })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    const out = path.join(tree.root, 'big-out')
    while ((await fs.readdir(out).catch(() => [])).filter((f) => f.endsWith('.jpg')).length === 0) await new Promise((r) => setTimeout(r, 20))
    child.kill('SIGINT')
    expect(await exited).toBe(1)
    expect(stderr).toContain('--skip-existing')
    const partial = await listAll(out)
    expect(partial.filter((f) => f.endsWith('.jpg')).length).toBeLessThan(8)
    expect(partial.every((f) => !f.includes('.tmp'))).toBe(true)
    const resumed = await lbm(...args.slice(1), '--skip-existing')
    expect(resumed.code).toBe(0)
    expect((await listAll(out)).filter((f) => f.endsWith('.jpg'))).toHaveLength(8)
  })
})
