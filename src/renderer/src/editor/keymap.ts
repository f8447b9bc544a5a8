// The editor's keyboard shortcuts as data: a key press in, the command it means out (or null).
// Pure, so the shortcuts are tested without a browser; HelpPanel lists the same keys.
import { TOOL_IDS, TOOL_LABELS, type ToolId } from '../tools/index.ts'

export type Command =
  | 'save'
  | 'undo'
  | 'redo'
  | 'escape'
  | 'compare'
  | 'pan'
  | 'smaller'
  | 'larger'
  | 'help'
  | 'fit'
  | 'actual'
  | 'subject'
  | { tool: ToolId }

export interface KeyPress {
  key: string
  ctrlKey: boolean
  metaKey: boolean
  shiftKey: boolean
  altKey: boolean
}

/**
 * What a key press means. In a text field only Ctrl/Cmd+S and Esc are ours (the field keeps its
 * own undo, Tab and letters).
 */
export function commandFor(e: KeyPress, inTextField: boolean): Command | null {
  const mod = e.ctrlKey || e.metaKey
  const key = e.key.toLowerCase()
  if (mod && key === 's') return 'save'
  if (inTextField && e.key !== 'Escape') return null
  if (mod && key === 'z') return e.shiftKey ? 'redo' : 'undo'
  if (mod && key === 'y') return 'redo'
  if (mod || e.altKey) return null
  switch (e.key) {
    case 'Escape':
      return 'escape'
    case 'Tab':
      return 'compare'
    case ' ':
      return 'pan'
    case '[':
      return 'smaller'
    case ']':
      return 'larger'
    case '?':
      return 'help'
  }
  if (key === 'f') return 'fit'
  if (key === '1') return 'actual'
  if (key === 's') return 'subject'
  const tool = TOOL_IDS.find((t) => TOOL_LABELS[t].key.toLowerCase() === key)
  return tool ? { tool } : null
}
