// The JSON report: every file with its status, and the settings used. Written atomically (a
// temporary name, then a rename), like the images, so a reader never sees half a report.
import { randomBytes } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import type { BatchReport } from '../../shared/batch.ts'
import { BatchError } from './errors.ts'

export async function writeReport(file: string, report: BatchReport): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    await fs.mkdir(path.dirname(file), { recursive: true })
    await fs.writeFile(tmp, JSON.stringify(report, null, 2) + '\n', { flag: 'wx' })
    await fs.rename(tmp, file)
  } catch (err) {
    await fs.unlink(tmp).catch(() => undefined)
    throw new BatchError('UNWRITABLE', `cannot write the report "${file}": ${err instanceof Error ? err.message : String(err)}`)
  }
}
