// The engine that the CLI, the Electron main process and a local web host all use. Plain Node:
// nothing here imports electron. It owns the loaded models and the source-latent cache, and turns
// a validated EditRequest into a written file and an EditResult.
import fs from 'node:fs/promises'
import path from 'node:path'
import type { EditRequest, EditResult, ProgressEvent, Task } from '../../shared/contract.ts'
import { editRequestSchema, isAutoMask } from '../../shared/contract.ts'
import { checkOutput, probeImage, readImage, readMask, refineMask, writeImage, type ImageInfo, type Raster } from '../image-io/index.ts'
import { fitRaster, shrink } from './fit.ts'
import { loadModel, loadSegmenter, type LoadedModel, type LoadedSegmenter } from './model.ts'
import { listModels, defaultModelId, defaultModelsDir, type ModelSummary } from './registry.ts'
import { pickSubject, segmentSubject, type Point, type SubjectMask } from './segment.ts'
import { maskBounds } from './geometry.ts'
import type { DevicePreference, Logger } from './runtime.ts'
import type { NoiseSource } from './sampler.ts'
import { castShadow, compositeOnto, relight, removeObject, type TaskInput, type TaskOutput } from './tasks.ts'
import type { PassContext, Timings } from './network.ts'
import { timed } from './network.ts'
import { LruCache } from './lru.ts'
import { maskRaster } from './tensor.ts'

export interface EngineOptions {
  modelsDir?: string
  device?: DevicePreference
  log?: Logger
}

export interface RunOptions {
  signal?: AbortSignal
  onProgress?: (e: ProgressEvent) => void
  /** Replaces the seeded bridge noise (golden tests). */
  noise?: NoiseSource
  /**
   * The photo's read, already started by the caller (the batch runner reads the next photo while
   * the current one is in the networks). It must be a readImage of request.image.
   */
  prefetched?: Promise<{ info: ImageInfo; raster: Raster }>
  /** preview: decode with the VAE's full decoder even where it has a preview decoder (the bench compares the two). */
  fullDecoder?: boolean
}

export interface PreviewResult {
  image: Raster
  device: EditResult['device']
  timings: Timings
}

export interface SegmentOptions {
  /** A segment model id; default: models/defaults.json's `segment`. */
  model?: string
  /** Shrink the photo to this long side first (the editor's view size); default: the photo's size. */
  maxLongSide?: number
  /**
   * Keep only the subject under this point (a click, in the returned mask's pixels) or the nearest
   * one close to it, where the mask holds several; default: all of them.
   */
  at?: Point
  signal?: AbortSignal
}

/** The automatic subject mask of a photo file, with the model and device that made it. */
export interface SegmentResult extends SubjectMask {
  model: string
  device: EditResult['device']
  /** Milliseconds in all, reading the photo included. */
  totalMs: number
}

export class EditError extends Error {
  constructor(
    readonly code: string,
    message: string
  ) {
    super(message)
  }
}

export class Engine {
  readonly modelsDir: string
  readonly device: DevicePreference
  private readonly log: Logger
  private readonly loaded = new Map<string, Promise<LoadedModel>>()
  private readonly segmenters = new Map<string, Promise<LoadedSegmenter>>()
  private readonly latents = new LruCache<Float32Array>(12) // per photo: its latent, the latent decoded, its working-size pixels
  private readonly previews = new LruCache<Raster>(6)
  private readonly subjects = new LruCache<SubjectMask>(2)

  constructor(opts: EngineOptions = {}) {
    this.modelsDir = opts.modelsDir ?? process.env.LBM_MODELS_DIR ?? defaultModelsDir()
    this.device = opts.device ?? 'auto'
    this.log = opts.log ?? (() => {})
  }

  models(): Promise<ModelSummary[]> {
    return listModels(this.modelsDir)
  }

  async modelIdFor(task: Task, requested?: string): Promise<string> {
    return requested ?? (await defaultModelId(this.modelsDir, task))
  }

  /** Loads a model once (memoised); a failed load is forgotten so it can be retried. */
  model(id: string): Promise<LoadedModel> {
    let p = this.loaded.get(id)
    if (!p) {
      p = loadModel(id, { modelsDir: this.modelsDir, preference: this.device, log: this.log })
      p.catch(() => this.loaded.delete(id))
      this.loaded.set(id, p)
    }
    return p
  }

  /** The id of the default subject-selection model (models/defaults.json `segment`). */
  segmentModelId(requested?: string): Promise<string> {
    return requested ? Promise.resolve(requested) : defaultModelId(this.modelsDir, 'segment')
  }

  /** Loads a segment model once (memoised, a failed load forgotten), as model() does for task models. */
  segmenter(id: string): Promise<LoadedSegmenter> {
    let p = this.segmenters.get(id)
    if (!p) {
      p = loadSegmenter(id, { modelsDir: this.modelsDir, preference: this.device, log: this.log })
      p.catch(() => this.segmenters.delete(id))
      this.segmenters.set(id, p)
    }
    return p
  }

