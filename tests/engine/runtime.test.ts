// Device selection: the provider table per platform, and falling back to the CPU with a reason.
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { openSession, providerChain } from '../../src/main/engine/runtime.ts'
import { MODELS_DIR } from '../helpers/golden.ts'

const encoder = path.join(MODELS_DIR, 'tiny-vae', 'encoder.onnx')
const warmup = { image: { data: new Float32Array(3 * 32 * 32).fill(0.25), dims: [1, 3, 32, 32] } }

describe('device selection', () => {
  it('tries the platform GPU providers before the CPU', () => {
    expect(providerChain('auto', 'linux')).toEqual(['cuda', 'webgpu', 'cpu'])
    expect(providerChain('auto', 'win32')).toEqual(['dml', 'webgpu', 'cpu'])
    expect(providerChain('auto', 'darwin')).toEqual(['coreml', 'webgpu', 'cpu'])
    expect(providerChain('gpu', 'linux')).toEqual(['cuda', 'webgpu'])
    expect(providerChain('cpu', 'linux')).toEqual(['cpu'])
  })

  it('--device cpu runs on the CPU without trying anything else', async () => {
    const s = await openSession(encoder, { preference: 'cpu', warmup })
    expect(s.device).toEqual({ kind: 'cpu', provider: 'cpu', skipped: [] })
    await s.dispose()
  })

  it('auto reports the device that actually ran and why the others were skipped', async () => {
    const logged: string[] = []
    const s = await openSession(encoder, { preference: 'auto', warmup, log: (l) => logged.push(l) })
    const out = await s.run(warmup)
    expect(out.latent.dims).toEqual([1, 4, 4, 4])
    if (s.device.kind === 'cpu') {
      // No usable GPU here: every GPU provider is listed with its reason.
      expect(s.device.skipped.map((x) => x.provider)).toEqual(providerChain('gpu'))
      for (const x of s.device.skipped) expect(x.reason.length).toBeGreaterThan(0)
    }
    await s.dispose()
  })

  it('gpu without a usable GPU is a clear error, not a silent CPU run', async () => {
    const s = await openSession(encoder, { preference: 'gpu', warmup }).catch((e: Error) => e)
    if (s instanceof Error) expect(s.message).toMatch(/^no GPU device could run .*encoder.onnx \(cuda: /)
    else {
      expect(s.device.kind).toBe('gpu')
      await s.dispose()
    }
  })
})
