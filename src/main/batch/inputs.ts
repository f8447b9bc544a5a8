// Turns the user's inputs (folders, files, globs) into the list of photos to edit, each with the
// path relative to its root, so the output tree can mirror the input tree.
import fs from 'node:fs/promises'
import path from 'node:path'
import { glob, isDynamicPattern } from 'tinyglobby'
import { formatFromPath } from '../image-io/index.ts'

export interface InputFile {
  /** Absolute path of the photo. */
  path: string
  /** Path below the folder (or glob base) it was found in; just the name for a named file. */
  rel: string
}

export interface ExpandOptions {
  recursive: boolean
  /** Folders never scanned (the output folder, the masks folder) and files never taken (the mask). */
  exclude: string[]
}

export class BatchInputError extends Error {
  constructor(
    readonly code: 'NO_INPUTS' | 'OUTPUT_IS_INPUT',
    message: string
  ) {
    super(message)
  }
}

const inside = (file: string, dir: string) => file === dir || file.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep)

/** Image files only, by extension: a folder of photos often holds sidecars (.xmp, .txt, .json). */
const isImageName = (name: string) => formatFromPath(name) !== undefined

export async function expandInputs(inputs: string[], opts: ExpandOptions): Promise<InputFile[]> {
  const exclude = opts.exclude.map((p) => path.resolve(p))
  const excluded = (p: string) => exclude.some((e) => inside(p, e))
  const found = new Map<string, InputFile>()
  const add = (file: string, rel: string) => {
    if (!excluded(file) && !found.has(file)) found.set(file, { path: file, rel })
  }
  for (const input of inputs) {
    const abs = path.resolve(input)
    const stat = await fs.stat(abs).catch(() => undefined)
    if (stat?.isDirectory()) {
      if (exclude.some((e) => e === abs)) throw new BatchInputError('OUTPUT_IS_INPUT', `"${abs}" is the output (or masks) folder; choose another output folder`)
      for (const file of await walk(abs, opts.recursive, excluded)) add(file, path.relative(abs, file))
    } else if (stat || !isDynamicPattern(input)) {
      // A named file is taken as it is (the engine says what is wrong with it); one that does not
      // exist becomes a per-file NOT_FOUND, not the end of the batch.
      add(abs, path.basename(abs))
    } else {
      const base = globBase(input)
      const matches = await glob(input, { absolute: true, onlyFiles: true, dot: false, followSymbolicLinks: false, expandDirectories: false })
      for (const file of matches.map((m) => path.resolve(m))) if (isImageName(file)) add(file, path.relative(base, file))
    }
  }
  return [...found.values()].sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0))
}

/** Image files under a folder; hidden entries and symlinked folders (loops) are left out. */
async function walk(dir: string, recursive: boolean, excluded: (p: string) => boolean): Promise<string[]> {
  const out: string[] = []
  const entries = await fs.readdir(dir, { withFileTypes: true })
  for (const e of entries) {
    if (e.name.startsWith('.')) continue
    const full = path.join(dir, e.name)
    if (excluded(full)) continue
    if (e.isDirectory()) {
      if (recursive) out.push(...(await walk(full, recursive, excluded)))
    } else if ((e.isFile() || e.isSymbolicLink()) && isImageName(e.name)) out.push(full)
  }
  return out
}

/** The folder part of a glob before its first pattern segment: `photos/2024/*.jpg` -> `photos/2024`. */
function globBase(pattern: string): string {
  const parts = pattern.split(/[\\/]/)
  const fixed: string[] = []
  for (const part of parts) {
    if (isDynamicPattern(part)) break
    fixed.push(part)
  }
  return path.resolve(fixed.join('/') || '.')
}
