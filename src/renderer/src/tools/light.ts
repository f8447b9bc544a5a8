// The light tool: press anywhere (or on the handle) and drag; the light follows the pointer live,
// and the whole drag is one undo step. Esc puts the light back where it was.
import { createTool, type Tool } from './state-machine.ts'
import type { ToolHost } from './types.ts'

type LightState = 'idle' | 'dragging'

export function lightTool(host: ToolHost): Tool {
  return createTool<LightState, Record<string, never>>(
    {
      id: 'light',
      initial: 'idle',
      memory: () => ({}),
      states: {
        idle: {
          pointerDown(_m, { pointer }, h) {
            if (pointer.button !== 0) return
            h.begin()
            h.moveLight(pointer)
            return 'dragging'
          }
        },
        dragging: {
          pointerMove: (_m, { pointer }, h) => h.moveLight(pointer),
          pointerUp(_m, { pointer }, h) {
            h.moveLight(pointer)
            h.commit()
            return 'idle'
          },
          cancel(_m, _e, h) {
            h.bail()
            return 'idle'
          }
        }
      }
    },
    host
  )
}
