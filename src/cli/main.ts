// Entry of the `lbm` command line: a thin front end over the engine (src/main/engine).
import { buildProgram } from './program.ts'
import { exitCodeFor } from './report.ts'

const program = buildProgram()
try {
  await program.parseAsync(process.argv)
} catch (err) {
  process.exitCode = exitCodeFor(err)
}
