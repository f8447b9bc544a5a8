import type { Metadata } from 'sharp'
import { ImageIOError } from './errors.ts'
import { maxPixelsOf, readHeader, tooLarge } from './decoder.ts'
import { checkSourceFile } from './source-file.ts'
import type { ImageInfo, ReadOptions } from './types.ts'

/** probeImage's result plus the raw header, which readImage and the writer need. */
export interface Inspected {
  info: ImageInfo
  meta: Metadata
  maxPixels: number
}

export async function inspectImage(path: string, opts?: ReadOptions): Promise<Inspected> {
  const maxPixels = maxPixelsOf(opts)
  const file = await checkSourceFile(path)
  const meta = await readHeader(file.path)
  if (meta.width * meta.height > maxPixels) throw tooLarge(file.path, meta.width, meta.height, maxPixels)
  if (meta.depth !== 'uchar' && meta.depth !== 'ushort') {
    throw new ImageIOError('UNSUPPORTED_FORMAT', file.path, `"${file.path}" stores ${meta.depth} samples; only 8- and 16-bit integer images are supported.`)
  }
  const cmyk = meta.space === 'cmyk'
  const info: ImageInfo = {
    path: file.path,
    format: file.format,
    width: meta.autoOrient.width,
    height: meta.autoOrient.height,
    bitDepth: meta.depth === 'ushort' ? 16 : 8,
    // CMYK decodes to RGB(A); every other layout is reported as stored.
    channels: cmyk ? (meta.hasAlpha ? 4 : 3) : meta.channels,
    hasAlpha: meta.hasAlpha,
    orientation: meta.orientation ?? 1,
    hasIcc: meta.icc !== undefined && meta.icc.length > 0,
    hasExif: meta.exif !== undefined && meta.exif.length > 0,
    bytes: file.bytes,
    lossless: file.lossless
  }
  return { info, meta, maxPixels }
}

/** Header-only look at an image: fast, decodes no pixels. */
export async function probeImage(path: string, opts?: ReadOptions): Promise<ImageInfo> {
  return (await inspectImage(path, opts)).info
}
