// Live preview scheduling: one request in flight, the newest waiting one replaces the others.
import { describe, expect, it } from 'vitest'
import { LatestWins } from '../../src/renderer/src/editor/latest-wins.ts'

function deferred() {
  let resolve!: () => void
  const promise = new Promise<void>((r) => (resolve = r))
  return { promise, resolve }
}

describe('LatestWins', () => {
  it('never sends the stale requests that queued behind the one in flight', async () => {
    const sent: number[] = []
    const shown: number[] = []
    const gates: ReturnType<typeof deferred>[] = []
    const s = new LatestWins<number, number>(
      async (n) => {
        sent.push(n)
        const g = deferred()
        gates.push(g)
        await g.promise
        return n * 10
      },
      (res) => shown.push(res)
    )
    s.request(1)
    s.request(2)
    s.request(3)
    s.request(4)
    expect(sent).toEqual([1])
    gates[0].resolve()
    await new Promise((r) => setTimeout(r, 0))
    expect(sent).toEqual([1, 4])
    gates[1].resolve()
    await new Promise((r) => setTimeout(r, 0))
    expect(shown).toEqual([10, 40])
    expect(s.inFlight).toBe(false)
  })

  it('drops the answer in flight after a reset', async () => {
    const shown: number[] = []
    const g = deferred()
    const s = new LatestWins<number, number>(
      async (n) => {
        await g.promise
        return n
      },
      (res) => shown.push(res)
    )
    s.request(1)
    s.reset()
    g.resolve()
    await new Promise((r) => setTimeout(r, 0))
    expect(shown).toEqual([])
  })
})
