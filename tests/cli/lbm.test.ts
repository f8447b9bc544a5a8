// The `lbm` command as a user runs it: a child process, exit codes, one-line reasons, --json.
import { execFile } from 'node:child_process'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { samplePath } from '../../src/main/samples.ts'

const run = promisify(execFile)
const BIN = path.resolve('bin/lbm.mjs')

async function lbm(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd: dir })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

let dir: string
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lbm-cli-'))
})
afterAll(() => fs.rm(dir, { recursive: true, force: true }))

const photo = samplePath('still-life.jpg')
const subject = samplePath('still-life-subject-mask.png')

describe('lbm', () => {
  it('shadow --json reports device, timings per stage and the output, which keeps size and EXIF', async () => {
    const out = path.join(dir, 'shadow.jpg')
    const r = await lbm('shadow', photo, '--mask', subject, '--azimuth', '30', '--elevation', '45', '--softness', '0.5', '-o', out, '--json', '--device', 'cpu')
    expect(r.code).toBe(0)
    const json = JSON.parse(r.stdout)
    expect(json).toMatchObject({ ok: true, task: 'shadow', output: out, width: 1024, height: 768, device: { kind: 'cpu' } })
    for (const stage of ['read', 'encode', 'denoise', 'decode', 'transfer', 'write']) expect(json.timings[stage]).toBeGreaterThan(0)
    const meta = await sharp(out).metadata()
    expect([meta.width, meta.height]).toEqual([1024, 768])
    expect(meta.exif?.toString('latin1')).toContain('LBM Studio')
  })

  it('remove and relight write next to the input by default name when -o is given a folder-free name', async () => {
    const a = await lbm('remove', photo, '--mask', samplePath('still-life-object-mask.png'), '-o', 'removed.webp', '--format', 'webp', '-q')
    expect(a.code).toBe(0)
    expect((await sharp(path.join(dir, 'removed.webp')).metadata()).format).toBe('webp')
    const b = await lbm('relight', photo, '--mask', subject, '--light', '200,30,0.4,1,#ffd8a0', '-o', 'relit.png', '-q')
    expect(b.code).toBe(0)
    expect(b.stdout).toBe('')
  })

  it('--mask auto selects the subject for shadow and relight; removal refuses it', async () => {
    const out = path.join(dir, 'auto-shadow.png')
    const r = await lbm('shadow', photo, '--mask', 'auto', '--azimuth', '30', '--elevation', '45', '-o', out, '--json', '--device', 'cpu')
    expect(r.code).toBe(0)
    const json = JSON.parse(r.stdout)
    expect(json).toMatchObject({ ok: true, task: 'shadow', autoMask: { model: 'lbm-segment' }, width: 1024, height: 768 })
    expect(json.timings.segment).toBeGreaterThan(0)
    const relit = await lbm('relight', photo, '--mask', 'auto', '--light', '200,30', '-o', 'auto-relit.png', '--device', 'cpu')
    expect(relit.code).toBe(0)
    expect(relit.stdout).toMatch(/auto-relit\.png .*mask auto \(lbm-segment\)/)
    const remove = await lbm('remove', photo, '--mask', 'auto', '-o', 'auto-removed.png')
    expect(remove.code).toBe(2)
    expect(remove.stderr.trim().split('\n')).toHaveLength(1)
    expect(remove.stderr).toMatch(/remove needs a mask file/)
  })

  it('usage errors exit 2 with a one-line reason', async () => {
    const bad = await lbm('shadow', photo, '--mask', subject, '--azimuth', '30', '--elevation', '120', '-o', 'x.jpg')
    expect(bad.code).toBe(2)
    expect(bad.stderr.trim().split('\n')).toHaveLength(1)
    expect(bad.stderr).toMatch(/elevation/)
    expect((await lbm('shadow', photo, '--azimuth', '30', '--elevation', '40')).code).toBe(2) // no --mask
    expect((await lbm('remove', photo, '--mask', subject, '--steps', 'two')).code).toBe(2)
    expect((await lbm('frobnicate')).code).toBe(2)
  })

  it('failures exit 1 with a one-line reason naming the file', async () => {
    const missing = await lbm('remove', path.join(dir, 'nope.jpg'), '--mask', subject, '-o', 'y.jpg')
    expect(missing.code).toBe(1)
    expect(missing.stderr.trim().split('\n')).toHaveLength(1)
    expect(missing.stderr).toContain('nope.jpg')
    const json = await lbm('remove', path.join(dir, 'nope.jpg'), '--mask', subject, '-o', 'y.jpg', '--json')
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, exitCode: 1 })
  })

  it('models --json lists the bundles and the default per task', async () => {
    const r = await lbm('models', '--json')
    expect(r.code).toBe(0)
    const json = JSON.parse(r.stdout)
    expect(json.defaults).toEqual({ remove: 'lbm-remove-s8', shadow: 'lbm-shadow-s8', relight: 'lbm-relight-s8', segment: 'lbm-segment' })
    expect(json.models.find((m: { id: string }) => m.id === 'tiny-segment')).toMatchObject({ kind: 'segment' })
    expect(json.models.map((m: { id: string }) => m.id)).toContain('tiny-vae')
  })

  it('--help exits 0 and documents the light convention', async () => {
    const r = await lbm('shadow', '--help')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/90\s+behind\s+the\s+subject/)
  })
})