  /**
   * The subject's soft mask (0..255) at the photo's size, or at `maxLongSide` when given: the
   * editor's "Select subject", and `--mask auto`.
   */
  async segment(image: string, opts: SegmentOptions = {}): Promise<SegmentResult> {
    const start = performance.now()
    const id = await this.segmentModelId(opts.model)
    const model = await this.segmenter(id)
    await probeImage(image) // a missing or broken file gets image I/O's clear error first
    // Cached per photo and size: clicks on one photo's objects re-use one segmentation.
    const key = `${id}|${await fileKey(image)}|${opts.maxLongSide}`
    let result = this.subjects.get(key)
    if (!result) {
      const { raster } = await readImage(image)
      opts.signal?.throwIfAborted()
      const photo = opts.maxLongSide ? await shrink(raster, opts.maxLongSide) : raster
      result = await segmentSubject(model, photo, opts.signal)
      this.subjects.set(key, result)
    }
    if (opts.at) {
      const long = Math.max(result.width, result.height)
      const picked = pickSubject(result.mask, result.width, result.height, opts.at, Math.round(0.02 * long), Math.max(2, Math.round(0.01 * long)))
      if (!picked) {
        const where = `(${Math.round(opts.at.x)}, ${Math.round(opts.at.y)})`
        throw new EditError('NO_SUBJECT_HERE', `the automatic subject selection found no subject at ${where}; click on an object it finds, or paint the selection`)
      }
      result = { ...result, mask: picked }
    }
    return { ...result, model: id, device: model.device, totalMs: performance.now() - start }
  }

  /** The automatic mask of a decoded photo (a request's `mask: { auto: true }`), timed as the 'segment' stage. */
  private async autoMask(photo: Raster, ctx: PassContext): Promise<{ mask: Uint8Array; model: string }> {
    const id = await this.segmentModelId()
    const model = await timed(ctx, 'load', () => this.segmenter(id))
    const { mask } = await timed(ctx, 'segment', () => segmentSubject(model, photo, ctx.signal))
    if (!maskBounds(mask, photo.width, photo.height)) {
      throw new EditError('NO_SUBJECT', `the automatic subject selection (model '${id}') found no subject in this photo; give a mask instead`)
    }
    return { mask, model: id }
  }

  private async prepare(request: EditRequest, ctx: PassContext) {
    const modelId = await this.modelIdFor(request.task, request.model)
    const model = await timed(ctx, 'load', () => this.model(modelId))
    if (model.manifest.task !== request.task) {
      throw new EditError('WRONG_MODEL', `model '${modelId}' does its task '${model.manifest.task}', not '${request.task}'`)
    }
    const steps = request.steps ?? model.manifest.sampler.defaultSteps
    if (!model.manifest.sampler.allowedSteps.includes(steps)) {
      throw new EditError('BAD_STEPS', `model '${modelId}' was trained for ${model.manifest.sampler.allowedSteps.join(', ')} steps, not ${steps}`)
    }
    return { model, steps }
  }

  private async readInputs(request: EditRequest, ctx: PassContext, prefetched?: RunOptions['prefetched']) {
    // A mask file is decoded while the photo is: its target size comes from the photo's header.
    const maskFile = isAutoMask(request.mask) ? undefined : request.mask
    const maskRead = maskFile ? probeImage(request.image).then(({ width, height }) => readMask(maskFile, width, height)) : undefined
    maskRead?.catch(() => {}) // a bad photo is reported first; its mask's error is then moot
    const { info, raster } = await timed(ctx, 'read', () => prefetched ?? readImage(request.image))
    let autoModel: string | undefined
    let mask: Uint8Array
    if (maskRead) {
      mask = await timed(ctx, 'read', () => maskRead)
    } else {
      const auto = await this.autoMask(raster, ctx)
      mask = auto.mask
      autoModel = auto.model
    }
    const refine = request.maskRefine
    if (refine) mask = await timed(ctx, 'read', () => refineMask(mask, raster.width, raster.height, refine))
    let background: Raster | undefined
    if (request.task === 'relight' && request.background) {
      const file = request.background
      background = await timed(ctx, 'read', async () => fitRaster((await readImage(file)).raster, raster))
    }
    return { info, raster, mask, background, autoModel }
  }

  private execute(request: EditRequest, input: TaskInput, ctx: PassContext, background?: Raster): Promise<TaskOutput> {
    switch (request.task) {
      case 'remove':
        return removeObject(input, ctx)
      case 'shadow':
        return castShadow(input, ctx, request.light, request.strength)
      case 'relight': {
        const source = background ? compositeOnto(input.image, input.mask, background) : input.image
        return relight({ ...input, image: source }, ctx, request.lights, background)
      }
    }
  }

