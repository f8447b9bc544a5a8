// The editor's channels: uploads (a painted mask, a dropped photo) become files in a folder the
// host owns, so the engine keeps taking paths; a screen-sized view of a photo; an export that
// rewrites a working result with the user's format, quality and metadata choice.
import { createHash } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Handlers } from './handlers.ts'
import { encodeImage, probeImage, readImage, resizeRaster, writeImage } from '../image-io/index.ts'
import { EXTENSION, sniffFormat } from '../image-io/formats.ts'

type EditorChannels = 'mask:put' | 'photo:put' | 'image:load' | 'image:export'

/**
 * Content-addressed: the same bytes land on the same path, so the engine's caches (keyed on the
 * file) hit when a mask is sent again unchanged.
 */
async function putUpload(dir: string, bytes: Buffer, name?: string): Promise<string> {
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 32)
  // A photo keeps its own name (in a folder of its hash), so the editor can speak of it by name.
  const file = name ? path.join(dir, hash, name) : path.join(dir, `${hash}.png`)
  await mkdir(path.dirname(file), { recursive: true })
  await writeFile(file, bytes)
  return file
}

/** The file name's stem, safe on every platform, with the extension of what the bytes are. */
function safeName(name: string, ext: string): string {
  const stem = path.basename(name.replace(/\\/g, '/')).replace(/\.[^.]*$/, '').replace(/[^\p{L}\p{N} ._-]+/gu, '_').replace(/^[. ]+/, '').slice(0, 100)
  return `${stem || 'photo'}${ext}`
}

function uploadError(message: string): Error {
  return Object.assign(new Error(message), { code: 'BAD_UPLOAD' })
}

export function editorHandlers(uploadDir: string): Pick<Handlers, EditorChannels> {
  return {
    'mask:put': async (_ctx, { pngBase64 }) => {
      const bytes = Buffer.from(pngBase64, 'base64')
      const sniffed = sniffFormat(bytes.subarray(0, 16))
      if (sniffed.kind !== 'supported' || sniffed.format !== 'png') throw uploadError('the mask must be a PNG image')
      return putUpload(path.join(uploadDir, 'masks'), bytes)
    },
    'photo:put': async (_ctx, { dataBase64, name }) => {
      const bytes = Buffer.from(dataBase64, 'base64')
      const sniffed = sniffFormat(bytes.subarray(0, 32))
      if (sniffed.kind !== 'supported') throw uploadError(`"${name}" is not a photo this app can open (JPEG, PNG, WebP, TIFF or AVIF)`)
      return putUpload(path.join(uploadDir, 'photos'), bytes, safeName(name, EXTENSION[sniffed.format]))
    },
    'image:load': async (_ctx, file, { maxLongSide }) => {
      const { info, raster } = await readImage(file)
      const scale = Math.min(1, maxLongSide / Math.max(raster.width, raster.height))
      const w = Math.max(1, Math.round(raster.width * scale))
      const h = Math.max(1, Math.round(raster.height * scale))
      const shown = scale < 1 ? await resizeRaster(raster, w, h) : raster
      const png = await encodeImage(shown, { format: 'png', metadata: 'strip' })
      return { path: info.path, pngBase64: png.toString('base64'), width: raster.width, height: raster.height, previewWidth: w, previewHeight: h }
    },
    'image:export': async (_ctx, { source, original, output }) => {
      const [{ raster }, originalInfo] = await Promise.all([readImage(source), probeImage(original)])
      if (path.resolve(output.path) === path.resolve(original)) throw uploadError('the original photo is never replaced; choose another file name')
      const written = await writeImage(output.path, raster, {
        format: output.format,
        quality: output.quality,
        metadata: output.metadata,
        source: originalInfo,
        overwrite: output.overwrite
      })
      return { ...written, width: raster.width, height: raster.height }
    }
  }
}
