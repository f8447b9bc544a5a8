// Exposes exactly LbmApi to the renderer: one method per channel of the contract, no generic
// send/invoke, so the page can reach nothing else in the main process.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron'
import type { InvokeChannel, Invoker, LbmApi, PushPayloads } from '../shared/ipc.ts'

const invoke =
  <C extends InvokeChannel>(channel: C): Invoker<C> =>
  (...args) =>
    ipcRenderer.invoke(channel, ...args)

const api: LbmApi = {
  listModels: invoke('models:list'),
  samplePaths: invoke('samples:paths'),
  runEdit: invoke('edit:run'),
  previewEdit: invoke('edit:preview'),
  openImage: invoke('dialog:openImage'),
  startBatch: invoke('batch:start'),
  waitBatch: invoke('batch:wait'),
  cancelBatch: invoke('batch:cancel'),
  putMask: invoke('mask:put'),
  putPhoto: invoke('photo:put'),
  loadImage: invoke('image:load'),
  exportImage: invoke('image:export'),
  selectSubject: invoke('subject:select'),
  cancelEdits: invoke('edit:cancel'),
  onProgress(listener) {
    const wrapped = (_e: IpcRendererEvent, payload: PushPayloads['edit:progress']) => listener(payload)
    ipcRenderer.on('edit:progress', wrapped)
    return () => void ipcRenderer.off('edit:progress', wrapped)
  },
  onBatchProgress(listener) {
    const wrapped = (_e: IpcRendererEvent, payload: PushPayloads['batch:progress']) => listener(payload)
    ipcRenderer.on('batch:progress', wrapped)
    return () => void ipcRenderer.off('batch:progress', wrapped)
  },
  pathForFile: (file) => webUtils.getPathForFile(file) || null
}

contextBridge.exposeInMainWorld('api', api)
