// The one module that owns onnxruntime. Everything above it speaks of devices (cpu / gpu), never
// of execution providers; the device -> provider table is here, per platform.
import fs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import * as ort from 'onnxruntime-node'

export type DevicePreference = 'auto' | 'cpu' | 'gpu'
export type DeviceKind = 'cpu' | 'gpu'

/** GPU providers tried in order before the CPU. CUDA needs a separate install (README); WebGPU
 * (Dawn), DirectML and CoreML ship inside onnxruntime-node. */
const GPU_PROVIDERS: Record<string, readonly string[]> = {
  linux: ['cuda', 'webgpu'],
  win32: ['dml', 'webgpu'],
  darwin: ['coreml', 'webgpu']
}

export interface DeviceInfo {
  kind: DeviceKind
  provider: string
  /** GPU providers that were tried and skipped, with the reason. */
  skipped: { provider: string; reason: string }[]
}

/** A named float32 NCHW tensor. */
export interface FloatTensor {
  data: Float32Array
  dims: readonly number[]
}
export type Feeds = Record<string, FloatTensor>

export interface IoMetadata {
  name: string
  shape: readonly (number | string)[]
}

export interface ModelSession {
  readonly file: string
  readonly device: DeviceInfo
  readonly inputs: readonly IoMetadata[]
  readonly outputs: readonly IoMetadata[]
  run(feeds: Feeds): Promise<Record<string, FloatTensor>>
  dispose(): Promise<void>
}

export type Logger = (message: string) => void

/** The providers to try for a preference on this platform, best first. */
export function providerChain(pref: DevicePreference, platform: string = process.platform): string[] {
  const gpu = [...(GPU_PROVIDERS[platform] ?? ['webgpu'])]
  if (pref === 'cpu') return ['cpu']
  if (pref === 'gpu') return gpu
  return [...gpu, 'cpu']
}

// NOTE: onnxruntime prints a multi-line native error when a GPU library is missing, which is the
// normal case on most machines; our own one-line reasons are logged instead.
ort.env.logLevel = 'fatal'

/**
 * Cheap reasons not to try a provider at all on this machine. Probing costs time, and native
 * libraries print warnings of their own when they find nothing.
 */
function precheck(provider: string): string | undefined {
  if (process.platform !== 'linux') return undefined
  if (provider === 'cuda') {
    const bin = path.join(path.dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json')), 'bin', 'napi-v6', 'linux', process.arch)
    if (!fs.existsSync(path.join(bin, 'libonnxruntime_providers_cuda.so'))) return 'CUDA provider not installed (see README, GPU set-up)'
  }
  if (provider === 'webgpu' && !fs.existsSync('/dev/dri')) return 'no GPU device node (/dev/dri) on this machine'
  return undefined
}

/** Providers that failed to load in this process, with the reason: not retried for every file. */
const unavailable = new Map<string, string>()

function sessionOptions(provider: string): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: os.availableParallelism(),
    interOpNumThreads: 1,
    // NOTE: a model is three sessions run one after another; threads left spinning by the one that
    // just finished steal the cores of the next. Measured on 2 cores, three alternating runs of 12
    // live previews: median 132-151 ms with spinning, 91-116 ms without.
    extra: { session: { intra_op: { allow_spinning: '0' } } }
  }
}

function metadata(list: readonly ort.InferenceSession.ValueMetadata[]): IoMetadata[] {
  return list.map((m) => ({ name: m.name, shape: m.isTensor ? m.shape : [] }))
}

async function runRaw(session: ort.InferenceSession, feeds: Feeds): Promise<Record<string, FloatTensor>> {
  const ortFeeds: Record<string, ort.Tensor> = {}
  for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new ort.Tensor('float32', t.data, [...t.dims])
  let results: ort.InferenceSession.OnnxValueMapType
  try {
    results = await session.run(ortFeeds)
  } catch (err) {
    // NOTE: native errors carry no context; name the inputs so a shape mismatch can be read.
    const shapes = Object.entries(feeds).map(([n, t]) => `${n}[${t.dims.join('x')}]`).join(', ')
    throw new Error(`inference failed on ${shapes}: ${(err as Error).message}`)
  }
  const out: Record<string, FloatTensor> = {}
  for (const [name, value] of Object.entries(results)) {
    const t = value as ort.Tensor
    out[name] = { data: t.data as Float32Array, dims: t.dims }
  }
  return out
}

