// Which models are installed, and which one each task uses by default (models/defaults.json).
import fs from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import { TASKS, type ModelKind, type Task } from '../../shared/model-manifest.ts'
import { readManifest } from './manifest-loader.ts'

export function defaultModelsDir(): string {
  return fileURLToPath(new URL('../../../models', import.meta.url))
}

/** Each task's default model, and the subject selection's (optional: a models folder without one still serves the tasks). */
const defaultsSchema = z.strictObject({
  ...(Object.fromEntries(TASKS.map((t) => [t, z.string().min(1)])) as Record<Task, z.ZodString>),
  segment: z.string().min(1).optional()
})

/** What defaults.json names a model for: each task, and `segment` (automatic subject selection). */
export type DefaultFor = Task | 'segment'

export async function defaultModelId(modelsDir: string, task: DefaultFor): Promise<string> {
  const file = path.join(modelsDir, 'defaults.json')
  let json: unknown
  try {
    json = JSON.parse(await fs.readFile(file, 'utf8'))
  } catch (err) {
    throw new Error(`cannot read the default models (${file}): ${(err as Error).message}`)
  }
  const parsed = defaultsSchema.safeParse(json)
  if (!parsed.success) throw new Error(`${file} must name a model for each of ${TASKS.join(', ')} (and may name one for segment)`)
  const id = parsed.data[task]
  if (id === undefined) throw new Error(`${file} names no segment model: automatic subject selection needs one (e.g. "segment": "tiny-segment")`)
  return id
}

export interface ModelSummary {
  id: string
  kind: ModelKind
  task?: Task
  name: string
  version: string
  license: string
  vae?: string
  steps?: number[]
  conditioning?: string[]
  /** Set when the bundle's manifest is invalid: the model is listed but cannot be used. */
  error?: string
}

/** Every bundle folder in `modelsDir`, valid or not (invalid ones carry their error). */
export async function listModels(modelsDir: string): Promise<ModelSummary[]> {
  const entries = await fs.readdir(modelsDir, { withFileTypes: true })
  const out: ModelSummary[] = []
  for (const e of entries.filter((d) => d.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const dir = path.join(modelsDir, e.name)
    let kind: unknown
    try {
      kind = JSON.parse(await fs.readFile(path.join(dir, 'model.json'), 'utf8')).kind
    } catch {
      continue // not a bundle folder
    }
    try {
      if (kind === 'vae') {
        const { manifest: m } = await readManifest(dir, 'vae')
        out.push({ id: m.id, kind: 'vae', name: m.name, version: m.version, license: m.license })
      } else if (kind === 'segment') {
        const { manifest: m } = await readManifest(dir, 'segment')
        out.push({ id: m.id, kind: 'segment', name: m.name, version: m.version, license: m.license })
      } else {
        const { manifest: m } = await readManifest(dir, 'lbm')
        out.push({
          id: m.id, kind: 'lbm', task: m.task, name: m.name, version: m.version, license: m.license, vae: m.vae.id,
          steps: m.sampler.allowedSteps, conditioning: m.conditioning.map((c) => `${c.name}:${c.kind}`)
        })
      }
    } catch (err) {
      out.push({ id: e.name, kind: kind === 'vae' || kind === 'segment' ? kind : 'lbm', name: e.name, version: '?', license: '?', error: (err as Error).message })
    }
  }
  return out
}
