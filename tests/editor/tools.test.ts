// The canvas tools driven by pointer events, as the stage adapter feeds them: the state path they
// go through and the mask operation they leave behind.
import { describe, expect, it } from 'vitest'
import { createTools, type MaskOp, type Point, type ToolHost } from '../../src/renderer/src/tools/index.ts'

function recorder(size = 20) {
  const log: string[] = []
  const committed: MaskOp[] = []
  const lights: Point[] = []
  const picks: Point[] = []
  let draft: MaskOp | null = null
  const host: ToolHost = {
    brushSize: () => size,
    setDraft: (op) => void (draft = op),
    begin: () => void log.push('begin'),
    commitMask: (op) => {
      log.push('commitMask')
      committed.push(op)
    },
    moveLight: (p) => void lights.push(p),
    pickSubject: (p) => void picks.push(p),
    commit: () => void log.push('commit'),
    bail: () => void log.push('bail')
  }
  return { host, log, committed, lights, picks, draft: () => draft }
}

const at = (x: number, y: number, extra: { button?: number; alt?: boolean } = {}) => ({ x, y, button: 0, ...extra })

describe('brush', () => {
  it('goes idle -> pointing -> drawing -> idle and commits one stroke', () => {
    const r = recorder(24)
    const { brush } = createTools(r.host)
    const path = [brush.path]
    brush.pointerDown(at(10, 10))
    path.push(brush.path)
    brush.pointerMove(at(11, 10)) // under the drag threshold: still a press
    path.push(brush.path)
    brush.pointerMove(at(20, 10))
    path.push(brush.path)
    expect(r.draft()).toEqual({ kind: 'stroke', mode: 'add', size: 24, points: [10, 10, 20, 10] })
    brush.pointerMove(at(30, 15))
    brush.pointerUp(at(30, 15))
    path.push(brush.path)
    expect(path).toEqual(['brush.idle', 'brush.pointing', 'brush.pointing', 'brush.drawing', 'brush.idle'])
    expect(r.committed).toEqual([{ kind: 'stroke', mode: 'add', size: 24, points: [10, 10, 20, 10, 30, 15] }])
    expect(r.log).toEqual(['begin', 'commitMask'])
    expect(r.draft()).toBeNull()
  })

  it('leaves a dot on a click, and the eraser subtracts', () => {
    const r = recorder(8)
    const { brush, eraser } = createTools(r.host)
    brush.pointerDown(at(5, 6))
    brush.pointerUp(at(5, 6))
    eraser.pointerDown(at(1, 1))
    expect(eraser.path).toBe('eraser.pointing')
    eraser.pointerMove(at(9, 1))
    expect(eraser.path).toBe('eraser.drawing')
    eraser.pointerUp(at(9, 1))
    expect(r.committed).toEqual([
      { kind: 'stroke', mode: 'add', size: 8, points: [5, 6] },
      { kind: 'stroke', mode: 'subtract', size: 8, points: [1, 1, 9, 1] }
    ])
  })

  it('records a soft brush\'s hardness in its stroke', () => {
    const r = recorder(10)
    const { brush } = createTools({ ...r.host, brushHardness: () => 0.25 })
    brush.pointerDown(at(0, 0))
    brush.pointerUp(at(0, 0))
    expect(r.committed).toEqual([{ kind: 'stroke', mode: 'add', size: 10, points: [0, 0], hardness: 0.25 }])
  })

  it('drops the stroke on Esc (history bails) and ignores other buttons', () => {
    const r = recorder()
    const { brush } = createTools(r.host)
    brush.pointerDown(at(0, 0, { button: 1 }))
    expect(brush.path).toBe('brush.idle')
    brush.pointerDown(at(0, 0))
    brush.pointerMove(at(50, 50))
    brush.cancel()
    expect(brush.path).toBe('brush.idle')
    brush.pointerUp(at(60, 60)) // the release after Esc does nothing
    expect(r.committed).toEqual([])
    expect(r.log).toEqual(['begin', 'bail'])
    expect(r.draft()).toBeNull()
  })
})

