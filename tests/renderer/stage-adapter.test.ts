// The one stage adapter: Konva events in, tool events or view changes out. (Here, not in tests/editor,
// because its types need the DOM's event types: tsconfig.e2e.json has them.)
import type Konva from 'konva'
import { describe, expect, it } from 'vitest'
import { createStageAdapter } from '../../src/renderer/src/editor/stage-adapter.ts'
import { createTools, type MaskOp, type ToolHost } from '../../src/renderer/src/tools/index.ts'
import type { View } from '../../src/renderer/src/editor/view.ts'

type PointerEvt = Konva.KonvaEventObject<PointerEvent>
type WheelEvt = Konva.KonvaEventObject<WheelEvent>

/** A Konva pointer event at a stage-relative point (what getRelativePointerPosition answers). */
function pointer(x: number, y: number, extra: Partial<{ button: number; clientX: number; clientY: number; altKey: boolean }> = {}): PointerEvt {
  const evt = { button: 0, shiftKey: false, altKey: false, clientX: x, clientY: y, preventDefault() {}, ...extra }
  const stage = { getRelativePointerPosition: () => ({ x, y }), getPointerPosition: () => ({ x, y }) }
  return { evt, target: { getStage: () => stage } } as unknown as PointerEvt
}

function setup() {
  const committed: MaskOp[] = []
  const host: ToolHost = {
    brushSize: () => 10,
    setDraft: () => {},
    begin: () => {},
    commitMask: (op) => void committed.push(op),
    moveLight: () => {},
    pickSubject: () => {},
    commit: () => {},
    bail: () => {}
  }
  const tools = createTools(host)
  let view: View = { scale: 1, x: 0, y: 0 }
  let space = false
  const adapter = createStageAdapter({ tool: () => tools.rectangle, view: () => view, setView: (v) => (view = v), spaceHeld: () => space })
  return { adapter, tools, committed, view: () => view, holdSpace: (v: boolean) => (space = v) }
}

describe('stage adapter', () => {
  it('feeds the active tool in picture coordinates', () => {
    const s = setup()
    s.adapter.onPointerDown(pointer(10, 10))
    s.adapter.onPointerMove(pointer(30, 40))
    expect(s.tools.rectangle.path).toBe('rectangle.drawing')
    s.adapter.onPointerUp(pointer(30, 40))
    expect(s.committed).toEqual([{ kind: 'rect', mode: 'add', x: 10, y: 10, width: 20, height: 30 }])
  })

  it('pans with the middle button or Space held, never reaching the tool', () => {
    const s = setup()
    s.adapter.onPointerDown(pointer(0, 0, { button: 1, clientX: 100, clientY: 100 }))
    s.adapter.onPointerMove(pointer(0, 0, { clientX: 130, clientY: 90 }))
    s.adapter.onPointerUp(pointer(0, 0))
    expect(s.view()).toEqual({ scale: 1, x: 30, y: -10 })
    s.holdSpace(true)
    s.adapter.onPointerDown(pointer(0, 0, { clientX: 0, clientY: 0 }))
    s.adapter.onPointerMove(pointer(0, 0, { clientX: 5, clientY: 5 }))
    s.adapter.onPointerUp(pointer(0, 0))
    expect(s.view()).toEqual({ scale: 1, x: 35, y: -5 })
    expect(s.tools.rectangle.path).toBe('rectangle.idle')
    expect(s.committed).toEqual([])
  })

  it('ends a gesture released outside the stage where the pointer was last seen', () => {
    const s = setup()
    s.adapter.onPointerDown(pointer(0, 0))
    s.adapter.onPointerMove(pointer(50, 50))
    s.adapter.releaseOutside()
    expect(s.tools.rectangle.path).toBe('rectangle.idle')
    expect(s.committed).toEqual([{ kind: 'rect', mode: 'add', x: 0, y: 0, width: 50, height: 50 }])
  })

  it('zooms with the wheel about the pointer', () => {
    const s = setup()
    const wheel = { evt: { deltaY: -100, ctrlKey: false, preventDefault() {} }, target: { getStage: () => ({ getPointerPosition: () => ({ x: 100, y: 100 }) }) } } as unknown as WheelEvt
    s.adapter.onWheel(wheel)
    const v = s.view()
    expect(v.scale).toBeGreaterThan(1)
    expect((100 - v.x) / v.scale).toBeCloseTo(100, 9) // the picture point under the pointer stays put
  })
})
