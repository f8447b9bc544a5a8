// The shared handlers refuse malformed calls before the engine sees them.
import { describe, expect, it } from 'vitest'
import { createHandlers, dispatch, type EngineLike } from '../../src/main/api/handlers.ts'

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
