// Full edits through the engine with the tiny models: sizes, untouched pixels, metadata, depth,
// alpha, determinism, the preview cache, and bad requests.
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Engine } from '../../src/main/engine/engine.ts'
import { readImage } from '../../src/main/image-io/index.ts'
import { samplePath } from '../../src/main/samples.ts'

const photo = samplePath('still-life.jpg')
const subject = samplePath('still-life-subject-mask.png')
const objectMask = samplePath('still-life-object-mask.png')
const light = { azimuth: 135, elevation: 35, softness: 0.3 }

let dir: string
let engine: Engine
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lbm-edit-'))
  engine = new Engine({ device: 'cpu' })
})
afterAll(async () => {
  await engine.dispose()
  await fs.rm(dir, { recursive: true, force: true })
})
const out = (name: string) => ({ path: path.join(dir, name) })

/** Indices of pixels that differ between two rasters of the same shape. */
function changed(a: { data: ArrayLike<number>; channels: number }, b: { data: ArrayLike<number> }): Set<number> {
  const idx = new Set<number>()
  for (let i = 0; i < a.data.length; i++) if (a.data[i] !== b.data[i]) idx.add(Math.floor(i / a.channels))
  return idx
}

async function maskPlane(file: string, w: number, h: number): Promise<Uint8Array> {
  return new Uint8Array(await sharp(file).resize(w, h, { fit: 'fill' }).greyscale().raw().toBuffer())
}

describe('remove', () => {
  it('changes pixels near the mask, elsewhere only brightens (a lifted shadow), keeps the size and the metadata', async () => {
    // PNG in and out, so that "unchanged" can be checked bit for bit.
    const input = path.join(dir, 'still-life.png')
    await sharp(photo).keepMetadata().png().toFile(input)
    const result = await engine.run({ task: 'remove', image: input, mask: objectMask, output: out('removed.png') })
    expect(result).toMatchObject({ task: 'remove', model: 'lbm-remove-s8', width: 1024, height: 768, steps: 1, device: { kind: 'cpu' } })
    const before = (await readImage(input)).raster
    const after = (await readImage(result.output)).raster
    const diff = changed(before, after)
    expect(diff.size).toBeGreaterThan(0)
    const mask = await maskPlane(objectMask, 1024, 768)
    // A changed pixel lies within the feather distance of the mask (a few pixels at 1024 px), or
    // where the model lifted what it took for the object's cast shadow (shadow-lift.ts): there the
    // photo only gets brighter, and only around the object.
    const near = (i: number, reach: number) => {
      const x = i % 1024
      const y = Math.floor(i / 1024)
      for (let dy = -reach; dy <= reach; dy += reach > 8 ? 4 : 1) {
        for (let dx = -reach; dx <= reach; dx += reach > 8 ? 4 : 1) if (mask[(y + dy) * 1024 + x + dx] > 127) return true
      }
      return false
    }
    const luma = (r: typeof before, i: number) => 0.2126 * r.data[i * 3] + 0.7152 * r.data[i * 3 + 1] + 0.0722 * r.data[i * 3 + 2]
    const lifted = [...diff].filter((i) => !near(i, 8))
    expect(lifted.every((i) => luma(after, i) >= luma(before, i) - 0.5)).toBe(true)
    expect(lifted.every((i) => near(i, 120))).toBe(true)
    const meta = await sharp(result.output).metadata()
    const exif = meta.exif?.toString('latin1') ?? ''
    expect(exif).toContain('LBM Studio')
  })

  it('keeps 16-bit depth and the alpha channel untouched', async () => {
    const input = path.join(dir, 'rgba16.png')
    const { data, info } = await sharp(photo).resize(256, 192).ensureAlpha(0.5).raw().toBuffer({ resolveWithObject: true })
    await sharp(data, { raw: info }).toColourspace('rgb16').png().toFile(input)
    const result = await engine.run({ task: 'remove', image: input, mask: objectMask, output: out('rgba16-removed.png') })
    const before = (await readImage(input)).raster
    const after = (await readImage(result.output)).raster
    expect(after).toMatchObject({ width: 256, height: 192, channels: 4, bitDepth: 16 })
    for (let i = 3; i < before.data.length; i += 4) if (after.data[i] !== before.data[i]) throw new Error(`alpha changed at ${i}`)
    expect(changed(before, after).size).toBeGreaterThan(0)
  })
})

