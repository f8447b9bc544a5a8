// `lbm bench` (also `npm run bench`): prints the benchmark as a markdown table.
import { Command, Option } from 'commander'
import { DEVICE_PREFERENCES } from '../../shared/contract.ts'
import { benchMarkdown, runBench } from '../../main/bench/bench.ts'
import { batchBenchMarkdown, runBatchBench } from '../../main/bench/batch-bench.ts'
import { fail } from '../report.ts'

export function benchCommand(): Command {
  return new Command('bench')
    .description('time every stage at 512, 1024, 2048 px and 24 MP, live preview, load time, memory')
    .addOption(new Option('--device <device>', 'where to run').choices(DEVICE_PREFERENCES).default('auto'))
    .option('--sizes <list>', 'long sides to run, e.g. 512,1024 (default: 512,1024,2048,6000)')
    .option('--json', 'print the raw report as JSON')
    .option('--batch <photos>', 'instead: a batch of this many 12 MP photos per task (photos/min, wall vs network time)')
    .option('--jobs <list>', 'with --batch: the jobs settings to compare, e.g. 1,2', '1')
    .action(async (opts: { device: 'auto' | 'cpu' | 'gpu'; sizes?: string; json?: boolean; batch?: string; jobs: string }) => {
      try {
        if (opts.batch !== undefined) {
          const onRow = opts.json ? undefined : (r: { task: string; jobs: number; wallMs: number }) => process.stderr.write(`  ${r.task}, jobs ${r.jobs}: ${Math.round(r.wallMs)} ms\n`)
          const report = await runBatchBench({ device: opts.device, photos: Number(opts.batch), jobs: opts.jobs.split(',').map(Number), onRow })
          process.stdout.write((opts.json ? JSON.stringify(report, null, 2) : batchBenchMarkdown(report)) + '\n')
          return
        }
        const sizes = opts.sizes?.split(',').map(Number)
        const onRow = opts.json ? undefined : (r: { label: string; totalMs: number }) => process.stderr.write(`  ${r.label}: ${Math.round(r.totalMs)} ms\n`)
        const report = await runBench({ device: opts.device, sizes, onRow })
        process.stdout.write((opts.json ? JSON.stringify(report, null, 2) : benchMarkdown(report)) + '\n')
      } catch (err) {
        process.exitCode = fail(err, opts)
      }
    })
}
