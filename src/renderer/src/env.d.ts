/// <reference types="vite/client" />
import type { LbmApi } from '../../shared/ipc.ts'

declare global {
  interface Window {
    /** Present in Electron (the preload's contextBridge); absent in a browser. */
    api?: LbmApi
  }
}
