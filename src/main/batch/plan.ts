// What happens to each photo, decided before any editing: its output path (template, format,
// mirrored tree), its mask (by stem, or one for all), and whether it is skipped or cannot run.
import fs from 'node:fs/promises'
import path from 'node:path'
import type { BatchFile, BatchRequest } from '../../shared/batch.ts'
import { formatFromPath } from '../image-io/index.ts'
import { EXTENSION } from '../image-io/formats.ts'
import type { InputFile } from './inputs.ts'

/** `{stem}{ext}` -> `photo.png`; `{ext}` is the chosen format's extension, or the input's own with `keep`. */
export function outputName(template: string, input: string, format: BatchRequest['output']['format'], task: string): string {
  const parsed = path.parse(input)
  const ext = format === 'keep' ? parsed.ext : EXTENSION[format]
  const values: Record<string, string> = { stem: parsed.name, ext, task }
  return template.replace(/\{(\w+)\}/g, (_, token: string) => values[token] ?? '')
}

/**
 * Masks by stem, as IOPaint matches them: `masks/sub/a.png` for `photos/sub/a.jpg` (the mirrored
 * path first), else `masks/a.<any image ext>`. PNG wins when a stem has several files.
 */
export async function maskIndex(dir: string): Promise<(rel: string) => string | undefined> {
  const byKey = new Map<string, string>()
  const visit = async (d: string) => {
    for (const e of await fs.readdir(d, { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue
      const full = path.join(d, e.name)
      if (e.isDirectory()) await visit(full)
      else if (formatFromPath(e.name)) {
        const rel = path.relative(dir, full)
        const key = path.join(path.dirname(rel), path.parse(rel).name)
        if (!byKey.has(key) || path.extname(full).toLowerCase() === '.png') byKey.set(key, full)
      }
    }
  }
  await visit(dir)
  return (rel) => {
    const stem = path.parse(rel).name
    return byKey.get(path.join(path.dirname(rel), stem)) ?? byKey.get(stem)
  }
}

async function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(
    () => true,
    () => false
  )
}

export async function planFiles(inputs: InputFile[], req: BatchRequest): Promise<BatchFile[]> {
  const outDir = path.resolve(req.output.dir)
  const findMask = req.masks ? await maskIndex(path.resolve(req.masks)) : undefined
  const seen = new Set<string>()
  const files: BatchFile[] = []
  for (const input of inputs) {
    const name = outputName(req.output.name, input.rel, req.output.format, req.edit.task)
    const output = path.join(outDir, path.dirname(input.rel), name)
    const mask = req.mask ? path.resolve(req.mask) : findMask?.(input.rel)
    const file: BatchFile = { input: input.path, output, mask: req.autoMask ? 'auto' : mask, status: 'pending' }
    if (seen.has(output)) {
      Object.assign(file, { status: 'failed', code: 'DUPLICATE_OUTPUT', message: `another photo already writes "${output}"; use {ext} in --name or another format` })
    } else if (!mask && !req.autoMask) {
      Object.assign(file, { status: 'failed', code: 'NO_MASK', message: `no mask named "${path.parse(input.rel).name}.*" in "${req.masks}"` })
    } else if (req.output.skipExisting && (await exists(output))) {
      Object.assign(file, { status: 'skipped', code: 'EXISTS', message: 'the output already exists' })
    }
    seen.add(output)
    files.push(file)
  }
  return files
}
