// What the taskbar and the system notifications show for a batch, decided from the same push
// events and results the page gets. Pure, so index.ts only forwards them to Electron.
import type { Result } from '../shared/contract.ts'
import type { BatchProgress, BatchSummary } from '../shared/batch.ts'

/** The taskbar fraction for a push event (0..1), or null when the event says nothing about it. */
export function taskbarFraction(channel: string, payload: unknown): number | null {
  if (channel !== 'batch:progress' || typeof payload !== 'object' || payload === null || !('progress' in payload)) return null
  const { done, total } = payload.progress as BatchProgress
  return total > 0 ? Math.min(1, done / total) : null
}

/** The notification when a batch ends (its batch:wait answer), or null for any other result. */
export function batchNotice(channel: string, result: Result<unknown>): { title: string; body: string } | null {
  if (channel !== 'batch:wait') return null
  if (!result.ok) return { title: 'Batch failed', body: result.message }
  const s = result.value as BatchSummary
  const parts = [`${s.succeeded} of ${s.total} edited`]
  if (s.failed) parts.push(`${s.failed} failed`)
  if (s.skipped) parts.push(`${s.skipped} skipped`)
  if (s.notRun) parts.push(`${s.notRun} not run`)
  const title = s.stopped ? 'Batch stopped' : s.cancelled ? 'Batch cancelled' : 'Batch finished'
  return { title, body: s.stopped ? `${parts.join(', ')}: ${s.stopped.message}` : parts.join(', ') }
}
