// The one contract between the renderer and whatever hosts the engine (Electron main over IPC, or
// the local web host over HTTP). Invoke channels carry zod schemas for their arguments, so every
// payload is validated where it arrives; every other type here is derived from this file and from
// contract.ts. Push channels flow host -> renderer. Never imports electron or node.
import { z } from 'zod'
import { editRequestSchema, outputSchema, type EditResult, type ProgressEvent, type Result, type Task } from './contract.ts'
import type { ModelKind } from './model-manifest.ts'
import { batchRequestSchema, type BatchProgress, type BatchSummary } from './batch.ts'

/** What the renderer needs to know about an installed model (the engine's ModelSummary satisfies it). */
export interface ModelInfo {
  id: string
  kind: ModelKind
  task?: Task
  name: string
  version: string
  steps?: number[]
  /** Set when the model is listed but cannot be used. */
  error?: string
}

/** Absolute paths of the bundled sample photos, and a folder the app may write outputs to. */
export interface SamplePaths {
  photo: string
  subjectMask: string
  objectMask: string
  backdrop: string
  outputDir: string
}

export interface PreviewImage {
  /** The edited picture, PNG-encoded, base64. */
  pngBase64: string
  width: number
  height: number
  device: EditResult['device']
}

export const previewOptionsSchema = z.strictObject({
  /** Long side of the preview in pixels. */
  maxLongSide: z.number().int().min(64).max(4096)
})

/** "Select subject" at a screen size; with `at` (a click, in that size's pixels) only the subject there. */
export const subjectOptionsSchema = z.strictObject({
  maxLongSide: z.number().int().min(64).max(4096),
  at: z.strictObject({ x: z.number().min(0).max(4096), y: z.number().min(0).max(4096) }).optional()
})

/** Largest upload (a painted mask, a dropped or pasted photo) in base64 characters: 64 MiB. */
export const MAX_UPLOAD_BASE64 = 64 * 1024 * 1024
const base64 = z.string().min(1).max(MAX_UPLOAD_BASE64).regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64')

/** A mask the user painted: a PNG (white = selected) the size of the photo. */
export const maskUploadSchema = z.strictObject({ pngBase64: base64 })
/** A photo that has no path (dropped in a browser, pasted): its bytes and its file name. */
export const photoUploadSchema = z.strictObject({
  name: z.string().min(1).max(255),
  dataBase64: base64
})
/** Writes an edited file out again: format, quality, metadata from the original. */
export const exportRequestSchema = z.strictObject({
  /** The working result (a lossless file the editor made). */
  source: z.string().min(1),
  /** The photo the edits started from: its metadata is what 'keep' keeps; it is never replaced. */
  original: z.string().min(1),
  output: outputSchema
})

/** The photo as the editor shows it: a screen-sized PNG and the real size. */
export interface LoadedImage {
  path: string
  pngBase64: string
  /** The photo's own size. */
  width: number
  height: number
  /** The size of the PNG sent. */
  previewWidth: number
  previewHeight: number
}

/** The automatic subject selection of a photo, at the size the editor paints on. */
export interface SubjectSelection {
  /** The soft mask: a grey PNG (white = selected), base64, at width x height. */
  pngBase64: string
  width: number
  height: number
  /** The segment model that made it, and where it ran. */
  model: string
  device: EditResult['device']
  /** The size the network ran at, and the milliseconds it all took (reading the photo included). */
  working: { width: number; height: number }
  ms: number
}

export interface ExportedImage {
  path: string
  format: string
  bytes: number
  width: number
  height: number
}

/** Arguments of each invoke channel, as a tuple schema. */
export const invokeArgs = {
  'models:list': z.tuple([]),
  'samples:paths': z.tuple([]),
  'edit:run': z.tuple([editRequestSchema]),
  'edit:preview': z.tuple([editRequestSchema, previewOptionsSchema]),
  'dialog:openImage': z.tuple([]),
  // A batch runs in the background: start answers its id at once; wait answers the summary when it
  // ends and streams its progress meanwhile (so the HTTP host can push it); cancel stops it.
  'batch:start': z.tuple([batchRequestSchema]),
  'batch:wait': z.tuple([z.string().min(1)]),
  'batch:cancel': z.tuple([z.string().min(1)]),
  // The editor: uploads answer a path in a folder the host owns, so the engine keeps taking paths.
  'mask:put': z.tuple([maskUploadSchema]),
  'photo:put': z.tuple([photoUploadSchema]),
  'image:load': z.tuple([z.string().min(1), previewOptionsSchema]),
  'image:export': z.tuple([exportRequestSchema]),
  /**
   * "Select subject": the photo's automatic subject mask at a screen size (long side maxLongSide);
   * with `at`, only the subject under that click (the editor's Pick tool).
   */
  'subject:select': z.tuple([z.string().min(1), subjectOptionsSchema]),
  /** Cancels the full-size edits in flight (IPC has no way to abort one call). */
  'edit:cancel': z.tuple([])
} as const

