// `lbm demo` (also `npm run demo`): the main jobs on the bundled sample photos with the shipped
// models, writing before/after files and a side-by-side sheet. Needs no display and no GPU.
import path from 'node:path'
import { Command, Option } from 'commander'
import { DEVICE_PREFERENCES } from '../../shared/contract.ts'
import { runDemo } from '../../main/demo.ts'
import { fail } from '../report.ts'

export function demoCommand(): Command {
  return new Command('demo')
    .description('remove, shadow and relight on the bundled sample photos; writes before/after files')
    .option('-o, --output <dir>', 'folder for the results', 'demo-output')
    .addOption(new Option('--device <device>', 'where to run').choices(DEVICE_PREFERENCES).default('auto'))
    .option('--json', 'print the results as JSON')
    .action(async (opts: { output: string; device: 'auto' | 'cpu' | 'gpu'; json?: boolean }) => {
      try {
        const results = await runDemo(path.resolve(opts.output), opts.device)
        if (opts.json) process.stdout.write(JSON.stringify({ ok: true, results }, null, 2) + '\n')
        else {
          for (const r of results) process.stdout.write(`${r.task.padEnd(8)} ${r.output}  (${r.model}, ${r.device.kind}, ${Math.round(r.totalMs)} ms)\n`)
          process.stdout.write(`side by side: ${path.join(path.resolve(opts.output), 'demo-sheet.png')}\n`)
        }
      } catch (err) {
        process.exitCode = fail(err, opts)
      }
    })
}
