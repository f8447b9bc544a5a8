// Live preview scheduling: at most one request in flight; while it runs, newer requests replace
// each other (the stale ones are never sent); every answer that comes back is shown unless the
// scheduler was reset meanwhile. So a light drag shows a stream of previews that keeps up with
// the engine, and the last position is always the last one previewed.

export class LatestWins<Req, Res> {
  private pending: { req: Req } | undefined
  private busy = false
  private generation = 0

  constructor(
    private readonly run: (req: Req) => Promise<Res>,
    private readonly deliver: (res: Res, req: Req) => void
  ) {}

  get inFlight(): boolean {
    return this.busy
  }

  request(req: Req): void {
    this.pending = { req }
    if (!this.busy) void this.pump()
  }

  /** Drops what waits and ignores the answer in flight (the document changed under it). */
  reset(): void {
    this.pending = undefined
    this.generation++
  }

  private async pump(): Promise<void> {
    this.busy = true
    try {
      while (this.pending) {
        const { req } = this.pending
        this.pending = undefined
        const generation = this.generation
        const res = await this.run(req)
        if (generation === this.generation) this.deliver(res, req)
      }
    } finally {
      this.busy = false
    }
  }
}
