// A tool is a small state machine (tldraw's shape): named states, each handling the events it
// cares about and naming the next state. The tool's `path` (`brush.drawing`) is what tests assert.
import type { ToolHost, ToolPointer } from './types.ts'

export type ToolEvent =
  | { type: 'pointerDown'; pointer: ToolPointer }
  | { type: 'pointerMove'; pointer: ToolPointer }
  | { type: 'pointerUp'; pointer: ToolPointer }
  | { type: 'cancel' }

/** A state's handlers: each answers the name of the next state, or nothing to stay. */
export type StateHandlers<S extends string, M> = {
  [E in ToolEvent['type']]?: (memory: M, event: Extract<ToolEvent, { type: E }>, host: ToolHost) => S | void
}

export interface ToolSpec<S extends string, M> {
  id: string
  initial: S
  memory: () => M
  states: Record<S, StateHandlers<S, M>>
}

export interface Tool {
  readonly id: string
  /** `<tool>.<state>`, e.g. `brush.drawing`. */
  readonly path: string
  readonly state: string
  /** Whether a gesture is under way (not idle). */
  readonly busy: boolean
  send(event: ToolEvent): void
  pointerDown(pointer: ToolPointer): void
  pointerMove(pointer: ToolPointer): void
  pointerUp(pointer: ToolPointer): void
  cancel(): void
}

export function createTool<S extends string, M>(spec: ToolSpec<S, M>, host: ToolHost): Tool {
  let state: S = spec.initial
  let memory = spec.memory()
  const tool: Tool = {
    id: spec.id,
    get path() {
      return `${spec.id}.${state}`
    },
    get state() {
      return state
    },
    get busy() {
      return state !== spec.initial
    },
    send(event) {
      const handler = spec.states[state][event.type] as ((m: M, e: ToolEvent, h: ToolHost) => S | void) | undefined
      const next = handler?.(memory, event, host)
      if (next !== undefined && next !== state) {
        state = next
        if (state === spec.initial) memory = spec.memory()
      }
    },
    pointerDown: (pointer) => tool.send({ type: 'pointerDown', pointer }),
    pointerMove: (pointer) => tool.send({ type: 'pointerMove', pointer }),
    pointerUp: (pointer) => tool.send({ type: 'pointerUp', pointer }),
    cancel: () => tool.send({ type: 'cancel' })
  }
  return tool
}