function firstLine(err: unknown): string {
  const line = (err instanceof Error ? err.message : String(err)).split('\n')[0].trim()
  return line.length > 200 ? `${line.slice(0, 100)}…${line.slice(-100)}` : line
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]))
  return Number.isNaN(m) ? Infinity : m
}

function wrap(file: string, session: ort.InferenceSession, device: DeviceInfo): ModelSession {
  return {
    file,
    device,
    inputs: metadata(session.inputMetadata),
    outputs: metadata(session.outputMetadata),
    run: (feeds) => runRaw(session, feeds),
    dispose: () => session.release()
  }
}

export interface OpenSessionOptions {
  preference: DevicePreference
  /** A tiny input used to check a GPU provider against the CPU before trusting it. */
  warmup: Feeds
  /** Largest |gpu - cpu| accepted on the warm-up output. */
  tolerance?: number
  log?: Logger
  /** Checks the graph's inputs and outputs before anything runs; its error is the model's, not the device's. */
  check?: (io: { inputs: IoMetadata[]; outputs: IoMetadata[] }) => void
}

class ModelCheckError extends Error {}

function checked(session: ort.InferenceSession, opts: OpenSessionOptions): ort.InferenceSession {
  try {
    opts.check?.({ inputs: metadata(session.inputMetadata), outputs: metadata(session.outputMetadata) })
  } catch (err) {
    void session.release()
    throw new ModelCheckError((err as Error).message, { cause: err })
  }
  return session
}

/**
 * Opens an ONNX file on the best device that loads and agrees with the CPU on a warm-up input.
 * A provider that fails is skipped with a logged reason; the CPU is the reference and last resort.
 */
export async function openSession(file: string, opts: OpenSessionOptions): Promise<ModelSession> {
  const log = opts.log ?? (() => {})
  const chain = providerChain(opts.preference)
  const skipped: DeviceInfo['skipped'] = []
  let cpu: ort.InferenceSession | undefined
  let reference: Record<string, FloatTensor> | undefined
  const cpuReference = async () => {
    cpu ??= checked(await ort.InferenceSession.create(file, sessionOptions('cpu')), opts)
    reference ??= await runRaw(cpu, opts.warmup)
    return reference
  }
  for (const provider of chain) {
    if (provider === 'cpu') {
      await cpuReference()
      return wrap(file, cpu!, { kind: 'cpu', provider, skipped })
    }
    const known = unavailable.get(provider) ?? precheck(provider)
    if (known) {
      skipped.push({ provider, reason: known })
      continue
    }
    let session: ort.InferenceSession | undefined
    try {
      try {
        session = await ort.InferenceSession.create(file, sessionOptions(provider))
      } catch (err) {
        unavailable.set(provider, firstLine(err))
        throw err
      }
      checked(session, opts)
      const got = await runRaw(session, opts.warmup)
      const want = await cpuReference()
      for (const name of Object.keys(want)) {
        const diff = maxAbsDiff(got[name].data, want[name].data)
        if (!(diff <= (opts.tolerance ?? 1e-2))) throw new Error(`warm-up output '${name}' differs from the CPU's by ${diff}`)
      }
      await cpu?.release()
      return wrap(file, session, { kind: 'gpu', provider, skipped })
    } catch (err) {
      if (err instanceof ModelCheckError) throw (err.cause as Error)
      await session?.release().catch(() => {})
      const reason = firstLine(err)
      skipped.push({ provider, reason })
      log(`device: skipped ${provider} for ${file}: ${reason}`)
    }
  }
  await cpu?.release()
  const reasons = skipped.map((s) => `${s.provider}: ${s.reason}`).join('; ')
  throw new Error(`no GPU device could run ${file} (${reasons || 'none available on this platform'})`)
}
