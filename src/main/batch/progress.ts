// Counts, throughput and ETA for batch progress events. Throughput counts edited photos only:
// skipped files and instant failures (not an image, no mask) would make the rate wildly optimistic.
import type { BatchFile, BatchProgress } from '../../shared/batch.ts'

export class ProgressTracker {
  private readonly started = performance.now()
  private attempted = 0
  private edited = 0
  private finished = 0
  readonly counts = { done: 0, failed: 0, skipped: 0 }

  constructor(
    private readonly total: number,
    private readonly toEdit: number
  ) {}

  /** A file reached its final status; `attempted` when the engine ran it (not skipped or planned away). */
  finish(file: BatchFile, attempted: boolean): void {
    this.finished++
    if (attempted) this.attempted++
    if (attempted && file.status === 'done') this.edited++
    if (file.status === 'done' || file.status === 'failed' || file.status === 'skipped') this.counts[file.status]++
  }

  elapsedMs(): number {
    return performance.now() - this.started
  }

  photosPerMinute(): number {
    const ms = this.elapsedMs()
    return ms > 0 ? (this.edited * 60_000) / ms : 0
  }

  event(current: string[], file?: BatchFile): BatchProgress {
    const elapsedMs = this.elapsedMs()
    const left = this.toEdit - this.attempted
    const etaMs = this.edited > 0 ? (left * elapsedMs) / this.edited : null
    return { done: this.finished, total: this.total, current, file, counts: { ...this.counts }, elapsedMs, photosPerMinute: this.photosPerMinute(), etaMs }
  }
}
