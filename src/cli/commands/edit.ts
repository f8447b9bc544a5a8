// `lbm remove | shadow | relight`: one photo in, one edited photo out.
import path from 'node:path'
import { Command } from 'commander'
import { parseEditRequest, type EditRequestInput, type Task } from '../../shared/contract.ts'
import { Engine } from '../../main/engine/engine.ts'
import { addCommonOptions, commonRequest, number, type CommonFlags } from '../options.ts'
import { fail, log, progressReporter, UsageError } from '../report.ts'

const EXT: Record<string, string> = { png: '.png', jpeg: '.jpg', webp: '.webp', tiff: '.tif', avif: '.avif' }

function defaultOutput(image: string, task: Task, format: string): string {
  const parsed = path.parse(image)
  return path.join(parsed.dir, `${parsed.name}-${task}${EXT[format] ?? parsed.ext}`)
}

/** `az,el[,softness[,intensity[,#rrggbb]]]`, e.g. `30,45,0.2,1,#ffd8a0`. */
export function parseLight(spec: string) {
  const [az, el, soft, intensity, colour] = spec.split(',').map((s) => s.trim())
  if (az === undefined || el === undefined || el === '') throw new UsageError(`--light needs at least azimuth,elevation; got '${spec}'`)
  let rgb: [number, number, number] | undefined
  if (colour) {
    const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour)
    if (!m) throw new UsageError(`light colour must be #rrggbb, got '${colour}'`)
    rgb = [m[1], m[2], m[3]].map((h) => parseInt(h, 16) / 255) as [number, number, number]
  }
  return {
    azimuth: number(az, 'light azimuth')!,
    elevation: number(el, 'light elevation')!,
    softness: number(soft || undefined, 'light softness'),
    intensity: number(intensity || undefined, 'light intensity'),
    colour: rgb
  }
}

async function runEdit(task: Task, image: string, flags: CommonFlags, specific: Record<string, unknown>): Promise<void> {
  const output = flags.output ?? defaultOutput(image, task, flags.format)
  const input = { task, image, ...commonRequest(flags, output), ...specific } as EditRequestInput
  const parsed = parseEditRequest(JSON.parse(JSON.stringify(input)))
  if (!parsed.ok) throw new UsageError(parsed.message)
  const engine = new Engine({ device: flags.device, log: (line) => log(flags, line) })
  const progress = progressReporter(flags, task)
  const ac = new AbortController()
  const onSigint = () => ac.abort(new Error('cancelled'))
  process.once('SIGINT', onSigint)
  try {
    const result = await engine.run(parsed.value, { onProgress: progress.onProgress, signal: ac.signal })
    progress.stop()
    if (flags.json) process.stdout.write(JSON.stringify({ ok: true, ...result }) + '\n')
    else if (!flags.quiet) {
      const on = `${result.device.kind} (${result.device.provider})`
      const auto = result.autoMask ? `, mask auto (${result.autoMask.model})` : ''
      process.stdout.write(`${result.output}  ${result.width}x${result.height}  ${result.model}, ${result.steps} step(s) on ${on}${auto}, ${Math.round(result.totalMs)} ms\n`)
    }
  } finally {
    progress.stop()
    process.off('SIGINT', onSigint)
    await engine.dispose()
  }
}

/** `--mask auto`: the subject selected automatically (shadow, relight); anything else is a mask file (`./auto` for a file named auto). */
export const AUTO = 'auto'

function subjectMask(value: unknown): string | { auto: true } {
  return value === AUTO ? { auto: true } : (value as string)
}

function action(task: Task, specific: (opts: Record<string, unknown>) => Record<string, unknown>) {
  return async (image: string, opts: CommonFlags & Record<string, unknown>) => {
    try {
      await runEdit(task, image, opts, specific(opts))
    } catch (err) {
      process.exitCode = fail(err, opts)
    }
  }
}

/** Each task's own options (the mask aside) and their translation into the request; `lbm batch` reuses them. */
export const TASK_OPTIONS: Record<Task, { add: (cmd: Command) => Command; specific: (o: Record<string, unknown>) => Record<string, unknown> }> = {
  remove: { add: (cmd) => cmd, specific: () => ({}) },
  shadow: {
    add: (cmd) =>
      cmd
        .requiredOption('--azimuth <deg>', 'where the light comes from: 0 right, 90 behind the subject, 180 left, 270 camera side')
        .requiredOption('--elevation <deg>', 'degrees above the ground, 5..90 (90 = overhead)')
        .option('--softness <0..1>', '0 = hard point light, 1 = very large light', '0.3')
        .option('--strength <0..1>', 'how dark the shadow is (1 = physical)', '1'),
    specific: (o) => ({
      light: { azimuth: number(o.azimuth as string, '--azimuth'), elevation: number(o.elevation as string, '--elevation'), softness: number(o.softness as string, '--softness') },
      strength: number(o.strength as string, '--strength')
    })
  },
  relight: {
    add: (cmd) =>
      cmd
        .option('--background <image>', 'paste the subject onto this background first')
        .option('--light <az,el[,soft[,intensity[,#rrggbb]]]>', 'a light to place (repeatable)', (v: string, prev: string[]) => [...prev, v], [] as string[]),
    specific: (o) => ({ background: o.background, lights: (o.light as string[]).map(parseLight) })
  }
}

export function editCommands(): Command[] {
  const remove = addCommonOptions(new Command('remove'))
    .description('erase the masked object (and its shadow); pixels outside the mask stay bit-identical')
    .argument('<image>', 'photo to edit')
    .requiredOption('--mask <mask>', 'mask image: white (or opaque) marks the object to remove')
    .action(
      action('remove', (o) => {
        if (o.mask === AUTO) throw new UsageError('remove needs a mask file: --mask auto selects the subject (for shadow and relight), not the object to erase (use ./auto for a file named auto)')
        return { mask: o.mask }
      })
    )

  const shadow = TASK_OPTIONS.shadow
    .add(addCommonOptions(new Command('shadow')))
    .description('cast the subject\'s shadow from a light you place')
    .argument('<image>', 'photo to edit')
    .requiredOption('--mask <mask|auto>', 'subject mask: white (or opaque) marks the subject; auto selects the subject automatically')
    .action(action('shadow', (o) => ({ mask: subjectMask(o.mask), ...TASK_OPTIONS.shadow.specific(o) })))

  const relight = TASK_OPTIONS.relight
    .add(addCommonOptions(new Command('relight')))
    .description('relight the subject to match a (new) background or the lights you place')
    .argument('<image>', 'photo (or cut-out) holding the subject')
    .requiredOption('--mask <mask|auto>', 'subject mask: white (or opaque) marks the subject; auto selects the subject automatically')
    .action(action('relight', (o) => ({ mask: subjectMask(o.mask), ...TASK_OPTIONS.relight.specific(o) })))

  return [remove, shadow, relight]
}
