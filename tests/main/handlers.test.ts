// The shared handlers refuse malformed calls before the engine sees them.
import { describe, expect, it } from 'vitest'
import sharp from 'sharp'
import { createHandlers, dispatch, type EngineLike } from '../../src/main/api/handlers.ts'
import { Engine } from '../../src/main/engine/engine.ts'
import { samplePath } from '../../src/main/samples.ts'

function setup() {
  const calls: string[] = []
  const engine: EngineLike = {
    models: async () => [],
    run: async () => {
      calls.push('run')
      throw new Error('the engine must not run')
    },
    preview: async () => {
      calls.push('preview')
      throw new Error('the engine must not run')
    },
    segment: async () => {
      calls.push('segment')
      throw new Error('the engine must not run')
    }
  }
  const handlers = createHandlers({ engine, samplesDir: '/samples', outputDir: '/out', openImage: async () => null })
  return { handlers, calls, ctx: { emit: () => {} } }
}

const shadow = {
  task: 'shadow',
  image: '/photo.jpg',
  mask: '/mask.png',
  light: { azimuth: 30, elevation: 40 },
  output: { path: '/out.png' }
}

describe('dispatch', () => {
  it('rejects unknown keys in a request, naming them', async () => {
    const { handlers, calls, ctx } = setup()
    const r = await dispatch(handlers, 'edit:run', [{ ...shadow, light: { ...shadow.light, colour_temp: 5000 } }], ctx)
    expect(r).toMatchObject({ ok: false, code: 'BAD_REQUEST' })
    expect(!r.ok && r.message).toMatch(/^light: .*colour_temp/)
    const extra = await dispatch(handlers, 'edit:preview', [shadow, { maxLongSide: 512, quality: 'high' }], ctx)
    expect(extra).toMatchObject({ ok: false, code: 'BAD_REQUEST' })
    expect(calls).toEqual([])
  })

  it('rejects out-of-range values, extra arguments and unknown channels', async () => {
    const { handlers, calls, ctx } = setup()
    const high = await dispatch(handlers, 'edit:run', [{ ...shadow, light: { azimuth: 30, elevation: 200 } }], ctx)
    expect(!high.ok && high.message).toMatch(/^light\.elevation: /)
    expect(await dispatch(handlers, 'models:list', ['surprise'], ctx)).toMatchObject({ ok: false, code: 'BAD_REQUEST' })
    expect(await dispatch(handlers, 'fs:readFile', ['/etc/passwd'], ctx)).toMatchObject({ ok: false, code: 'UNKNOWN_CHANNEL' })
    expect(calls).toEqual([])
  })

  it('runs a valid call and turns a thrown error into a Result', async () => {
    const { handlers, calls, ctx } = setup()
    expect(await dispatch(handlers, 'samples:paths', [], ctx)).toMatchObject({ ok: true, value: { outputDir: '/out' } })
    expect(await dispatch(handlers, 'edit:run', [shadow], ctx)).toEqual({ ok: false, code: 'FAILED', message: 'the engine must not run' })
    expect(calls).toEqual(['run'])
  })
})

describe('editor channels', () => {
  const png1x1 =
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='

  it('stores a painted mask as a PNG file the engine can read, and refuses anything else', async () => {
    const { handlers, ctx } = setup()
    const first = await dispatch(handlers, 'mask:put', [{ pngBase64: png1x1 }], ctx)
    expect(first).toMatchObject({ ok: true })
    const again = await dispatch(handlers, 'mask:put', [{ pngBase64: png1x1 }], ctx)
    expect(again).toEqual(first) // content-addressed: the engine's caches hit
    const { readFile } = await import('node:fs/promises')
    expect((await readFile((first as { value: string }).value)).toString('base64')).toBe(png1x1)
    const jpeg = await dispatch(handlers, 'mask:put', [{ pngBase64: Buffer.from([0xff, 0xd8, 0xff, 0]).toString('base64') }], ctx)
    expect(jpeg).toMatchObject({ ok: false, code: 'BAD_UPLOAD' })
    expect(await dispatch(handlers, 'mask:put', [{ pngBase64: 'not base64!' }], ctx)).toMatchObject({ ok: false, code: 'BAD_REQUEST' })
    expect(await dispatch(handlers, 'mask:put', [{ pngBase64: png1x1, path: '/etc/x' }], ctx)).toMatchObject({ ok: false, code: 'BAD_REQUEST' })
  })

  it('keeps an uploaded photo\'s name, made safe, with the extension of its real format', async () => {
    const { handlers, ctx } = setup()
    const r = await dispatch(handlers, 'photo:put', [{ name: '../../etc/Été: 1.jpeg', dataBase64: png1x1 }], ctx)
    expect(r.ok && r.value).toMatch(/[\\/]photos[\\/][0-9a-f]{32}[\\/]Été_ 1\.png$/)
    const text = await dispatch(handlers, 'photo:put', [{ name: 'notes.txt', dataBase64: Buffer.from('hello').toString('base64') }], ctx)
    expect(text).toMatchObject({ ok: false, code: 'BAD_UPLOAD' })
  })

  it('cancels nothing when no edit runs', async () => {
    const { handlers, ctx } = setup()
    expect(await dispatch(handlers, 'edit:cancel', [], ctx)).toEqual({ ok: true, value: 0 })
    expect(await dispatch(handlers, 'edit:cancel', [true], ctx)).toMatchObject({ ok: false, code: 'BAD_REQUEST' })
  })
})

