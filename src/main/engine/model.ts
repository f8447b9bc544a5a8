// A loaded model: its manifests, and the encoder, decoder and denoiser sessions, each checked
// against the manifest (input/output names and channel counts) before it is used.
import type { LbmManifest, SegmentManifest, VaeManifest } from '../../shared/model-manifest.ts'
import { denoiserInputChannels, ONNX_IO } from '../../shared/model-manifest.ts'
import { ModelError, readManifest, verifiedFile } from './manifest-loader.ts'
import { openSession, type DeviceInfo, type DevicePreference, type Feeds, type Logger, type ModelSession } from './runtime.ts'
import path from 'node:path'

export interface LoadedModel {
  manifest: LbmManifest
  vae: VaeManifest
  encoder: ModelSession
  decoder: ModelSession
  /** The VAE's distilled decoder for the live preview, where the bundle has one. */
  previewDecoder?: ModelSession
  denoiser: ModelSession
  /** The device of the denoiser, the network that runs most. */
  device: DeviceInfo
  loadMs: number
  dispose(): Promise<void>
}

type Role = keyof typeof ONNX_IO
/** The networks of a task model (its VAE's and its denoiser). */
type TaskRole = Exclude<Role, 'segmenter'>
/** The files of a task model: the preview decoder has the decoder's I/O. */
type TaskFile = TaskRole | 'previewDecoder'
const roleOf = (file: TaskFile): TaskRole => (file === 'previewDecoder' ? 'decoder' : file)

/** Checks a session's names, and its channel dimension where the graph fixes one. */
function checkIo(id: string, role: Role, s: Pick<ModelSession, 'inputs' | 'outputs'>, channels: Record<string, number>): void {
  const expect = ONNX_IO[role]
  const names = (list: readonly { name: string }[]) => list.map((m) => m.name)
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((n) => b.includes(n))
  if (!same(names(s.inputs), expect.inputs) || !same(names(s.outputs), expect.outputs)) {
    throw new ModelError(
      id,
      `${role} has inputs [${names(s.inputs)}] and outputs [${names(s.outputs)}]; expected [${expect.inputs}] and [${expect.outputs}]`
    )
  }
  for (const m of [...s.inputs, ...s.outputs]) {
    const want = channels[m.name]
    if (want === undefined) continue
    const dim = m.shape[1]
    if (m.shape.length !== 4) throw new ModelError(id, `${role} '${m.name}' has rank ${m.shape.length}, expected 4 (NCHW)`)
    if (typeof dim === 'number' && dim !== want) {
      throw new ModelError(id, `${role} '${m.name}' has ${dim} channels, the manifest implies ${want}`)
    }
  }
}

function checkVaeAgreement(m: LbmManifest, vae: VaeManifest): void {
  const mismatch: string[] = []
  if (m.vae.latentChannels !== vae.latentChannels) mismatch.push(`latent channels ${m.vae.latentChannels} vs ${vae.latentChannels}`)
  if (m.vae.downsample !== vae.downsample) mismatch.push(`downsampling ${m.vae.downsample} vs ${vae.downsample}`)
  if (m.vae.pixelRange.join() !== vae.pixelRange.join()) mismatch.push(`pixel range ${m.vae.pixelRange} vs ${vae.pixelRange}`)
  if (mismatch.length) throw new ModelError(m.id, `does not match its VAE '${vae.id}': ${mismatch.join(', ')}`)
}

/** A deterministic, non-constant warm-up tensor (zeros would hide a provider that returns garbage). */
function pattern(dims: number[]): { data: Float32Array; dims: number[] } {
  const n = dims.reduce((a, b) => a * b, 1)
  const data = new Float32Array(n)
  for (let i = 0; i < n; i++) data[i] = 0.5 * Math.sin(i * 0.37)
  return { data, dims }
}

function warmups(m: LbmManifest): Record<TaskRole, Feeds> {
  const side = m.resolution.multiple * Math.max(1, Math.ceil(32 / m.resolution.multiple))
  const lat = side / m.vae.downsample
  return {
    encoder: { image: pattern([1, 3, side, side]) },
    decoder: { latent: pattern([1, m.vae.latentChannels, lat, lat]) },
    denoiser: {
      sample: pattern([1, denoiserInputChannels(m), lat, lat]),
      timestep: { data: new Float32Array([1000]), dims: [1] }
    }
  }
}

