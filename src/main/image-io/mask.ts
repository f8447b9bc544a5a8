import sharp from 'sharp'
import { ImageIOError } from './errors.ts'
import { decodeError, decoderOptions } from './decoder.ts'
import { inspectImage } from './probe.ts'
import type { ReadOptions } from './types.ts'

/** Relative aspect-ratio difference above which a mask cannot belong to the image. */
const ASPECT_TOLERANCE = 0.01

/**
 * Reads a user's mask as one 0..255 channel at exactly width x height (white or opaque = selected).
 * Any format, size, depth or layout is accepted as long as its aspect ratio matches: a mask that
 * is merely smaller (exported at preview size) is scaled; one of another shape is refused rather
 * than stretched over the wrong pixels.
 */
export async function readMask(path: string, width: number, height: number, opts?: ReadOptions): Promise<Uint8Array> {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`readMask needs a positive integer size, got ${width} x ${height}`)
  }
  const { info, maxPixels } = await inspectImage(path, opts)
  const want = width / height
  const have = info.width / info.height
  if (Math.abs(have - want) / want > ASPECT_TOLERANCE) {
    throw new ImageIOError(
      'MASK_ASPECT',
      info.path,
      `Mask "${info.path}" is ${info.width} x ${info.height} but the image is ${width} x ${height}; their shapes differ, so the mask cannot be scaled to fit.`
    )
  }
  let plane: Uint8Array
  try {
    // 8-bit is plenty for a selection; 16-bit masks are scaled down by libvips here. Always RGB(A):
    // sharp's raw output of a 'b-w' image keeps only the first band, which would lose grey+alpha's alpha.
    const { data, info: out } = await sharp(info.path, decoderOptions(maxPixels))
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true })
    plane = selectionPlane(data, out.channels)
    if (out.width === width && out.height === height) return plane
    const resized = await sharp(plane, { raw: { width: out.width, height: out.height, channels: 1 }, limitInputPixels: false })
      .resize(width, height, { fit: 'fill', kernel: 'linear' })
      .toColourspace('b-w')
      .raw()
      .toBuffer()
    return new Uint8Array(resized.buffer, resized.byteOffset, resized.length)
  } catch (err) {
    throw decodeError(info.path, err)
  }
}

/**
 * One channel from interleaved 8-bit pixels: alpha when the alpha channel carries a selection
 * (any pixel not fully opaque), otherwise luminance (Rec. 601 weights, so white stays 255).
 */
export function selectionPlane(data: Uint8Array, channels: number): Uint8Array {
  const n = data.length / channels
  const out = new Uint8Array(n)
  const hasAlpha = channels === 2 || channels === 4
  const a = channels - 1
  if (hasAlpha) {
    let opaque = true
    for (let i = 0; i < n && opaque; i++) opaque = data[i * channels + a] === 255
    if (!opaque) {
      for (let i = 0; i < n; i++) out[i] = data[i * channels + a]
      return out
    }
  }
  if (channels <= 2) {
    for (let i = 0; i < n; i++) out[i] = data[i * channels]
    return out
  }
  for (let i = 0; i < n; i++) {
    const p = i * channels
    out[i] = Math.round((299 * data[p] + 587 * data[p + 1] + 114 * data[p + 2]) / 1000)
  }
  return out
}

export interface MaskRefinement {
  /** Pixels to grow the selection by (negative shrinks it). */
  grow: number
  /** Gaussian feather of the edge, in pixels (sigma). */
  feather: number
}

/** Grows or shrinks a 0..255 selection and feathers its edge (libvips morphology and blur). */
export async function refineMask(mask: Uint8Array, width: number, height: number, r: MaskRefinement): Promise<Uint8Array> {
  if (r.grow === 0 && r.feather === 0) return mask
  let img = sharp(mask, { raw: { width, height, channels: 1 }, limitInputPixels: false })
  // libvips morphology works on a binary image: a soft edge is thresholded at half first.
  // NOTE: measured with sharp 0.35, `erode` grows white regions and `dilate` shrinks them (its
  // foreground is black); tests/image-io pins this down.
  if (r.grow !== 0) {
    img = img.threshold(128)
    img = r.grow > 0 ? img.erode(Math.round(r.grow)) : img.dilate(Math.round(-r.grow))
    const grown = await img.toColourspace('b-w').raw().toBuffer()
    img = sharp(grown, { raw: { width, height, channels: 1 }, limitInputPixels: false })
  }
  if (r.feather > 0) img = img.blur(Math.max(0.3, r.feather))
  const out = await img.toColourspace('b-w').raw().toBuffer()
  return new Uint8Array(out.buffer, out.byteOffset, out.length)
}
