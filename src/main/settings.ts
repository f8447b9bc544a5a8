// Settings kept by the main process in one JSON file under userData: the device preference, the
// last folders and the recent files. Read with zod: a missing, corrupt or outdated file gives the
// defaults (the app must start whatever is on disk); a write is atomic (temp file + rename).
import fs from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'

const MAX_RECENT = 10

export const settingsSchema = z.strictObject({
  version: z.literal(1),
  /** Where inference runs; 'auto' tries the GPU providers of this platform, then the CPU. */
  device: z.enum(['auto', 'cpu', 'gpu']).default('auto'),
  lastFolders: z
    .strictObject({
      open: z.string().optional(),
      output: z.string().optional()
    })
    .default({}),
  /** Most recent first. */
  recentFiles: z.array(z.string()).max(MAX_RECENT).default([])
})
export type Settings = z.output<typeof settingsSchema>
export const DEFAULT_SETTINGS: Settings = settingsSchema.parse({ version: 1 })

export class SettingsStore {
  private current: Settings = DEFAULT_SETTINGS
  private writing: Promise<void> = Promise.resolve()

  constructor(
    readonly file: string,
    private readonly log: (line: string) => void = () => {}
  ) {}

  async load(): Promise<Settings> {
    let text: string
    try {
      text = await fs.readFile(this.file, 'utf8')
    } catch {
      return (this.current = DEFAULT_SETTINGS)
    }
    let parsed: ReturnType<typeof settingsSchema.safeParse>
    try {
      parsed = settingsSchema.safeParse(JSON.parse(text))
    } catch {
      this.log(`settings: ${this.file} is not JSON; using the defaults`)
      return (this.current = DEFAULT_SETTINGS)
    }
    if (!parsed.success) this.log(`settings: ${this.file} is not valid (${parsed.error.issues[0]?.message}); using the defaults`)
    return (this.current = parsed.success ? parsed.data : DEFAULT_SETTINGS)
  }

  get(): Settings {
    return this.current
  }

  /** Applies a change, validates the result, and writes it (writes are serialised). */
  update(change: (s: Settings) => Settings): Promise<void> {
    this.current = settingsSchema.parse(change(this.current))
    const snapshot = JSON.stringify(this.current, null, 2)
    this.writing = this.writing.then(() => writeAtomic(this.file, snapshot))
    return this.writing
  }

  /** Puts a file first in the recent list, and remembers its folder for the next open dialog. */
  addRecent(file: string): Promise<void> {
    return this.update((s) => ({
      ...s,
      recentFiles: [file, ...s.recentFiles.filter((f) => f !== file)].slice(0, MAX_RECENT),
      lastFolders: { ...s.lastFolders, open: path.dirname(file) }
    }))
  }
}

async function writeAtomic(file: string, text: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true })
  const tmp = `${file}.${process.pid}.tmp`
  await fs.writeFile(tmp, text)
  await fs.rename(tmp, file)
}