export interface LoadOptions {
  modelsDir: string
  preference: DevicePreference
  log?: Logger
}

/** Loads a task model and its VAE from `modelsDir`, verifying checksums and I/O. */
export async function loadModel(id: string, opts: LoadOptions): Promise<LoadedModel> {
  const start = performance.now()
  const { dir, manifest } = await readManifest(path.join(opts.modelsDir, id), 'lbm')
  const vaeBundle = await readManifest(path.join(opts.modelsDir, manifest.vae.id), 'vae').catch((err: Error) => {
    throw new ModelError(id, `its VAE '${manifest.vae.id}' cannot be loaded: ${err.message}`)
  })
  const vae = vaeBundle.manifest
  checkVaeAgreement(manifest, vae)
  const files: Partial<Record<TaskFile, string>> = {
    encoder: await verifiedFile(vae.id, vaeBundle.dir, vae.files.encoder),
    decoder: await verifiedFile(vae.id, vaeBundle.dir, vae.files.decoder),
    denoiser: await verifiedFile(id, dir, manifest.files.denoiser)
  }
  if (vae.files.previewDecoder) files.previewDecoder = await verifiedFile(vae.id, vaeBundle.dir, vae.files.previewDecoder)
  const warm = warmups(manifest)
  const C = manifest.vae.latentChannels
  const channels: Record<TaskRole, Record<string, number>> = {
    encoder: { image: 3, latent: C },
    decoder: { latent: C, image: 3 },
    denoiser: { sample: denoiserInputChannels(manifest), v: C }
  }
  const sessions: ModelSession[] = []
  const open = async (file: TaskFile, ownerId: string) => {
    const role = roleOf(file)
    try {
      const s = await openSession(files[file]!, {
        preference: opts.preference,
        warmup: warm[role],
        log: opts.log,
        check: (io) => checkIo(ownerId, role, io, channels[role])
      })
      sessions.push(s)
      return s
    } catch (err) {
      await Promise.all(sessions.map((s) => s.dispose()))
      if (err instanceof ModelError) throw err
      throw new ModelError(ownerId, `${file} cannot be opened: ${(err as Error).message}`)
    }
  }
  const encoder = await open('encoder', vae.id)
  const decoder = await open('decoder', vae.id)
  const previewDecoder = files.previewDecoder ? await open('previewDecoder', vae.id) : undefined
  const denoiser = await open('denoiser', id)
  return {
    manifest,
    vae,
    encoder,
    decoder,
    previewDecoder,
    denoiser,
    device: denoiser.device,
    loadMs: performance.now() - start,
    dispose: async () => {
      await Promise.all(sessions.map((s) => s.dispose()))
    }
  }
}

/** A loaded subject-selection model: its manifest and its one session. */
export interface LoadedSegmenter {
  manifest: SegmentManifest
  segmenter: ModelSession
  device: DeviceInfo
  loadMs: number
  dispose(): Promise<void>
}

/** Loads a `segment` bundle, verifying its checksum and I/O (`image` 3 channels -> `mask` 1 channel). */
export async function loadSegmenter(id: string, opts: LoadOptions): Promise<LoadedSegmenter> {
  const start = performance.now()
  const { dir, manifest } = await readManifest(path.join(opts.modelsDir, id), 'segment')
  const file = await verifiedFile(id, dir, manifest.files.segmenter)
  const side = manifest.resolution.multiple * Math.max(1, Math.ceil(32 / manifest.resolution.multiple))
  let segmenter: ModelSession
  try {
    segmenter = await openSession(file, {
      preference: opts.preference,
      warmup: { image: pattern([1, 3, side, side]) },
      log: opts.log,
      check: (io) => checkIo(id, 'segmenter', io, { image: 3, mask: 1 })
    })
  } catch (err) {
    if (err instanceof ModelError) throw err
    throw new ModelError(id, `segmenter cannot be opened: ${(err as Error).message}`)
  }
  return { manifest, segmenter, device: segmenter.device, loadMs: performance.now() - start, dispose: () => segmenter.dispose() }
}
