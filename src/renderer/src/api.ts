// The renderer's one way to the engine: Electron's preload bridge when present, otherwise an HTTP
// client of the local web host that implements the same LbmApi.
import type { Result } from '../../shared/contract.ts'
import type { HostLine, InvokeChannel, Invoker, LbmApi, PushPayloads } from '../../shared/ipc.ts'

type ProgressListener = (event: PushPayloads['edit:progress']) => void
type BatchListener = (event: PushPayloads['batch:progress']) => void

export function httpApi(base = './api/'): LbmApi {
  const listeners = new Set<ProgressListener>()
  const batchListeners = new Set<BatchListener>()

  async function invoke(channel: InvokeChannel, args: unknown[]): Promise<Result<unknown>> {
    let res: Response
    try {
      res = await fetch(base + channel, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(args) })
    } catch {
      return { ok: false, code: 'HOST_UNREACHABLE', message: 'cannot reach the LBM Studio host; is it still running?' }
    }
    if (!res.ok || !res.body) return { ok: false, code: `HTTP_${res.status}`, message: (await res.text()) || res.statusText }
    let result: Result<unknown> = { ok: false, code: 'NO_RESULT', message: 'the host ended the call without an answer' }
    const onLine = (line: string) => {
      if (!line.trim()) return
      const msg = JSON.parse(line) as HostLine
      if ('result' in msg) result = msg.result
      else if (msg.push === 'batch:progress') for (const listener of batchListeners) listener(msg.payload)
      else for (const listener of listeners) listener(msg.payload)
    }
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
    let buffered = ''
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      buffered += chunk.value
      const lines = buffered.split('\n')
      buffered = lines.pop() ?? ''
      lines.forEach(onLine)
    }
    onLine(buffered)
    return result
  }

  // The wire is untyped JSON; the host answers each channel with that channel's Result.
  const method =
    <C extends InvokeChannel>(channel: C): Invoker<C> =>
    (...args) =>
      invoke(channel, args) as ReturnType<Invoker<C>>

  return {
    listModels: method('models:list'),
    samplePaths: method('samples:paths'),
    runEdit: method('edit:run'),
    previewEdit: method('edit:preview'),
    openImage: method('dialog:openImage'),
    startBatch: method('batch:start'),
    waitBatch: method('batch:wait'),
    cancelBatch: method('batch:cancel'),
    putMask: method('mask:put'),
    putPhoto: method('photo:put'),
    loadImage: method('image:load'),
    exportImage: method('image:export'),
    selectSubject: method('subject:select'),
    cancelEdits: method('edit:cancel'),
    onProgress(listener) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    onBatchProgress(listener) {
      batchListeners.add(listener)
      return () => void batchListeners.delete(listener)
    },
    pathForFile: () => null
  }
}

export const api: LbmApi = window.api ?? httpApi()