  /** Runs an edit at full resolution and writes the output atomically. */
  async run(requestInput: unknown, opts: RunOptions = {}): Promise<EditResult> {
    const start = performance.now()
    const request = editRequestSchema.parse(requestInput)
    const ctx: PassContext = { timings: {}, onProgress: opts.onProgress, signal: opts.signal }
    const out = request.output
    // The output path is checked before any work is done for it.
    await checkOutput(out.path, { format: out.format, overwrite: out.overwrite, sourcePath: request.image })
    // Inputs first: a bad file is reported before any time goes into loading a model.
    const { info, raster, mask, background, autoModel } = await this.readInputs(request, ctx, opts.prefetched)
    const { model, steps } = await this.prepare(request, ctx)
    const cacheKey = request.task === 'relight' && request.background ? undefined : await fileKey(request.image)
    const input: TaskInput = { model, image: raster, mask, steps, seed: request.seed, cacheKey, cache: this.latents, noise: opts.noise }
    const { image: edited, working } = await this.execute(request, input, ctx, background)
    opts.signal?.throwIfAborted()
    const written = await timed(ctx, 'write', () =>
      writeImage(out.path, edited, { format: out.format, quality: out.quality, metadata: out.metadata, source: info, overwrite: out.overwrite })
    )
    return {
      task: request.task,
      model: model.manifest.id,
      output: written.path,
      format: written.format,
      width: edited.width,
      height: edited.height,
      working,
      steps,
      seed: request.seed,
      ...(autoModel ? { autoMask: { model: autoModel } } : {}),
      device: model.device,
      timings: ctx.timings,
      totalMs: performance.now() - start
    }
  }

  /**
   * A fast preview at a screen size (long side `maxLongSide`). The shrunk photo, the mask and the
   * source latent are cached separately, so moving a light only re-runs the denoiser and the
   * decoder, and a new mask does not re-read or re-encode the photo.
   */
  async preview(requestInput: unknown, maxLongSide: number, opts: RunOptions = {}): Promise<PreviewResult> {
    const request = editRequestSchema.parse(requestInput)
    const ctx: PassContext = { timings: {}, onProgress: opts.onProgress, signal: opts.signal }
    const { model, steps } = await this.prepare(request, ctx)
    const photoKey = `${await fileKey(request.image)}|${maxLongSide}`
    const photo = await this.previewCached(photoKey, ctx, async () => {
      const { raster } = await readImage(request.image)
      return shrink(raster, maxLongSide)
    })
    const { width, height } = photo
    const refine = request.maskRefine
    const auto = isAutoMask(request.mask) ? `auto:${await this.segmentModelId()}` : undefined
    const maskFile = isAutoMask(request.mask) ? undefined : request.mask
    const maskKey = `${photoKey}|${auto ?? (await fileKey(maskFile!))}|${refine?.grow},${refine?.feather}`
    const mask = await this.previewCached(maskKey, ctx, async () => {
      const m = maskFile ? await readMask(maskFile, width, height) : (await this.autoMask(photo, ctx)).mask
      if (!refine) return maskRaster(m, width, height)
      // Grow and feather are given in pixels of the photo: scale them to the preview.
      const scale = width / (await probeImage(request.image)).width
      const scaled = { grow: Math.round(refine.grow * scale), feather: refine.feather * scale }
      return maskRaster(await refineMask(m, width, height, scaled), width, height)
    })
    let background: Raster | undefined
    let latentKey = photoKey
    if (request.task === 'relight' && request.background) {
      const bgPath = request.background
      background = await this.previewCached(`${photoKey}|${await fileKey(bgPath)}`, ctx, async () => fitRaster((await readImage(bgPath)).raster, photo))
      latentKey = `${maskKey}|${bgPath}` // the source is the composite, which depends on both
    }
    const input: TaskInput = { model, image: photo, mask: mask.data as Uint8Array, steps, seed: request.seed, cacheKey: latentKey, cache: this.latents, noise: opts.noise, preview: !opts.fullDecoder }
    const { image } = await this.execute(request, input, ctx, background)
    return { image, device: model.device, timings: ctx.timings }
  }

  private async previewCached(key: string, ctx: PassContext, read: () => Promise<Raster>): Promise<Raster> {
    let hit = this.previews.get(key)
    if (!hit) {
      hit = await timed(ctx, 'read', read)
      this.previews.set(key, hit)
    }
    return hit
  }

  async dispose(): Promise<void> {
    const models = await Promise.allSettled([...this.loaded.values(), ...this.segmenters.values()])
    this.loaded.clear()
    this.segmenters.clear()
    await Promise.all(models.map((m) => (m.status === 'fulfilled' ? m.value.dispose() : undefined)))
  }
}

/** Identifies a file's current content cheaply: path, modification time and size. */
async function fileKey(file: string): Promise<string> {
  const stat = await fs.stat(file)
  return `${path.resolve(file)}|${stat.mtimeMs}|${stat.size}`
}
