// Reads and checks model bundles on disk: strict manifest validation, files present, checksums.
// Every failure is a ModelError naming the model and the problem.
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import fs from 'node:fs/promises'
import path from 'node:path'
import type { z } from 'zod'
import {
  lbmManifestSchema,
  segmentManifestSchema,
  vaeManifestSchema,
  type LbmManifest,
  type SegmentManifest,
  type VaeManifest,
  TASKS
} from '../../shared/model-manifest.ts'

export class ModelError extends Error {
  constructor(
    readonly modelId: string,
    message: string
  ) {
    super(`model '${modelId}': ${message}`)
    this.name = 'ModelError'
  }
}

export interface BundleOnDisk<M> {
  dir: string
  manifest: M
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ')
}

async function readJson(id: string, file: string): Promise<unknown> {
  let text: string
  try {
    text = await fs.readFile(file, 'utf8')
  } catch {
    throw new ModelError(id, `no model.json at ${file}`)
  }
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new ModelError(id, `model.json is not valid JSON (${(err as Error).message})`)
  }
}

/** Reads `<dir>/model.json` and validates it as the given kind. */
export async function readManifest(dir: string, kind: 'lbm'): Promise<BundleOnDisk<LbmManifest>>
export async function readManifest(dir: string, kind: 'vae'): Promise<BundleOnDisk<VaeManifest>>
export async function readManifest(dir: string, kind: 'segment'): Promise<BundleOnDisk<SegmentManifest>>
export async function readManifest(dir: string, kind: 'lbm' | 'vae' | 'segment'): Promise<BundleOnDisk<LbmManifest | VaeManifest | SegmentManifest>> {
  const id = path.basename(dir)
  const json = await readJson(id, path.join(dir, 'model.json'))
  const raw = json as { kind?: unknown; task?: unknown }
  if (raw && raw.kind !== kind) throw new ModelError(id, `expected a model of kind '${kind}', found '${String(raw.kind)}'`)
  if (kind === 'lbm' && typeof raw.task === 'string' && !(TASKS as readonly string[]).includes(raw.task)) {
    throw new ModelError(id, `unknown task '${raw.task}' (known: ${TASKS.join(', ')})`)
  }
  const schema = kind === 'lbm' ? lbmManifestSchema : kind === 'vae' ? vaeManifestSchema : segmentManifestSchema
  const parsed = schema.safeParse(json)
  if (!parsed.success) throw new ModelError(id, `invalid model.json: ${describeIssues(parsed.error)}`)
  if (parsed.data.id !== id) throw new ModelError(id, `model.json says id '${parsed.data.id}' but the folder is '${id}'`)
  return { dir, manifest: parsed.data }
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/** Resolves a bundle file and checks that it exists and matches its checksum. */
export async function verifiedFile(id: string, dir: string, ref: { path: string; sha256: string }): Promise<string> {
  const file = path.join(dir, ref.path)
  try {
    await fs.access(file)
  } catch {
    throw new ModelError(id, `missing file ${ref.path}`)
  }
  const actual = await sha256File(file)
  if (actual !== ref.sha256) {
    throw new ModelError(id, `checksum mismatch for ${ref.path} (expected ${ref.sha256.slice(0, 12)}…, got ${actual.slice(0, 12)}…)`)
  }
  return file
}
