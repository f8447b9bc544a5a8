// Taskbar progress, the end-of-batch notification and the menu's key forwarding.
import { describe, expect, it } from 'vitest'
import { EDITOR_SHORTCUTS, keyPress, menuTemplate } from '../../src/main/menu.ts'
import { batchNotice, taskbarFraction } from '../../src/main/taskbar.ts'

describe('taskbar and notification', () => {
  it('follow batch progress and the batch summary only', () => {
    const progress = { id: 'b1', progress: { done: 3, total: 12, current: [], counts: { done: 3, failed: 0, skipped: 0 }, elapsedMs: 1, photosPerMinute: 1, etaMs: null } }
    expect(taskbarFraction('batch:progress', progress)).toBe(0.25)
    expect(taskbarFraction('edit:progress', progress)).toBeNull()
    const summary = { task: 'remove', total: 12, succeeded: 10, failed: 1, skipped: 1, notRun: 0, cancelled: false, failures: [], wallMs: 9 }
    expect(batchNotice('batch:wait', { ok: true, value: summary })).toEqual({ title: 'Batch finished', body: '10 of 12 edited, 1 failed, 1 skipped' })
    expect(batchNotice('batch:wait', { ok: false, code: 'INFERENCE_CRASHED', message: 'the inference process crashed (exit code 3)' })).toEqual({
      title: 'Batch failed',
      body: 'the inference process crashed (exit code 3)'
    })
    expect(batchNotice('edit:run', { ok: true, value: summary })).toBeNull()
  })
})

describe('menu', () => {
  it('lists every editor shortcut once and forwards it as the same key press', () => {
    const sent: string[] = []
    const template = menuTemplate({ isMac: false, isDev: false, sendKey: (a) => sent.push(a), openExternal: () => {} })
    const items = template.flatMap((m) => (Array.isArray(m.submenu) ? m.submenu : []))
    for (const s of EDITOR_SHORTCUTS) {
      const item = items.filter((i) => i.accelerator === s.accelerator)
      expect(item).toHaveLength(1)
      item[0]!.click?.(undefined as never, undefined, undefined as never)
    }
    expect(sent).toEqual(EDITOR_SHORTCUTS.map((s) => s.accelerator))
    expect(items.some((i) => i.role === 'toggleDevTools')).toBe(false)
    expect(keyPress('Shift+CmdOrCtrl+Z', false)).toEqual({ keyCode: 'Z', modifiers: ['shift', 'control'] })
    expect(keyPress('CmdOrCtrl+S', true)).toEqual({ keyCode: 'S', modifiers: ['meta'] })
  })
})
