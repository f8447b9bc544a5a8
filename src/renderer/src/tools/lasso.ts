// Lasso: idle -> pointing -> drawing (a free outline); releasing closes it. Fewer than three
// points select nothing. Alt subtracts.
import { abandon, DRAG_THRESHOLD } from './brush.ts'
import { createTool, type Tool } from './state-machine.ts'
import type { MaskOp, ToolHost } from './types.ts'

type LassoState = 'idle' | 'pointing' | 'drawing'
interface LassoMemory {
  points: number[]
  subtract: boolean
}

export function lassoTool(host: ToolHost): Tool {
  const outline = (m: LassoMemory): MaskOp => ({ kind: 'lasso', mode: m.subtract ? 'subtract' : 'add', points: [...m.points] })
  return createTool<LassoState, LassoMemory>(
    {
      id: 'lasso',
      initial: 'idle',
      memory: () => ({ points: [], subtract: false }),
      states: {
        idle: {
          pointerDown(m, { pointer }, h) {
            if (pointer.button !== 0) return
            h.begin()
            m.points = [pointer.x, pointer.y]
            m.subtract = pointer.alt === true
            return 'pointing'
          }
        },
        pointing: {
          pointerMove(m, { pointer }, h) {
            if (Math.hypot(pointer.x - m.points[0], pointer.y - m.points[1]) < DRAG_THRESHOLD) return
            m.points.push(pointer.x, pointer.y)
            h.setDraft(outline(m))
            return 'drawing'
          },
          pointerUp: (_m, _e, h) => abandon(h),
          cancel: (_m, _e, h) => abandon(h)
        },
        drawing: {
          pointerMove(m, { pointer }, h) {
            m.points.push(pointer.x, pointer.y)
            h.setDraft(outline(m))
          },
          pointerUp(m, _e, h) {
            if (m.points.length < 6) return abandon(h)
            h.setDraft(null)
            h.commitMask(outline(m))
            return 'idle'
          },
          cancel: (_m, _e, h) => abandon(h)
        }
      }
    },
    host
  )
}
