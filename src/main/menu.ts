// The native menu. Editor commands are not implemented here: their items send the very key
// stroke to the page, so the renderer's keyboard handling stays the single implementation and
// the menu only makes the shortcuts discoverable. Text editing and window items use roles; Paste
// is the 'paste' role, which fires the page's paste event (with images) like Ctrl+V does.
import type { MenuItemConstructorOptions } from 'electron'

/** The editor's shortcuts, as Electron accelerators (CmdOrCtrl = Cmd on macOS, Ctrl elsewhere). */
export const EDITOR_SHORTCUTS = [
  { label: 'Open Image…', accelerator: 'CmdOrCtrl+O', menu: 'file' },
  { label: 'Save Result', accelerator: 'CmdOrCtrl+S', menu: 'file' },
  { label: 'Undo', accelerator: 'CmdOrCtrl+Z', menu: 'edit' },
  { label: 'Redo', accelerator: 'Shift+CmdOrCtrl+Z', menu: 'edit' },
  { label: 'Smaller Brush', accelerator: '[', menu: 'edit' },
  { label: 'Larger Brush', accelerator: ']', menu: 'edit' },
  { label: 'Cancel', accelerator: 'Escape', menu: 'edit' }
] as const satisfies readonly { label: string; accelerator: string; menu: 'file' | 'edit' }[]

export interface MenuDeps {
  isMac: boolean
  isDev: boolean
  /** Sends the accelerator to the page as a key press. */
  sendKey(accelerator: string): void
  /** Opens an allowed external page in the user's browser. */
  openExternal(url: string): void
}

export function menuTemplate(deps: MenuDeps): MenuItemConstructorOptions[] {
  const items = (menu: 'file' | 'edit'): MenuItemConstructorOptions[] =>
    EDITOR_SHORTCUTS.filter((s) => s.menu === menu).map((s) => ({
      label: s.label,
      accelerator: s.accelerator,
      // NOTE: a menu accelerator swallows the key, so the page would not see it without this.
      click: () => deps.sendKey(s.accelerator)
    }))
  const view: MenuItemConstructorOptions[] = [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }]
  if (deps.isDev) view.push({ type: 'separator' }, { role: 'reload' }, { role: 'toggleDevTools' })
  return [
    ...(deps.isMac ? [{ role: 'appMenu' as const }] : []),
    { label: 'File', submenu: [...items('file'), { type: 'separator' }, deps.isMac ? { role: 'close' } : { role: 'quit' }] },
    { label: 'Edit', submenu: [...items('edit'), { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }] },
    { label: 'View', submenu: view },
    { role: 'windowMenu' },
    { role: 'help', submenu: [{ label: 'Project Page', click: () => deps.openExternal('https://github.com/') }] }
  ]
}

/** Splits an accelerator into what webContents.sendInputEvent wants. */
export function keyPress(accelerator: string, isMac: boolean): { keyCode: string; modifiers: ('shift' | 'control' | 'meta')[] } {
  const parts = accelerator.split('+')
  const keyCode = parts.pop() ?? ''
  const modifiers = parts.map((p) => (p === 'Shift' ? 'shift' : p === 'CmdOrCtrl' && isMac ? 'meta' : 'control') as 'shift' | 'control' | 'meta')
  return { keyCode, modifiers }
}
