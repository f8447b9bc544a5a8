import sharp from 'sharp'
import type { SharpOptions, Metadata } from 'sharp'
import { ImageIOError, firstLine } from './errors.ts'
import { DEFAULT_MAX_PIXELS, type ReadOptions } from './types.ts'

export function maxPixelsOf(opts: ReadOptions | undefined): number {
  const max = opts?.maxPixels ?? DEFAULT_MAX_PIXELS
  if (!Number.isSafeInteger(max) || max <= 0) throw new RangeError(`maxPixels must be a positive integer, got ${max}`)
  return max
}

/**
 * The one set of decoder options every read uses.
 * - autoOrient: pixels come back upright, so nobody downstream needs to know about EXIF orientation.
 * - ignoreIcc: keep the file's own colour values. By default sharp converts to sRGB through the
 *   embedded profile, which would change every pixel of a P3/AdobeRGB photo; we write the same
 *   profile back instead, so untouched pixels survive a round trip exactly.
 * - failOn 'error': a truncated or corrupt file fails instead of decoding to grey; libvips
 *   *warnings* (e.g. extraneous bytes some cameras write) are still accepted.
 */
export function decoderOptions(maxPixels: number, opts?: { convertIcc?: boolean }): SharpOptions {
  return {
    autoOrient: true,
    ignoreIcc: opts?.convertIcc !== true,
    failOn: 'error',
    limitInputPixels: maxPixels
  }
}

/** Header-only metadata (no pixel decode). The pixel limit is checked by the caller, with a better message. */
export async function readHeader(path: string): Promise<Metadata> {
  try {
    return await sharp(path, { failOn: 'error', limitInputPixels: false }).metadata()
  } catch (err) {
    throw decodeError(path, err)
  }
}

export function tooLarge(path: string, width: number, height: number, maxPixels: number): ImageIOError {
  const count = (n: number): string => (n >= 1e6 ? `${n} pixels, ${(n / 1e6).toFixed(1)} MP` : `${n} pixels`)
  return new ImageIOError('TOO_LARGE', path, `"${path}" is ${width} x ${height} (${count(width * height)}), more than the limit of ${count(maxPixels)}.`)
}

/**
 * Maps a libvips failure on a file whose signature we already recognised. At that point the
 * container is one we support, so a failure means the data is cut short or damaged.
 */
export function decodeError(path: string, err: unknown): ImageIOError {
  if (err instanceof ImageIOError) return err
  const detail = firstLine(err).replace(/:$/, '')
  if (/exceeds pixel limit/i.test(detail)) {
    return new ImageIOError('TOO_LARGE', path, `"${path}" has more pixels than the allowed limit.`, { cause: err })
  }
  if (/input file is missing/i.test(detail)) {
    return new ImageIOError('NOT_FOUND', path, `"${path}" does not exist (it was removed while being read).`, { cause: err })
  }
  return new ImageIOError('TRUNCATED', path, `"${path}" is truncated or damaged and cannot be decoded (${detail}).`, { cause: err })
}
