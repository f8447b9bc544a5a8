// The engine request the editor builds from its document.
import { describe, expect, it } from 'vitest'
import { addLight, editBase, editRequest, emptyDoc, linearColour, MAX_LIGHTS, patchLight, removeLight } from '../../src/renderer/src/editor/document.ts'
import { parseEditRequest } from '../../src/shared/contract.ts'

describe('editRequest', () => {
  it('builds requests the contract accepts for every task', () => {
    const doc = { ...emptyDoc(), refine: { grow: 3.4, feather: 2 } }
    for (const task of ['remove', 'shadow', 'relight'] as const) {
      const parsed = parseEditRequest(editRequest(task, '/p.jpg', '/m.png', doc, '/o.png'))
      expect(parsed.ok).toBe(true)
    }
    expect(editRequest('remove', '/p.jpg', '/m.png', doc, '/o.png')).toMatchObject({ maskRefine: { grow: 3, feather: 2 } })
    expect(editRequest('remove', '/p.jpg', '/m.png', emptyDoc(), '/o.png')).not.toHaveProperty('maskRefine')
    expect(editRequest('remove', '/p.jpg', '/m.png', emptyDoc(), '/o.png', undefined, 'tiny-remove')).toMatchObject({ model: 'tiny-remove' })
    expect(editRequest('remove', '/p.jpg', '/m.png', emptyDoc(), '/o.png')).not.toHaveProperty('model')
  })

  it('sends the light with its colour in linear RGB', () => {
    const doc = patchLight(emptyDoc(), { azimuth: 270, elevation: 20, colour: '#ff8000' })
    const r = editRequest('relight', '/p.jpg', '/m.png', doc, '/o.png', '/bg.jpg')
    expect(r).toMatchObject({ background: '/bg.jpg', lights: [{ azimuth: 270, elevation: 20, colour: [1, linearColour('#ff8000')[1], 0] }] })
    expect(linearColour('#808080')[0]).toBeCloseTo(0.2159, 3)
    expect(linearColour('nonsense')).toEqual([1, 1, 1])
  })

  it('relights with every light; a shadow uses the active one', () => {
    let doc = patchLight(emptyDoc(), { azimuth: 10 })
    doc = patchLight(addLight(doc), { elevation: 60 })
    expect(doc.lights.map((l) => [l.azimuth, l.elevation])).toEqual([[10, 35], [190, 60]])
    expect(editRequest('relight', '/p', '/m', doc, '/o')).toMatchObject({ lights: [{ azimuth: 10 }, { azimuth: 190, elevation: 60 }] })
    expect(editRequest('shadow', '/p', '/m', doc, '/o')).toMatchObject({ light: { azimuth: 190, elevation: 60 } })
    doc = removeLight(doc)
    expect([doc.lights.length, doc.active]).toEqual([1, 0])
    expect(removeLight(doc)).toBe(doc) // never the last one
    for (let i = 0; i < 20; i++) doc = addLight(doc)
    expect(doc.lights.length).toBe(MAX_LIGHTS)
  })

  it('chains edits, but re-renders a shadow or relight from the source of its own last result', () => {
    const image = { path: '', pngBase64: '', width: 1, height: 1, previewWidth: 1, previewHeight: 1 }
    const device = { kind: 'cpu' as const, provider: 'cpu', skipped: [] }
    const removed = { path: '/r1.png', source: '/photo.jpg', image, device, task: 'remove' as const }
    const shadowed = { path: '/s1.png', source: '/r1.png', image, device, task: 'shadow' as const }
    expect(editBase('remove', '/photo.jpg', null)).toBe('/photo.jpg')
    expect(editBase('shadow', '/photo.jpg', removed)).toBe('/r1.png')
    expect(editBase('remove', '/photo.jpg', removed)).toBe('/r1.png') // removals stack
    expect(editBase('shadow', '/photo.jpg', shadowed)).toBe('/r1.png') // no second shadow
    expect(editBase('relight', '/photo.jpg', shadowed)).toBe('/s1.png')
  })
})
