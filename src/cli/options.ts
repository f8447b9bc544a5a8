// Options shared by the edit commands, and their translation into the engine's request.
import { Option, type Command } from 'commander'
import { DEVICE_PREFERENCES, OUTPUT_FORMATS } from '../shared/contract.ts'
import { UsageError } from './report.ts'

export interface CommonFlags {
  output?: string
  model?: string
  steps?: string
  device: (typeof DEVICE_PREFERENCES)[number]
  seed?: string
  json?: boolean
  quiet?: boolean
  format: (typeof OUTPUT_FORMATS)[number]
  quality?: string
  stripMetadata?: boolean
  overwrite?: boolean
  maskGrow?: string
  maskFeather?: string
}

export function addCommonOptions(cmd: Command): Command {
  return addEditOptions(cmd.option('-o, --output <file>', 'where to write the result (default: <image>-<task> next to the input)'))
}

/** Everything but the output path, which `lbm batch` takes as a folder. */
export function addEditOptions(cmd: Command): Command {
  return cmd
    .option('--model <id>', 'model id (see `lbm models`); default: the task\'s default model')
    .option('--steps <n>', 'network evaluations: 1, 2 or 4 (default: the model\'s)')
    .addOption(new Option('--device <device>', 'where to run').choices(DEVICE_PREFERENCES).default('auto'))
    .option('--seed <n>', 'seed of the random source (same seed, same result)', '0')
    .addOption(new Option('--format <format>', 'output format').choices(OUTPUT_FORMATS).default('keep'))
    .option('--quality <q>', 'quality 1..100 for JPEG, WebP, AVIF')
    .option('--strip-metadata', 'do not copy EXIF and the ICC profile to the output')
    .option('--overwrite', 'replace an existing output file (never the input)')
    .option('--mask-grow <px>', 'grow the mask by this many pixels (negative shrinks it)')
    .option('--mask-feather <px>', 'feather the mask edge (Gaussian sigma, pixels)')
    .option('--json', 'print one JSON document: device, timings per stage, output path')
    .option('-q, --quiet', 'print nothing but errors')
}

/** Parses a numeric flag; a non-number is a usage error naming the flag. */
export function number(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${flag} must be a number, got '${value}'`)
  return n
}

export function commonRequest(f: CommonFlags, outputPath: string) {
  const grow = number(f.maskGrow, '--mask-grow')
  const feather = number(f.maskFeather, '--mask-feather')
  return {
    maskRefine: grow === undefined && feather === undefined ? undefined : { grow: grow ?? 0, feather: feather ?? 0 },
    model: f.model,
    steps: number(f.steps, '--steps'),
    seed: number(f.seed, '--seed'),
    output: {
      path: outputPath,
      format: f.format,
      quality: number(f.quality, '--quality'),
      metadata: f.stripMetadata ? 'strip' : 'keep',
      overwrite: Boolean(f.overwrite)
    }
  }
}
