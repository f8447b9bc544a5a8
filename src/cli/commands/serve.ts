// `lbm serve`: the editor in a browser. Serves the built renderer and the engine (the same
// handlers as the desktop app) on 127.0.0.1, or on another address behind a random token;
// builds the renderer first when it is not built yet.
import { access } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { Command, Option } from 'commander'
import { DEVICE_PREFERENCES } from '../../shared/contract.ts'
import { startWebHost } from '../../main/web-host.ts'
import { fail, UsageError } from '../report.ts'

const rendererIndex = fileURLToPath(new URL('../../../out/renderer/index.html', import.meta.url))

export function serveCommand(): Command {
  return new Command('serve')
    .description('serve the editor to a browser on this machine (http://127.0.0.1:<port>/)')
    .option('-p, --port <n>', 'port to listen on (0 picks a free one)', '5180')
    .option('--host <address>', 'address to listen on; any but 127.0.0.1 requires a token (0.0.0.0: every network)', '127.0.0.1')
    .option('--token <token>', 'the token the browser must present (random by default off 127.0.0.1)')
    .addOption(new Option('--device <device>', 'where to run').choices(DEVICE_PREFERENCES).default('auto'))
    .option('--rebuild', 'build the renderer even when it is built already')
    .action(async (opts: { port: string; host: string; token?: string; device: 'auto' | 'cpu' | 'gpu'; rebuild?: boolean }) => {
      try {
        const port = Number(opts.port)
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0..65535, got '${opts.port}'`)
        const built = await access(rendererIndex).then(
          () => true,
          () => false
        )
        if (!built || opts.rebuild) {
          process.stderr.write('building the editor…\n')
          // NOTE: vite is a development dependency: a source checkout has it, a packaged app ships the build.
          const { buildRenderer } = await import('../../../scripts/build-renderer.ts')
          await buildRenderer()
        }
        if (opts.token !== undefined && opts.token.length < 16) throw new UsageError('--token must be at least 16 characters')
        const host = await startWebHost({ port, host: opts.host, token: opts.token, device: opts.device })
        process.stdout.write(`LBM Studio: ${host.url}  (Ctrl+C to stop)\n`)
        process.once('SIGINT', () => void host.close().then(() => process.exit(0)))
      } catch (err) {
        process.exitCode = fail(err, {})
      }
    })
}
