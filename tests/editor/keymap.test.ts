// The keyboard shortcuts the issue asks for, and what a text field keeps for itself.
import { describe, expect, it } from 'vitest'
import { commandFor } from '../../src/renderer/src/editor/keymap.ts'

const press = (key: string, mods: { ctrl?: boolean; meta?: boolean; shift?: boolean; alt?: boolean } = {}) => ({
  key,
  ctrlKey: mods.ctrl ?? false,
  metaKey: mods.meta ?? false,
  shiftKey: mods.shift ?? false,
  altKey: mods.alt ?? false
})

describe('commandFor', () => {
  it('maps the shortcuts, on Ctrl and on Cmd', () => {
    expect(commandFor(press('z', { ctrl: true }), false)).toBe('undo')
    expect(commandFor(press('Z', { meta: true, shift: true }), false)).toBe('redo')
    expect(commandFor(press('y', { ctrl: true }), false)).toBe('redo')
    expect(commandFor(press('s', { meta: true }), false)).toBe('save')
    expect(commandFor(press('Escape'), false)).toBe('escape')
    expect(commandFor(press('Tab'), false)).toBe('compare')
    expect(commandFor(press(' '), false)).toBe('pan')
    expect(commandFor(press('['), false)).toBe('smaller')
    expect(commandFor(press(']'), false)).toBe('larger')
    expect(commandFor(press('?', { shift: true }), false)).toBe('help')
    expect(commandFor(press('f'), false)).toBe('fit')
    expect(commandFor(press('1'), false)).toBe('actual')
    expect(commandFor(press('s'), false)).toBe('subject')
    expect(commandFor(press('S', { shift: true }), false)).toBe('subject')
    expect(commandFor(press('s'), true)).toBeNull() // typing an s in a field
    expect(['b', 'e', 'r', 'l', 'g'].map((k) => commandFor(press(k), false))).toEqual([
      { tool: 'brush' },
      { tool: 'eraser' },
      { tool: 'rectangle' },
      { tool: 'lasso' },
      { tool: 'light' }
    ])
    expect(commandFor(press('x'), false)).toBeNull()
    expect(commandFor(press('b', { alt: true }), false)).toBeNull()
  })

  it('leaves a text field its own keys but still saves and escapes', () => {
    expect(commandFor(press('z', { ctrl: true }), true)).toBeNull()
    expect(commandFor(press('Tab'), true)).toBeNull()
    expect(commandFor(press('b'), true)).toBeNull()
    expect(commandFor(press('s', { ctrl: true }), true)).toBe('save')
    expect(commandFor(press('Escape'), true)).toBe('escape')
  })
})
