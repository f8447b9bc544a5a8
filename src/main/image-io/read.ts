import sharp from 'sharp'
import { decodeError, decoderOptions } from './decoder.ts'
import { inspectImage } from './probe.ts'
import { rasterFromPipeline } from './raster.ts'
import type { ImageInfo, Raster, ReadOptions } from './types.ts'

/**
 * Full decode to an upright RGB or RGBA raster (grey is promoted, so callers handle two layouts).
 * 16-bit sources stay 16-bit; everything else is 8-bit. Colour values are the file's own (no
 * profile conversion, see decoderOptions) except CMYK, which has to become RGB.
 */
export async function readImage(path: string, opts?: ReadOptions): Promise<{ info: ImageInfo; raster: Raster }> {
  const { info, meta, maxPixels } = await inspectImage(path, opts)
  const cmyk = meta.space === 'cmyk'
  try {
    const pipeline = sharp(info.path, decoderOptions(maxPixels, { convertIcc: cmyk })).toColourspace(info.bitDepth === 16 ? 'rgb16' : 'srgb')
    const raster = await rasterFromPipeline(pipeline, info.bitDepth)
    return { info, raster }
  } catch (err) {
    throw decodeError(info.path, err)
  }
}
