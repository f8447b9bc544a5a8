// `lbm models`: what is installed, which model each task uses, and any bundle that is broken.
import { Command } from 'commander'
import { TASKS } from '../../shared/contract.ts'
import { Engine } from '../../main/engine/engine.ts'
import { fail } from '../report.ts'

export function modelsCommand(): Command {
  return new Command('models')
    .description('list installed models')
    .option('--json', 'machine-readable list')
    .action(async (opts: { json?: boolean }) => {
      try {
        const engine = new Engine()
        const models = await engine.models()
        const defaults: Record<string, string> = Object.fromEntries(await Promise.all(TASKS.map(async (t) => [t, await engine.modelIdFor(t)])))
        const segment = await engine.segmentModelId().catch(() => undefined)
        if (segment) defaults.segment = segment
        if (opts.json) {
          process.stdout.write(JSON.stringify({ ok: true, modelsDir: engine.modelsDir, defaults, models }, null, 2) + '\n')
          return
        }
        for (const m of models) {
          const isDefault = m.task && defaults[m.task] === m.id ? ' (default)' : ''
          const what =
            m.kind === 'vae'
              ? 'vae'
              : m.kind === 'segment'
                ? `segment${defaults.segment === m.id ? ' (default)' : ''}`
                : `${m.task}${isDefault}, vae ${m.vae}, steps ${m.steps?.join('/')}`
          process.stdout.write(`${m.id.padEnd(20)} ${m.error ? `BROKEN: ${m.error}` : `${what}  ${m.license}  ${m.name}`}\n`)
        }
      } catch (err) {
        process.exitCode = fail(err, opts)
      }
    })
}
