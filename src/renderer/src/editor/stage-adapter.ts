// The one stage adapter: Konva pointer and wheel events in, tool events (in view-image
// coordinates) and view changes out. Panning (Space held, or the middle button) and zooming are
// the view's business and never reach a tool.
import type Konva from 'konva'
import type { Tool, ToolPointer } from '../tools/index.ts'
import { zoomAt, type View } from './view.ts'

type KonvaPointer = Konva.KonvaEventObject<PointerEvent>
type KonvaWheel = Konva.KonvaEventObject<WheelEvent>

export interface AdapterTarget {
  tool(): Tool
  view(): View
  setView(view: View): void
  /** Whether Space is held (pan instead of using the tool). */
  spaceHeld(): boolean
}

export interface StageAdapter {
  onPointerDown(e: KonvaPointer): void
  onPointerMove(e: KonvaPointer): void
  onPointerUp(e: KonvaPointer): void
  onWheel(e: KonvaWheel): void
  /** The pointer was released outside the stage: end the gesture where it was last seen. */
  releaseOutside(): void
}

export function createStageAdapter(target: AdapterTarget): StageAdapter {
  let pan: { x: number; y: number; view: View } | null = null
  let last: ToolPointer | null = null

  const toTool = (e: KonvaPointer): ToolPointer | null => {
    const p = e.target.getStage()?.getRelativePointerPosition()
    if (!p) return null
    return { x: p.x, y: p.y, button: e.evt.button < 0 ? 0 : e.evt.button, shift: e.evt.shiftKey, alt: e.evt.altKey }
  }

  return {
    onPointerDown(e) {
      if (e.evt.button === 1 || (e.evt.button === 0 && target.spaceHeld())) {
        e.evt.preventDefault()
        pan = { x: e.evt.clientX, y: e.evt.clientY, view: target.view() }
        return
      }
      const p = toTool(e)
      if (!p) return
      last = p
      target.tool().pointerDown(p)
    },
    onPointerMove(e) {
      if (pan) {
        target.setView({ ...pan.view, x: pan.view.x + e.evt.clientX - pan.x, y: pan.view.y + e.evt.clientY - pan.y })
        return
      }
      const tool = target.tool()
      if (!tool.busy) return
      const p = toTool(e)
      if (!p) return
      last = p
      tool.pointerMove(p)
    },
    onPointerUp(e) {
      if (pan) {
        pan = null
        return
      }
      const p = toTool(e) ?? last
      if (p) target.tool().pointerUp({ ...p, button: 0 })
      last = null
    },
    onWheel(e) {
      e.evt.preventDefault()
      const stage = e.target.getStage()
      const at = stage?.getPointerPosition()
      if (!at) return
      // Trackpad pinch arrives as a wheel with ctrlKey and small deltas: the same zoom, finer.
      const step = e.evt.ctrlKey ? 0.01 : 0.0015
      target.setView(zoomAt(target.view(), at, Math.exp(-e.evt.deltaY * step)))
    },
    releaseOutside() {
      pan = null
      const tool = target.tool()
      if (tool.busy && last) tool.pointerUp({ ...last, button: 0 })
      last = null
    }
  }
}
