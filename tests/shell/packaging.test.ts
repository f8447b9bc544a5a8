// The packaging configuration: valid by electron-builder's own schema, the fuses and the resources
// the app relies on set, and every native file in node_modules unpacked from app.asar.
import fs from 'node:fs'
import path from 'node:path'
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js'
import { DebugLogger } from 'builder-util'
import { minimatch } from 'minimatch'
import { glob } from 'tinyglobby'
import { describe, expect, it } from 'vitest'

const config = await getConfig(process.cwd(), null, null)
const asStrings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [])

describe('electron-builder.yml', () => {
  it('passes electron-builder validation', async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined()
  })

  it('targets AppImage and deb, NSIS, and dmg', () => {
    expect(config.linux?.target).toEqual(['AppImage', 'deb'])
    expect(config.win?.target).toEqual(['nsis'])
    expect(config.mac?.target).toEqual(['dmg'])
  })

  it('sets the fuses of a locked-down app', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeCliInspectArguments: false,
      enableNodeOptionsEnvironmentVariable: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      grantFileProtocolExtraPrivileges: false
    })
  })

  it('ships the models and samples where the main process looks for them', () => {
    expect(config.extraResources).toEqual(expect.arrayContaining([{ from: 'models', to: 'models' }, { from: 'resources/samples', to: 'samples' }]))
    const main = fs.readFileSync('src/main/index.ts', 'utf8')
    expect(main).toMatch(/path\.join\(process\.resourcesPath, 'models'\)/)
    expect(main).toMatch(/path\.join\(process\.resourcesPath, 'samples'\)/)
    expect(JSON.parse(fs.readFileSync('package.json', 'utf8')).scripts.dist).toMatch(/electron-builder/)
  })

  it('unpacks every native file of onnxruntime-node, sharp and @img from the asar', async () => {
    const unpack = asStrings(config.asarUnpack)
    const natives = await glob(['onnxruntime-node/**', 'sharp/**', '@img/**'].map((p) => `node_modules/${p}/*.{node,so,dylib,dll}`).concat(['node_modules/{onnxruntime-node,sharp,@img}/**/*.so.*']), {
      dot: true
    })
    // At least the binding of this platform must be there, or the check would pass vacuously.
    expect(natives.some((f) => f.startsWith('node_modules/onnxruntime-node/') && f.endsWith('.node'))).toBe(true)
    expect(natives.some((f) => f.startsWith('node_modules/@img/') && f.endsWith('.node'))).toBe(true)
    expect(natives.length).toBeGreaterThanOrEqual(4)
    const uncovered = natives.filter((f) => !unpack.some((g) => minimatch(f, g, { dot: true })))
    expect(uncovered).toEqual([])
  })

  it('packs the built app, not the sources', () => {
    // getConfig normalises a list of patterns to [{ filter: [...] }].
    expect(config.files).toEqual([{ filter: ['out/**', 'package.json', '!**/*.map'] }])
    expect(JSON.parse(fs.readFileSync('package.json', 'utf8')).main).toBe('./out/main/index.js')
    expect(path.basename(fs.readFileSync('electron.vite.config.ts', 'utf8').match(/inference: here\('([^']+)'\)/)?.[1] ?? '')).toBe('worker.ts')
  })
})
