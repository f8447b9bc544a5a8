// The pick tool: a click on an object selects it alone, from the subjects the automatic
// selection finds (the engine answers the one under the click, or the nearest close to it).
// idle -> pressed -> idle; a press that turns into a drag picks nothing.
import { DRAG_THRESHOLD } from './brush.ts'
import { createTool, type Tool } from './state-machine.ts'
import type { Point, ToolHost } from './types.ts'

type PickState = 'idle' | 'pressed' | 'dragged'

export function pickTool(host: ToolHost): Tool {
  return createTool<PickState, { origin: Point }>(
    {
      id: 'pick',
      initial: 'idle',
      memory: () => ({ origin: { x: 0, y: 0 } }),
      states: {
        idle: {
          pointerDown(m, { pointer }) {
            if (pointer.button !== 0) return
            m.origin = { x: pointer.x, y: pointer.y }
            return 'pressed'
          }
        },
        pressed: {
          pointerMove(m, { pointer }) {
            if (Math.hypot(pointer.x - m.origin.x, pointer.y - m.origin.y) >= DRAG_THRESHOLD) return 'dragged'
          },
          pointerUp(m, _e, h) {
            h.pickSubject(m.origin)
            return 'idle'
          },
          cancel: () => 'idle'
        },
        dragged: {
          pointerUp: () => 'idle',
          cancel: () => 'idle'
        }
      }
    },
    host
  )
}