describe('shadow', () => {
  it('never changes the subject, and is the same for the same seed', async () => {
    const input = path.join(dir, 'still-life-s.png')
    await sharp(photo).png().toFile(input)
    const req = { task: 'shadow', image: input, mask: subject, light, output: out('shadow-a.png') } as const
    const a = await engine.run(req)
    const b = await engine.run({ ...req, output: out('shadow-b.png') })
    const before = (await readImage(input)).raster
    const ra = (await readImage(a.output)).raster
    expect(changed(ra, (await readImage(b.output)).raster).size).toBe(0)
    const mask = await maskPlane(subject, 1024, 768)
    for (const i of changed(before, ra)) if (mask[i] === 255) throw new Error(`subject pixel ${i} changed`)
    expect(a.timings).toHaveProperty('denoise')
  })

  it('keeps the shadow near its subject: nothing changes beyond two subject sizes from it', async () => {
    const input = path.join(dir, 'still-life-near.png')
    await sharp(photo).png().toFile(input)
    // The random-weight model darkens and lightens everywhere: the limit is the engine's.
    const r = await engine.run({ task: 'shadow', model: 'tiny-shadow', image: input, mask: objectMask, light, output: out('shadow-near.png') })
    const before = (await readImage(input)).raster
    const after = (await readImage(r.output)).raster
    const mask = await maskPlane(objectMask, 1024, 768) // the small cube: most of the photo is far from it
    let [x0, y0, x1, y1] = [1024, 768, -1, -1]
    for (let i = 0; i < mask.length; i++) {
      if (mask[i] <= 127) continue
      const x = i % 1024
      const y = Math.floor(i / 1024)
      ;[x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)]
    }
    const size = Math.max(x1 - x0 + 1, y1 - y0 + 1)
    const far = (i: number) => Math.hypot(Math.max(0, x0 - (i % 1024), (i % 1024) - x1), Math.max(0, y0 - Math.floor(i / 1024), Math.floor(i / 1024) - y1)) > 2 * size + 1
    const changedPixels = [...changed(before, after)]
    expect(changedPixels.length).toBeGreaterThan(1000)
    expect(mask.filter((_, i) => far(i)).length).toBeGreaterThan(100_000)
    expect(changedPixels.filter(far)).toEqual([])
  })

  it('strength 0 leaves the photo as it was', async () => {
    const input = path.join(dir, 'still-life-0.png')
    await sharp(photo).png().toFile(input)
    const r = await engine.run({ task: 'shadow', image: input, mask: subject, light, strength: 0, output: out('shadow-0.png') })
    expect(changed((await readImage(input)).raster, (await readImage(r.output)).raster).size).toBe(0)
  })

  it('runs 2 and 4 steps and refuses steps the model was not trained for', async () => {
    const r = await engine.run({ task: 'shadow', image: photo, mask: subject, light, steps: 4, output: out('shadow-4.jpg') })
    expect(r.steps).toBe(4)
    await expect(engine.run({ task: 'shadow', image: photo, mask: subject, light, steps: 3, output: out('x.jpg') })).rejects.toThrow()
  })
})

describe('relight', () => {
  it('pastes onto a new background; only the subject differs from the composite', async () => {
    const r = await engine.run({ task: 'relight', image: photo, mask: subject, background: samplePath('sunset-backdrop.jpg'), output: out('relit.png'), lights: [{ azimuth: 0, elevation: 40, colour: [1, 0.8, 0.6] }] })
    expect(r).toMatchObject({ width: 1024, height: 768, model: 'lbm-relight-s8' })
  })
})

describe('preview', () => {
  it('reuses the source latent when only the light moves', async () => {
    const req = { task: 'shadow', image: photo, mask: subject, light, output: { path: 'unused' } } as const
    const first = await engine.preview(req, 256)
    expect(first.timings.encode).toBeGreaterThan(0)
    const second = await engine.preview({ ...req, light: { ...light, azimuth: 10 } }, 256)
    expect(second.timings.encode).toBeUndefined()
    expect(second.timings.read).toBeUndefined()
    expect(second.image).toMatchObject({ width: 256, height: 192 })
    // A new mask is read, but the photo is neither re-read nor re-encoded.
    const third = await engine.preview({ ...req, mask: samplePath('still-life-object-mask.png') }, 256)
    expect(third.timings.read).toBeGreaterThan(0)
    expect(third.timings.encode).toBeUndefined()
  })
})

describe('bad requests lose nothing', () => {
  it('an empty mask is a clear error and writes nothing', async () => {
    const empty = path.join(dir, 'empty.png')
    await sharp({ create: { width: 64, height: 48, channels: 3, background: '#000' } }).png().toFile(empty)
    await expect(engine.run({ task: 'remove', image: photo, mask: empty, output: out('none.jpg') })).rejects.toThrow(/mask selects nothing/)
    await expect(fs.access(path.join(dir, 'none.jpg'))).rejects.toThrow()
  })

  it('a mask of another aspect ratio is refused', async () => {
    const square = path.join(dir, 'square.png')
    await sharp({ create: { width: 64, height: 64, channels: 3, background: '#fff' } }).png().toFile(square)
    await expect(engine.run({ task: 'remove', image: photo, mask: square, output: out('none.jpg') })).rejects.toMatchObject({ code: 'MASK_ASPECT' })
  })

  it('misspelled options and out-of-range values are refused before any work', async () => {
    await expect(engine.run({ task: 'shadow', image: photo, mask: subject, light: { ...light, elevation: 120 }, output: out('x.jpg') })).rejects.toThrow(/elevation/)
    await expect(engine.run({ task: 'shadow', image: photo, mask: subject, light, strenght: 1, output: out('x.jpg') })).rejects.toThrow(/strenght/)
  })

  it('never overwrites the input', async () => {
    const input = path.join(dir, 'keep.jpg')
    await fs.copyFile(photo, input)
    const bytes = await fs.readFile(input)
    await expect(engine.run({ task: 'shadow', image: input, mask: subject, light, output: { path: input, overwrite: true } })).rejects.toMatchObject({ code: 'SAME_AS_INPUT' })
    expect(Buffer.compare(bytes, await fs.readFile(input))).toBe(0)
  })

  it('a cancelled run stops and leaves no output', async () => {
    const ac = new AbortController()
    const run = engine.run({ task: 'shadow', image: photo, mask: subject, light, steps: 4, output: out('cancelled.jpg') }, {
      signal: ac.signal,
      onProgress: (e) => {
        if (e.stage === 'denoise' && e.step === 1) ac.abort(new Error('cancelled by user'))
      }
    })
    await expect(run).rejects.toThrow('cancelled by user')
    expect((await fs.readdir(dir)).filter((f) => f.includes('cancelled'))).toEqual([])
  })
})
