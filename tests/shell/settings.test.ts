// The main process's settings file: validated on read, defaults when it is missing or broken,
// atomic and strict on write.
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { DEFAULT_SETTINGS, SettingsStore } from '../../src/main/settings.ts'

const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lbm-settings-'))
afterAll(() => fs.rm(dir, { recursive: true, force: true }))

describe('settings store', () => {
  it('starts from the defaults, and a change survives a reload', async () => {
    const file = path.join(dir, 'a', 'settings.json')
    const store = new SettingsStore(file)
    expect(await store.load()).toEqual({ version: 1, device: 'auto', lastFolders: {}, recentFiles: [] })
    await store.update((s) => ({ ...s, device: 'cpu' }))
    await store.addRecent('/photos/one.jpg')
    await store.addRecent('/other/two.png')
    await store.addRecent('/photos/one.jpg')
    const again = await new SettingsStore(file).load()
    expect(again).toEqual({ version: 1, device: 'cpu', lastFolders: { open: '/photos' }, recentFiles: ['/photos/one.jpg', '/other/two.png'] })
    expect((await fs.readdir(path.dirname(file))).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  it('keeps ten recent files', async () => {
    const store = new SettingsStore(path.join(dir, 'b.json'))
    for (let i = 0; i < 12; i++) await store.addRecent(`/p/${i}.jpg`)
    expect(store.get().recentFiles).toHaveLength(10)
    expect(store.get().recentFiles[0]).toBe('/p/11.jpg')
  })

  it('falls back to the defaults on a corrupt or invalid file, and says so', async () => {
    const logs: string[] = []
    for (const text of ['{not json', JSON.stringify({ version: 1, device: 'tpu' }), JSON.stringify({ version: 1, theme: 'dark' }), JSON.stringify({ version: 2 })]) {
      const file = path.join(dir, 'bad.json')
      await fs.writeFile(file, text)
      expect(await new SettingsStore(file, (l) => logs.push(l)).load()).toEqual(DEFAULT_SETTINGS)
    }
    expect(logs).toHaveLength(4)
  })

  it('refuses to store an invalid change', async () => {
    const store = new SettingsStore(path.join(dir, 'c.json'))
    await store.load()
    expect(() => store.update((s) => ({ ...s, device: 'fast' as 'cpu' }))).toThrow()
    expect(store.get().device).toBe('auto')
  })
})
