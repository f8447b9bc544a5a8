// The `lbm` program: its commands and how usage errors are reported.
import { Command } from 'commander'
import { editCommands } from './commands/edit.ts'
import { modelsCommand } from './commands/models.ts'
import { benchCommand } from './commands/bench.ts'
import { demoCommand } from './commands/demo.ts'
import { batchCommand } from './commands/batch.ts'
import { serveCommand } from './commands/serve.ts'

export function buildProgram(): Command {
  const program = new Command('lbm')
    .description('LBM Studio: one-step AI photo edits (remove, shadow, relight) on your own machine')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
  for (const cmd of [...editCommands(), modelsCommand(), benchCommand(), demoCommand(), batchCommand(), serveCommand()]) {
    program.addCommand(cmd.exitOverride())
  }
  return program
}