describe('edit:cancel', () => {
  it('stops a full-size edit in flight, which answers CANCELLED', async () => {
    let started!: () => void
    const running = new Promise<void>((r) => (started = r))
    const engine: EngineLike = {
      models: async () => [],
      preview: async () => {
        throw new Error('unused')
      },
      segment: async () => {
        throw new Error('unused')
      },
      run: (_request, opts) =>
        new Promise((_resolve, reject) => {
          started()
          opts?.signal?.addEventListener('abort', () => reject(opts.signal?.reason))
        })
    }
    const handlers = createHandlers({ engine, samplesDir: '/s', outputDir: '/o', openImage: async () => null })
    const ctx = { emit: () => {} }
    const edit = dispatch(handlers, 'edit:run', [shadow], ctx)
    await running
    expect(await dispatch(handlers, 'edit:cancel', [], ctx)).toEqual({ ok: true, value: 1 })
    expect(await edit).toMatchObject({ ok: false, code: 'CANCELLED' })
  })
})

describe('subject:select', () => {
  it('refuses malformed arguments before the engine sees them', async () => {
    const { handlers, calls, ctx } = setup()
    expect(await dispatch(handlers, 'subject:select', ['/photo.jpg'], ctx)).toMatchObject({ ok: false, code: 'BAD_REQUEST' })
    expect(await dispatch(handlers, 'subject:select', ['/photo.jpg', { maxLongSide: 8 }], ctx)).toMatchObject({ ok: false, code: 'BAD_REQUEST' })
    expect(await dispatch(handlers, 'subject:select', ['', { maxLongSide: 512 }], ctx)).toMatchObject({ ok: false, code: 'BAD_REQUEST' })
    expect(await dispatch(handlers, 'subject:select', ['/photo.jpg', { maxLongSide: 512, model: 'x' }], ctx)).toMatchObject({ ok: false, code: 'BAD_REQUEST' })
    for (const at of [{ x: -1, y: 5 }, { x: 5 }, { x: 5, y: Number.NaN }, { x: 5, y: 5, z: 1 }, [5, 5]]) {
      expect(await dispatch(handlers, 'subject:select', ['/photo.jpg', { maxLongSide: 512, at }], ctx)).toMatchObject({ ok: false, code: 'BAD_REQUEST' })
    }
    expect(calls).toEqual([])
  })

  it('answers the real engine\'s soft mask as a grey PNG at the view size', async () => {
    const engine = new Engine({ device: 'cpu' })
    const handlers = createHandlers({ engine, samplesDir: '/s', outputDir: '/o', openImage: async () => null })
    const r = await dispatch(handlers, 'subject:select', [samplePath('still-life.jpg'), { maxLongSide: 400 }], { emit: () => {} })
    if (!r.ok) throw new Error(r.message)
    const v = r.value as { pngBase64: string; width: number; height: number; model: string; working: { width: number; height: number } }
    expect(v).toMatchObject({ width: 400, height: 300, model: 'lbm-segment', working: { width: 320, height: 240 } })
    const png = sharp(Buffer.from(v.pngBase64, 'base64'))
    const meta = await png.metadata()
    const { data, info } = await png.extractChannel(0).raw().toBuffer({ resolveWithObject: true })
    expect([meta.format, meta.channels, info.width, info.height]).toEqual(['png', 1, 400, 300]) // grey, the size painted on
    expect(new Set(data).size).toBeGreaterThan(16)
    const missing = await dispatch(handlers, 'subject:select', ['/nowhere/x.jpg', { maxLongSide: 400 }], { emit: () => {} })
    expect(missing).toMatchObject({ ok: false })
    const nothingThere = await dispatch(handlers, 'subject:select', [samplePath('still-life.jpg'), { maxLongSide: 400, at: { x: 2, y: 2 } }], { emit: () => {} })
    expect(nothingThere).toMatchObject({ ok: false, code: 'NO_SUBJECT_HERE', message: expect.stringMatching(/no subject at \(2, 2\)/) })
    await engine.dispose()
  })
})
