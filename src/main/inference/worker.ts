// Entry point of the inference process: plain Node, no electron import. Electron starts it with
// utilityProcess.fork (messages through process.parentPort), tests and the CLI with
// child_process.fork (process.send). It hosts the Engine and the shared handlers; see host.ts.
import { createHandlers } from '../api/handlers.ts'
import { Engine } from '../engine/engine.ts'
import { createHost, type HostPort } from './host.ts'
import { CONFIG_ENV, describeIssues, TEST_HOOKS_ENV, workerConfigSchema, type FromWorker } from './protocol.ts'

/** The part of Electron's ParentPort used here (declared locally: this file must not import electron). */
interface ParentPortLike {
  postMessage(message: unknown): void
  on(event: 'message', listener: (e: { data: unknown }) => void): void
}

function connect(): { port: HostPort; listen(onMessage: (raw: unknown) => void): void } {
  const parentPort = (process as NodeJS.Process & { parentPort?: ParentPortLike }).parentPort
  if (parentPort) {
    return { port: { post: (m) => parentPort.postMessage(m) }, listen: (on) => parentPort.on('message', (e) => on(e.data)) }
  }
  const send = process.send?.bind(process)
  if (!send) throw new Error('the inference process must be started by a parent (utilityProcess or child_process.fork)')
  return {
    port: { post: (m: FromWorker) => void send(m) },
    listen: (on) => {
      process.on('message', on)
      // Without a parent there is nobody to answer: leave rather than run orphaned.
      process.on('disconnect', () => process.exit(0))
    }
  }
}

function readJson(text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? 'null')
  } catch {
    return text
  }
}

function main(): void {
  // Exits with code 2 on a bad configuration: the supervisor reports 'failed to start (exit code 2)'.
  const config = workerConfigSchema.safeParse(readJson(process.env[CONFIG_ENV]))
  if (!config.success) {
    process.stderr.write(`inference process: bad ${CONFIG_ENV}: ${describeIssues(config.error)}\n`)
    process.exit(2)
  }
  const { modelsDir, samplesDir, outputDir, device } = config.data
  const engine = new Engine({ modelsDir, device })
  // The open dialog belongs to the main process; this one never shows UI.
  const handlers = createHandlers({ engine, samplesDir, outputDir, openImage: async () => null })
  const { port, listen } = connect()
  listen(createHost(handlers, port, { testHooks: process.env[TEST_HOOKS_ENV] === '1' }))
  port.post({ type: 'ready', pid: process.pid })
}

main()
