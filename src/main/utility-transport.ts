// The WorkerProcess transport over Electron's utilityProcess: a Node process that Chromium's
// service manager owns, so a native crash in onnxruntime or sharp takes down only that process.
import { utilityProcess } from 'electron'
import type { ToWorker } from './inference/protocol.ts'
import type { SpawnWorker, WorkerExit } from './inference/supervisor.ts'

export function utilitySpawner(modulePath: string, env: Record<string, string>): SpawnWorker {
  return () => {
    const child = utilityProcess.fork(modulePath, [], { serviceName: 'LBM Studio inference', env: { ...process.env, ...env }, stdio: 'inherit' })
    let exitListener: ((exit: WorkerExit) => void) | undefined
    let gone = false
    child.on('exit', (code) => {
      if (gone) return
      gone = true
      exitListener?.({ code })
    })
    return {
      post: (message: ToWorker) => {
        if (!gone) child.postMessage(message)
      },
      onMessage: (listener) => void child.on('message', listener),
      onExit: (listener) => {
        exitListener = listener
      },
      kill: () => void child.kill()
    }
  }
}
