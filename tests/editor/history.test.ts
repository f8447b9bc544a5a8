// Undo history with tldraw's mark / squash / bail: one gesture is one step.
import { describe, expect, it } from 'vitest'
import { History } from '../../src/renderer/src/editor/history.ts'

describe('History', () => {
  it('squashes the updates of a gesture into one step', () => {
    const h = new History(0)
    h.mark()
    for (let i = 1; i <= 5; i++) h.update(i)
    expect(h.present).toBe(5)
    h.squash()
    expect(h.undo()).toBe(true)
    expect(h.present).toBe(0)
    expect(h.canUndo).toBe(false)
    expect(h.redo()).toBe(true)
    expect(h.present).toBe(5)
  })

  it('bails back to the mark, leaving no step', () => {
    const h = new History('a')
    h.push('b')
    h.mark()
    h.update('c')
    h.update((s) => s + 'd')
    expect(h.present).toBe('cd')
    h.bail()
    expect(h.present).toBe('b')
    h.undo()
    expect(h.present).toBe('a')
    expect(h.canUndo).toBe(false)
  })

  it('a gesture that changes nothing is no step; a new step clears redo', () => {
    const h = new History(1)
    h.mark()
    h.squash()
    expect(h.canUndo).toBe(false)
    h.push(2)
    h.push(3)
    h.undo()
    expect(h.canRedo).toBe(true)
    h.update(4) // outside a gesture: a step of its own
    expect(h.canRedo).toBe(false)
    h.undo()
    expect(h.present).toBe(2)
  })

  it('undo during a gesture cancels the gesture; redo waits for it to end', () => {
    const h = new History(0)
    h.push(1)
    h.mark()
    h.update(2)
    expect(h.redo()).toBe(false)
    expect(h.undo()).toBe(true)
    expect(h.present).toBe(1)
    expect(h.inGesture).toBe(false)
  })

  it('keeps at most `limit` steps', () => {
    const h = new History(0, 3)
    for (let i = 1; i <= 10; i++) h.push(i)
    let undone = 0
    while (h.undo()) undone++
    expect(undone).toBe(3)
    expect(h.present).toBe(7)
  })
})