describe('rectangle', () => {
  it('draws a normalised box whichever way it is dragged; Alt subtracts', () => {
    const r = recorder()
    const { rectangle } = createTools(r.host)
    rectangle.pointerDown(at(100, 80))
    expect(rectangle.path).toBe('rectangle.pointing')
    rectangle.pointerMove(at(40, 20))
    expect(rectangle.path).toBe('rectangle.drawing')
    rectangle.pointerUp(at(40, 30))
    rectangle.pointerDown(at(0, 0, { alt: true }))
    rectangle.pointerMove(at(10, 10, { alt: true }))
    rectangle.pointerUp(at(10, 10, { alt: true }))
    expect(r.committed).toEqual([
      { kind: 'rect', mode: 'add', x: 40, y: 30, width: 60, height: 50 },
      { kind: 'rect', mode: 'subtract', x: 0, y: 0, width: 10, height: 10 }
    ])
  })

  it('a click without a drag selects nothing', () => {
    const r = recorder()
    const { rectangle } = createTools(r.host)
    rectangle.pointerDown(at(5, 5))
    rectangle.pointerUp(at(5, 5))
    expect(rectangle.path).toBe('rectangle.idle')
    expect(r.committed).toEqual([])
    expect(r.log).toEqual(['begin', 'bail'])
  })
})

describe('lasso', () => {
  it('closes the outline on release', () => {
    const r = recorder()
    const { lasso } = createTools(r.host)
    const path: string[] = []
    lasso.pointerDown(at(0, 0))
    path.push(lasso.path)
    for (const [x, y] of [[10, 0], [10, 10], [0, 10]]) {
      lasso.pointerMove(at(x, y))
      path.push(lasso.path)
    }
    lasso.pointerUp(at(0, 10))
    path.push(lasso.path)
    expect(path).toEqual(['lasso.pointing', 'lasso.drawing', 'lasso.drawing', 'lasso.drawing', 'lasso.idle'])
    expect(r.committed).toEqual([{ kind: 'lasso', mode: 'add', points: [0, 0, 10, 0, 10, 10, 0, 10] }])
  })

  it('selects nothing with fewer than three points', () => {
    const r = recorder()
    const { lasso } = createTools(r.host)
    lasso.pointerDown(at(0, 0))
    lasso.pointerMove(at(10, 0))
    lasso.pointerUp(at(10, 0))
    expect(r.committed).toEqual([])
    expect(r.log).toEqual(['begin', 'bail'])
  })
})

describe('light', () => {
  it('follows the pointer while dragging and commits one step', () => {
    const r = recorder()
    const { light } = createTools(r.host)
    light.pointerDown(at(1, 1))
    expect(light.path).toBe('light.dragging')
    light.pointerMove(at(2, 2))
    light.pointerUp(at(3, 3))
    expect(light.path).toBe('light.idle')
    expect(r.lights).toEqual([at(1, 1), at(2, 2), at(3, 3)])
    expect(r.log).toEqual(['begin', 'commit'])
  })

  it('puts the light back on Esc', () => {
    const r = recorder()
    const { light } = createTools(r.host)
    light.pointerDown(at(1, 1))
    light.cancel()
    expect(r.log).toEqual(['begin', 'bail'])
    expect(light.busy).toBe(false)
  })
})

describe('pick', () => {
  it('asks for the subject under a click, and touches neither the history nor the mask itself', () => {
    const r = recorder()
    const { pick } = createTools(r.host)
    pick.pointerDown(at(40, 30))
    expect(pick.path).toBe('pick.pressed')
    pick.pointerMove(at(41, 30)) // a tremble under the drag threshold is still a click
    pick.pointerUp(at(41, 30))
    expect(pick.path).toBe('pick.idle')
    expect(r.picks).toEqual([{ x: 40, y: 30 }])
    expect(r.log).toEqual([]) // the editor adds the answer as one step when it comes
    expect(r.committed).toEqual([])
  })

  it('picks nothing on a drag, a secondary button or Esc', () => {
    const r = recorder()
    const { pick } = createTools(r.host)
    pick.pointerDown(at(10, 10))
    pick.pointerMove(at(30, 10))
    expect(pick.path).toBe('pick.dragged')
    pick.pointerUp(at(30, 10))
    pick.pointerDown(at(10, 10, { button: 2 }))
    expect(pick.path).toBe('pick.idle')
    pick.pointerDown(at(10, 10))
    pick.cancel()
    pick.pointerUp(at(10, 10))
    expect(pick.path).toBe('pick.idle')
    expect(r.picks).toEqual([])
  })
})