/** What each invoke channel answers (always wrapped in a Result: errors cross as values). */
export interface InvokeValues {
  'models:list': ModelInfo[]
  'samples:paths': SamplePaths
  'edit:run': EditResult
  'edit:preview': PreviewImage
  'dialog:openImage': string | null
  'batch:start': string
  'batch:wait': BatchSummary
  /** False when no running batch has that id. */
  'batch:cancel': boolean
  'mask:put': string
  'photo:put': string
  'image:load': LoadedImage
  'image:export': ExportedImage
  'subject:select': SubjectSelection
  /** How many edits were cancelled. */
  'edit:cancel': number
}

export type InvokeChannel = keyof typeof invokeArgs & keyof InvokeValues
export const INVOKE_CHANNELS = Object.keys(invokeArgs) as InvokeChannel[]
/** Arguments as the caller writes them (defaults optional). */
export type InvokeArgs<C extends InvokeChannel> = z.input<(typeof invokeArgs)[C]>
/** Arguments after validation (defaults filled in). */
export type ParsedArgs<C extends InvokeChannel> = z.output<(typeof invokeArgs)[C]>
export type InvokeResult<C extends InvokeChannel> = Result<InvokeValues[C]>

/** Host -> renderer events. */
export interface PushPayloads {
  'edit:progress': ProgressEvent
  'batch:progress': { id: string; progress: BatchProgress }
}
export type PushChannel = keyof PushPayloads
export type Emit = <C extends PushChannel>(channel: C, payload: PushPayloads[C]) => void

export function isInvokeChannel(name: string): name is InvokeChannel {
  return Object.hasOwn(invokeArgs, name)
}

/** Validates a channel's raw arguments; the message is one readable line. */
export function parseArgs<C extends InvokeChannel>(channel: C, raw: unknown[]): Result<ParsedArgs<C>> {
  const parsed = invokeArgs[channel].safeParse(raw)
  if (parsed.success) return { ok: true, value: parsed.data as ParsedArgs<C> }
  const message = parsed.error.issues
    .map((i) => {
      // Drop the tuple index so a request issue reads `light.elevation: ...`, not `0.light.elevation`.
      const path = i.path.slice(1).join('.')
      return `${path || 'request'}: ${i.message}`
    })
    .join('; ')
  return { ok: false, code: 'BAD_REQUEST', message }
}

/**
 * The renderer-facing method of each invoke channel. A type, not a value: the renderer imports
 * this file for types only, so zod and the schemas stay out of its bundle; each implementation
 * (preload, HTTP client) names its channels and is checked against LbmApi.
 */
export interface ApiMethods {
  listModels: 'models:list'
  samplePaths: 'samples:paths'
  runEdit: 'edit:run'
  previewEdit: 'edit:preview'
  openImage: 'dialog:openImage'
  startBatch: 'batch:start'
  waitBatch: 'batch:wait'
  cancelBatch: 'batch:cancel'
  putMask: 'mask:put'
  putPhoto: 'photo:put'
  loadImage: 'image:load'
  exportImage: 'image:export'
  selectSubject: 'subject:select'
  cancelEdits: 'edit:cancel'
}

/** A function that invokes channel C. */
export type Invoker<C extends InvokeChannel> = (...args: InvokeArgs<C>) => Promise<InvokeResult<C>>

type Methods = { [M in keyof ApiMethods]: Invoker<ApiMethods[M]> }

/** `window.api` in Electron; the HTTP client implements the same thing in a browser. */
export interface LbmApi extends Methods {
  /** Subscribes to progress of running edits; returns the unsubscribe function. */
  onProgress(listener: (event: PushPayloads['edit:progress']) => void): () => void
  /** Subscribes to progress of batches being waited on; returns the unsubscribe function. */
  onBatchProgress(listener: (event: PushPayloads['batch:progress']) => void): () => void
  /** The file system path of a dropped file, or null where there is none (browser, pasted data). */
  pathForFile(file: File): string | null
}

/**
 * The web host's framing of one invoke over HTTP (`POST /api/<channel>`, body = the argument
 * array): a newline-delimited JSON stream of push lines while the call runs, then one result line.
 */
export type HostLine = { [C in PushChannel]: { push: C; payload: PushPayloads[C] } }[PushChannel] | { result: Result<unknown> }
