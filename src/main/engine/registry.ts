// Which models are installed, and which one each task uses by default (models/defaults.json).
import fs from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import { TASKS, type Task } from '../../shared/model-manifest.ts'
import { readManifest } from './manifest-loader.ts'

export function defaultModelsDir(): string {
  return fileURLToPath(new URL('../../../models', import.meta.url))
}

const defaultsSchema = z.strictObject(Object.fromEntries(TASKS.map((t) => [t, z.string().min(1)])) as Record<Task, z.ZodString>)

export async function defaultModelId(modelsDir: string, task: Task): Promise<string> {
  const file = path.join(modelsDir, 'defaults.json')
  let json: unknown
  try {
    json = JSON.parse(await fs.readFile(file, 'utf8'))
  } catch (err) {
    throw new Error(`cannot read the default models (${file}): ${(err as Error).message}`)
  }
  const parsed = defaultsSchema.safeParse(json)
  if (!parsed.success) throw new Error(`${file} must name a model for each of ${TASKS.join(', ')}`)
  return parsed.data[task]
}

export interface ModelSummary {
  id: string
  kind: 'lbm' | 'vae'
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
      } else {
        const { manifest: m } = await readManifest(dir, 'lbm')
        out.push({
          id: m.id, kind: 'lbm', task: m.task, name: m.name, version: m.version, license: m.license, vae: m.vae.id,
          steps: m.sampler.allowedSteps, conditioning: m.conditioning.map((c) => `${c.name}:${c.kind}`)
        })
      }
    } catch (err) {
      out.push({ id: e.name, kind: kind === 'vae' ? 'vae' : 'lbm', name: e.name, version: '?', license: '?', error: (err as Error).message })
    }
  }
  return out
}
