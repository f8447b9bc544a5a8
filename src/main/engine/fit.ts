// Bringing a second picture (a new background) to the photo's size and depth, and shrinking the
// inputs for a screen-sized preview.
import { resizeRaster, type Raster } from '../image-io/index.ts'
import { cropRaster } from './tensor.ts'

/** Centre-crops `r` to the aspect ratio of `like` (cover), resizes it and matches its bit depth. */
export async function fitRaster(r: Raster, like: Raster): Promise<Raster> {
  const scale = Math.max(like.width / r.width, like.height / r.height)
  const cw = Math.min(r.width, Math.round(like.width / scale))
  const ch = Math.min(r.height, Math.round(like.height / scale))
  const cropped = cropRaster(r, { left: Math.floor((r.width - cw) / 2), top: Math.floor((r.height - ch) / 2), width: cw, height: ch })
  const sized = await resizeRaster(cropped, like.width, like.height, { kernel: 'lanczos3' })
  return matchDepth(sized, like.bitDepth)
}

export function matchDepth(r: Raster, bitDepth: 8 | 16): Raster {
  if (r.bitDepth === bitDepth) return r
  const data = bitDepth === 16 ? Uint16Array.from(r.data, (v) => v * 257) : Uint8Array.from(r.data, (v) => Math.round(v / 257))
  return { ...r, bitDepth, data }
}

/** The photo at a long side of at most `maxLongSide` (never enlarged). */
export async function shrink(image: Raster, maxLongSide: number): Promise<Raster> {
  const scale = Math.min(1, maxLongSide / Math.max(image.width, image.height))
  if (scale === 1) return image
  const w = Math.max(1, Math.round(image.width * scale))
  const h = Math.max(1, Math.round(image.height * scale))
  return resizeRaster(image, w, h, { kernel: 'lanczos3' })
}
