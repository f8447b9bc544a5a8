// The invoke channels implemented on top of the Engine. Plain Node (no electron import), so the
// Electron main process and the local web host serve the very same handlers; each front end only
// moves bytes and supplies what is platform-specific (the open dialog, the folders).
import os from 'node:os'
import path from 'node:path'
import type { ProgressEvent, Result } from '../../shared/contract.ts'
import { isInvokeChannel, parseArgs, type Emit, type InvokeChannel, type InvokeValues, type ParsedArgs } from '../../shared/ipc.ts'
import type { Engine } from '../engine/engine.ts'
import { encodeImage } from '../image-io/index.ts'
import { batchJobs } from './batch-jobs.ts'
import { editorHandlers } from './editor-handlers.ts'

export type EngineLike = Pick<Engine, 'run' | 'preview' | 'models' | 'segment'>

export interface HandlerDeps {
  engine: EngineLike
  samplesDir: string
  outputDir: string
  /** The platform's open-file dialog; the web host has none and answers null. */
  openImage(): Promise<string | null>
  /** Where uploaded masks and photos are written; a folder under the system's temp by default. */
  uploadDir?: string
}

/** Per call: where progress goes, and the caller going away. */
export interface CallContext {
  emit: Emit
  signal?: AbortSignal
}

export type Handlers = {
  [C in InvokeChannel]: (ctx: CallContext, ...args: ParsedArgs<C>) => Promise<InvokeValues[C]>
}

export function createHandlers(deps: HandlerDeps): Handlers {
  const { engine } = deps
  const batches = batchJobs(engine)
  // Full-size edits in flight, so that edit:cancel can stop them from any front end.
  const running = new Set<AbortController>()
  return {
    ...editorHandlers(deps.uploadDir ?? path.join(os.tmpdir(), 'lbm-studio-uploads')),
    'models:list': async () => engine.models(),
    'samples:paths': async () => ({
      photo: path.join(deps.samplesDir, 'still-life.jpg'),
      subjectMask: path.join(deps.samplesDir, 'still-life-subject-mask.png'),
      objectMask: path.join(deps.samplesDir, 'still-life-object-mask.png'),
      backdrop: path.join(deps.samplesDir, 'sunset-backdrop.jpg'),
      outputDir: deps.outputDir
    }),
    'edit:run': async (ctx, request) => {
      const ac = new AbortController()
      running.add(ac)
      const signal = ctx.signal ? AbortSignal.any([ctx.signal, ac.signal]) : ac.signal
      try {
        return await engine.run(request, { signal, onProgress: (e) => ctx.emit('edit:progress', e) })
      } finally {
        running.delete(ac)
      }
    },
    'edit:cancel': async () => {
      for (const ac of running) ac.abort(new DOMException('cancelled by the user', 'AbortError'))
      return running.size
    },
    'edit:preview': async (ctx, request, { maxLongSide }) => {
      const onProgress = (e: ProgressEvent) => ctx.emit('edit:progress', e)
      const { image, device } = await engine.preview(request, maxLongSide, { signal: ctx.signal, onProgress })
      const png = await encodeImage(image, { format: 'png' })
      return { pngBase64: png.toString('base64'), width: image.width, height: image.height, device }
    },
    'subject:select': async (ctx, file, { maxLongSide, at }) => {
      const r = await engine.segment(file, { maxLongSide, at, signal: ctx.signal })
      const png = await encodeImage({ width: r.width, height: r.height, channels: 1, bitDepth: 8, data: r.mask }, { format: 'png', metadata: 'strip' })
      return { pngBase64: png.toString('base64'), width: r.width, height: r.height, model: r.model, device: r.device, working: r.working, ms: r.totalMs }
    },
    'dialog:openImage': () => deps.openImage(),
    'batch:start': async (_ctx, request) => batches.start(request),
    'batch:wait': (ctx, id) => batches.wait(id, ctx.emit, ctx.signal),
    'batch:cancel': async (_ctx, id) => batches.cancel(id)
  }
}

/**
 * The single entry of every front end: checks the channel, validates the raw arguments against
 * the contract (unknown keys and out-of-range values are refused), runs the handler, and turns
 * any failure into a Result, since a thrown error would cross the boundary as a bare message.
 */
export async function dispatch(handlers: Handlers, channel: string, raw: unknown[], ctx: CallContext): Promise<Result<unknown>> {
  if (!isInvokeChannel(channel)) return { ok: false, code: 'UNKNOWN_CHANNEL', message: `'${channel}' is not a channel this app answers` }
  return call(handlers, channel, raw, ctx)
}

async function call<C extends InvokeChannel>(handlers: Handlers, channel: C, raw: unknown[], ctx: CallContext): Promise<Result<InvokeValues[C]>> {
  const args = parseArgs(channel, raw)
  if (!args.ok) return args
  const handler = handlers[channel] as (ctx: CallContext, ...a: ParsedArgs<C>) => Promise<InvokeValues[C]>
  try {
    return { ok: true, value: await handler(ctx, ...args.value) }
  } catch (err) {
    return failure(err)
  }
}

function failure(err: unknown): { ok: false; code: string; message: string } {
  if (!(err instanceof Error)) return { ok: false, code: 'FAILED', message: String(err) }
  if (err.name === 'AbortError') return { ok: false, code: 'CANCELLED', message: 'the edit was cancelled' }
  const { code, path: file } = err as Error & { code?: unknown; path?: unknown }
  // Node's own file errors (the engine stats its input before reading it) read poorly as is.
  if (code === 'ENOENT' && typeof file === 'string') return { ok: false, code: 'NOT_FOUND', message: `cannot find the file ${file}` }
  return { ok: false, code: typeof code === 'string' ? code : 'FAILED', message: err.message }
}
