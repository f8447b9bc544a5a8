// A scratch copy of the shipped bundles that a test may break on purpose.
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { MODELS_DIR } from './golden.ts'

export async function scratchModels(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lbm-models-'))
  await fs.cp(MODELS_DIR, dir, { recursive: true })
  return dir
}

export async function editManifest(dir: string, id: string, edit: (m: Record<string, any>) => void): Promise<void> {
  const file = path.join(dir, id, 'model.json')
  const m = JSON.parse(await fs.readFile(file, 'utf8'))
  edit(m)
  await fs.writeFile(file, JSON.stringify(m))
}
