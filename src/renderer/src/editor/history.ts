// Undo history of the editor's document, one step per gesture (tldraw's mark / squash / bail):
// `mark` where a gesture starts, `update` as often as it likes while it runs (no steps), then
// `squash` to keep the gesture as one step or `bail` to put back the marked state. Snapshots are
// immutable values, so a step costs a reference, not a copy.

export class History<T> {
  private past: T[] = []
  private future: T[] = []
  private marked: T | undefined
  private hasMark = false

  constructor(
    private current: T,
    private readonly limit = 200
  ) {}

  get present(): T {
    return this.current
  }
  get canUndo(): boolean {
    return this.past.length > 0 || (this.hasMark && this.marked !== this.current)
  }
  get canRedo(): boolean {
    return this.future.length > 0
  }
  get inGesture(): boolean {
    return this.hasMark
  }

  /** A gesture starts. A second mark while one is open keeps the first. */
  mark(): void {
    if (this.hasMark) return
    this.marked = this.current
    this.hasMark = true
  }

  /** Changes the present; inside a gesture this makes no step of its own, outside it is one step. */
  update(next: T | ((present: T) => T)): void {
    if (!this.hasMark) return this.push(next)
    this.current = typeof next === 'function' ? (next as (p: T) => T)(this.current) : next
  }

  /** Ends the gesture as one undo step (none if nothing changed). */
  squash(): void {
    if (!this.hasMark) return
    const before = this.marked as T
    this.hasMark = false
    this.marked = undefined
    if (before !== this.current) this.pushPast(before)
  }

  /** Ends the gesture by putting back the state at its mark. */
  bail(): void {
    if (!this.hasMark) return
    this.current = this.marked as T
    this.hasMark = false
    this.marked = undefined
  }

  /** One whole step at once (a result, a clear): mark, update, squash. */
  push(next: T | ((present: T) => T)): void {
    this.mark()
    this.current = typeof next === 'function' ? (next as (p: T) => T)(this.current) : next
    this.squash()
  }

  undo(): boolean {
    if (this.hasMark) {
      this.bail()
      return true
    }
    const previous = this.past.pop()
    if (previous === undefined) return false
    this.future.push(this.current)
    this.current = previous
    return true
  }

  redo(): boolean {
    if (this.hasMark) return false
    const next = this.future.pop()
    if (next === undefined) return false
    this.past.push(this.current)
    this.current = next
    return true
  }

  /** Forgets every step (a new photo). */
  reset(present: T): void {
    this.past = []
    this.future = []
    this.hasMark = false
    this.marked = undefined
    this.current = present
  }

  private pushPast(before: T): void {
    this.past.push(before)
    if (this.past.length > this.limit) this.past.shift()
    this.future = []
  }
}
