// Rectangle selection: idle -> pointing -> drawing (a box from the press to the pointer). A click
// without a drag selects nothing. Alt subtracts.
import { abandon, DRAG_THRESHOLD } from './brush.ts'
import { createTool, type Tool } from './state-machine.ts'
import type { MaskOp, Point, ToolHost, ToolPointer } from './types.ts'

type RectState = 'idle' | 'pointing' | 'drawing'
interface RectMemory {
  origin: Point
  subtract: boolean
}

export function rectangleTool(host: ToolHost): Tool {
  const box = (m: RectMemory, p: ToolPointer): MaskOp => ({
    kind: 'rect',
    mode: m.subtract ? 'subtract' : 'add',
    x: Math.min(m.origin.x, p.x),
    y: Math.min(m.origin.y, p.y),
    width: Math.abs(p.x - m.origin.x),
    height: Math.abs(p.y - m.origin.y)
  })
  return createTool<RectState, RectMemory>(
    {
      id: 'rectangle',
      initial: 'idle',
      memory: () => ({ origin: { x: 0, y: 0 }, subtract: false }),
      states: {
        idle: {
          pointerDown(m, { pointer }, h) {
            if (pointer.button !== 0) return
            h.begin()
            m.origin = { x: pointer.x, y: pointer.y }
            m.subtract = pointer.alt === true
            return 'pointing'
          }
        },
        pointing: {
          pointerMove(m, { pointer }, h) {
            if (Math.hypot(pointer.x - m.origin.x, pointer.y - m.origin.y) < DRAG_THRESHOLD) return
            h.setDraft(box(m, pointer))
            return 'drawing'
          },
          pointerUp: (_m, _e, h) => abandon(h),
          cancel: (_m, _e, h) => abandon(h)
        },
        drawing: {
          pointerMove: (m, { pointer }, h) => h.setDraft(box(m, pointer)),
          pointerUp(m, { pointer }, h) {
            h.setDraft(null)
            h.commitMask(box(m, pointer))
            return 'idle'
          },
          cancel: (_m, _e, h) => abandon(h)
        }
      }
    },
    host
  )
}
