// The WorkerProcess transport over Node's child_process.fork: used by the tests (and usable by
// the CLI). Electron's main process uses utilityProcess instead (see ../index.ts).
import { fork, type ForkOptions } from 'node:child_process'
import type { ToWorker } from './protocol.ts'
import type { SpawnWorker, WorkerExit } from './supervisor.ts'

export function nodeSpawner(modulePath: string, options: ForkOptions = {}): SpawnWorker {
  return () => {
    const child = fork(modulePath, { serialization: 'json', ...options })
    let exitListener: ((exit: WorkerExit) => void) | undefined
    let gone = false
    const finish = (exit: WorkerExit) => {
      if (gone) return
      gone = true
      exitListener?.(exit)
    }
    child.on('exit', (code, signal) => finish({ code, signal }))
    // A fork that cannot start emits 'error' and may never emit 'exit'.
    child.on('error', () => finish({ code: null, signal: null }))
    return {
      post: (message: ToWorker) => {
        if (child.connected) child.send(message)
      },
      onMessage: (listener) => void child.on('message', listener),
      onExit: (listener) => {
        exitListener = listener
      },
      kill: () => void child.kill('SIGKILL')
    }
  }
}
