// Brush and eraser: idle -> pointing (pressed, not moved yet) -> drawing (a stroke follows the
// pointer). A press without a move leaves a dot; Esc drops the stroke.
import { createTool, type Tool } from './state-machine.ts'
import type { MaskMode, MaskOp, ToolHost } from './types.ts'

type BrushState = 'idle' | 'pointing' | 'drawing'
interface BrushMemory {
  points: number[]
  size: number
  hardness: number
}

/** Pointer travel (view pixels) below which a press is still a click, not a drag. */
export const DRAG_THRESHOLD = 2

export function brushTool(host: ToolHost, mode: MaskMode = 'add', id = mode === 'add' ? 'brush' : 'eraser'): Tool {
  const stroke = (m: BrushMemory): MaskOp => ({ kind: 'stroke', mode, size: m.size, points: [...m.points], ...(m.hardness < 1 ? { hardness: m.hardness } : {}) })
  return createTool<BrushState, BrushMemory>(
    {
      id,
      initial: 'idle',
      memory: () => ({ points: [], size: 1, hardness: 1 }),
      states: {
        idle: {
          pointerDown(m, { pointer }, h) {
            if (pointer.button !== 0) return
            h.begin()
            m.size = h.brushSize()
            m.hardness = h.brushHardness?.() ?? 1
            m.points = [pointer.x, pointer.y]
            h.setDraft(stroke(m))
            return 'pointing'
          }
        },
        pointing: {
          pointerMove(m, { pointer }, h) {
            if (Math.hypot(pointer.x - m.points[0], pointer.y - m.points[1]) < DRAG_THRESHOLD) return
            m.points.push(pointer.x, pointer.y)
            h.setDraft(stroke(m))
            return 'drawing'
          },
          pointerUp: (m, _e, h) => finish(m, h),
          cancel: (_m, _e, h) => abandon(h)
        },
        drawing: {
          pointerMove(m, { pointer }, h) {
            m.points.push(pointer.x, pointer.y)
            h.setDraft(stroke(m))
          },
          pointerUp(m, { pointer }, h) {
            const n = m.points.length
            if (pointer.x !== m.points[n - 2] || pointer.y !== m.points[n - 1]) m.points.push(pointer.x, pointer.y)
            return finish(m, h)
          },
          cancel: (_m, _e, h) => abandon(h)
        }
      }
    },
    host
  )

  function finish(m: BrushMemory, h: ToolHost): BrushState {
    h.setDraft(null)
    h.commitMask(stroke(m))
    return 'idle'
  }
}

export function abandon(h: ToolHost): 'idle' {
  h.setDraft(null)
  h.bail()
  return 'idle'
}
