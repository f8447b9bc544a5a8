import { colourspaceFor, rasterFromPipeline, sharpFromRaster, validateRaster } from './raster.ts'
import type { Raster } from './types.ts'

export type ResizeKernel = 'lanczos3' | 'linear' | 'nearest' | 'cubic'

export interface ResizeOptions {
  kernel?: ResizeKernel
  /**
   * Return only this part of the resized image (in its coordinates). libvips computes on demand,
   * so the work follows the region, not the whole output.
   */
  region?: { left: number; top: number; width: number; height: number }
}

/** Resamples to exactly width x height (aspect not kept), keeping channels and bit depth. */
export async function resizeRaster(r: Raster, width: number, height: number, opts?: ResizeOptions): Promise<Raster> {
  validateRaster(r)
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`resizeRaster needs a positive integer size, got ${width} x ${height}`)
  }
  const region = opts?.region
  if (region && !(region.left >= 0 && region.top >= 0 && region.width >= 1 && region.height >= 1 && region.left + region.width <= width && region.top + region.height <= height)) {
    throw new RangeError(`resizeRaster's region ${JSON.stringify(region)} is not inside ${width} x ${height}`)
  }
  const hasAlpha = r.channels === 2 || r.channels === 4
  // sharp premultiplies alpha around the resample (so transparent pixels do not bleed colour),
  // and at 8 bits that round trip drifts semi-transparent colours by ~1%: work at 16 bits.
  const work = hasAlpha && r.bitDepth === 8 ? widen(r) : r
  // NOTE: sharp's raw output keeps only the first band of a 'b-w' image, dropping grey+alpha's
  // alpha; so grey+alpha goes through RGBA and comes back as bands 0 and 3.
  const space = r.channels === 2 ? colourspaceFor(4, work.bitDepth) : colourspaceFor(r.channels, work.bitDepth)
  let pipeline = sharpFromRaster(work).resize(width, height, { fit: 'fill', kernel: opts?.kernel ?? 'lanczos3' })
  if (region) pipeline = pipeline.extract(region) // after resize: a crop of the output
  pipeline = pipeline.toColourspace(space)
  let out = await rasterFromPipeline(pipeline, work.bitDepth)
  if (r.channels === 2) out = greyAlphaOf(out)
  return work === r ? out : narrow(out)
}

function widen(r: Raster): Raster {
  return { ...r, bitDepth: 16, data: Uint16Array.from(r.data, (v) => v * 257) }
}

function narrow(r: Raster): Raster {
  return { ...r, bitDepth: 8, data: Uint8Array.from(r.data, (v) => Math.round(v / 257)) }
}

function greyAlphaOf(rgba: Raster): Raster {
  const n = rgba.width * rgba.height
  const data = rgba.bitDepth === 16 ? new Uint16Array(n * 2) : new Uint8Array(n * 2)
  for (let i = 0; i < n; i++) {
    data[i * 2] = rgba.data[i * 4]
    data[i * 2 + 1] = rgba.data[i * 4 + 3]
  }
  return { ...rgba, channels: 2, data }
}
