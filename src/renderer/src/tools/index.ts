// The editor's tools by id. Each is a state machine over pointer events in view coordinates; the
// stage adapter (../editor/stage-adapter.ts) is the only thing that feeds them.
import { brushTool } from './brush.ts'
import { lassoTool } from './lasso.ts'
import { lightTool } from './light.ts'
import { pickTool } from './pick.ts'
import { rectangleTool } from './rectangle.ts'
import type { Tool } from './state-machine.ts'
import type { ToolHost } from './types.ts'

export const TOOL_IDS = ['brush', 'eraser', 'rectangle', 'lasso', 'pick', 'light'] as const
export type ToolId = (typeof TOOL_IDS)[number]

export const TOOL_LABELS: Record<ToolId, { label: string; key: string }> = {
  brush: { label: 'Brush', key: 'B' },
  eraser: { label: 'Eraser', key: 'E' },
  rectangle: { label: 'Rectangle', key: 'R' },
  lasso: { label: 'Lasso', key: 'L' },
  pick: { label: 'Pick', key: 'K' },
  light: { label: 'Light', key: 'G' }
}

export function createTools(host: ToolHost): Record<ToolId, Tool> {
  return {
    brush: brushTool(host, 'add'),
    eraser: brushTool(host, 'subtract'),
    rectangle: rectangleTool(host),
    lasso: lassoTool(host),
    pick: pickTool(host),
    light: lightTool(host)
  }
}

export type { Tool } from './state-machine.ts'
export type { MaskOp, Point, ToolHost, ToolPointer } from './types.ts'
