import sharp from 'sharp'
import type { Sharp } from 'sharp'
import { ImageIOError } from './errors.ts'
import { tiffPayload } from './exif.ts'
import { metadataToKeep, type KeptMetadata } from './metadata.ts'
import { exifChunk, iccpChunk, insertAfterIhdr } from './png-chunks.ts'
import { colourspaceFor, sharpFromRaster, validateRaster } from './raster.ts'
import type { ImageFormat, Raster, WriteOptions } from './types.ts'

const DEFAULT_QUALITY = 95
/** Formats that store 16-bit samples; others get 8-bit (libvips keeps the high byte). */
const SIXTEEN_BIT: ReadonlySet<ImageFormat> = new Set(['png', 'tiff'])

/** The format encodeImage writes: explicit, else the source's. */
export function resolveFormat(opts: WriteOptions): ImageFormat {
  if (opts.format !== undefined && opts.format !== 'keep') return opts.format
  if (opts.source) return opts.source.format
  throw new TypeError("encodeImage: format 'keep' needs opts.source (or give a format)")
}

/**
 * Encodes a raster. With metadata 'keep' (default) the output carries the source's ICC profile,
 * EXIF (Orientation reset to 1) and XMP, byte for byte; pixels are written as given (no colour
 * conversion). 16-bit rasters stay 16-bit in PNG/TIFF and are reduced to 8-bit for JPEG, WebP
 * and AVIF. Alpha is kept except in JPEG, which cannot store it (flattened on white).
 */
export async function encodeImage(r: Raster, opts: WriteOptions): Promise<Buffer> {
  return encodeAs(r, resolveFormat(opts), opts)
}

/** Largest side each format can store; beyond it the encoders fail with an obscure message. */
const MAX_SIDE: Record<ImageFormat, number> = { jpeg: 65_535, png: 2 ** 31 - 1, webp: 16_383, tiff: 2 ** 32 - 1, avif: 65_536 }

/** `outPath` only names the file in errors; encodeImage passes none (the error's path is then ''). */
export async function encodeAs(r: Raster, format: ImageFormat, opts: WriteOptions, outPath = ''): Promise<Buffer> {
  validateRaster(r)
  const quality = checkQuality(opts.quality)
  if (Math.max(r.width, r.height) > MAX_SIDE[format]) {
    const what = outPath ? `"${outPath}"` : 'The image'
    throw new ImageIOError('TOO_LARGE', outPath, `${what} is ${r.width} x ${r.height}, larger than ${format.toUpperCase()} allows (${MAX_SIDE[format]} pixels per side); choose PNG or TIFF.`)
  }
  const keep = (opts.metadata ?? 'keep') === 'keep' && opts.source !== undefined
  const kept: KeptMetadata = keep && opts.source ? await metadataToKeep(opts.source, r.channels) : {}
  let pipeline = await pipelineWithMetadata(r, kept)
  const bitDepth = SIXTEEN_BIT.has(format) ? r.bitDepth : 8
  pipeline = pipeline.toColourspace(colourspaceFor(r.channels, bitDepth))
  if (format === 'jpeg' && (r.channels === 2 || r.channels === 4)) pipeline = pipeline.flatten({ background: '#ffffff' })
  // Lossless in, lossless out: only an explicit quality makes WebP/AVIF lossy for a lossless source.
  const lossless = quality === undefined && (opts.source?.lossless ?? true)
  return withFormat(pipeline, format, quality, lossless).toBuffer()
}

async function pipelineWithMetadata(r: Raster, kept: KeptMetadata): Promise<Sharp> {
  let pipeline: Sharp
  if (kept.icc || kept.exif) {
    // NOTE: sharp cannot attach an ICC buffer or a raw EXIF block to raw pixels, but it can keep
    // them from its input. So the pixels go through an uncompressed PNG that carries both chunks.
    const png = await sharpFromRaster(r).toColourspace(colourspaceFor(r.channels, r.bitDepth)).png({ compressionLevel: 0 }).toBuffer()
    const chunks: Buffer[] = []
    if (kept.icc) chunks.push(iccpChunk(kept.icc))
    if (kept.exif) chunks.push(exifChunk(tiffPayload(kept.exif)))
    // failOn 'none': this PNG is our own, and a libpng warning about a profile's quirks must not fail the write.
    pipeline = sharp(insertAfterIhdr(png, chunks), { limitInputPixels: false, failOn: 'none' })
    if (kept.icc) pipeline = pipeline.keepIccProfile()
    if (kept.exif) pipeline = pipeline.keepExif()
  } else {
    pipeline = sharpFromRaster(r)
  }
  if (kept.xmp) pipeline = pipeline.withXmp(kept.xmp)
  if (kept.density) pipeline = pipeline.withDensity(kept.density)
  return pipeline
}

function withFormat(p: Sharp, format: ImageFormat, quality: number | undefined, lossless: boolean): Sharp {
  const q = quality ?? DEFAULT_QUALITY
  switch (format) {
    case 'jpeg':
      return p.jpeg({ quality: q, chromaSubsampling: '4:4:4' })
    case 'png':
      return p.png({ compressionLevel: 6 })
    case 'webp':
      // exact: keep colour under fully transparent pixels (libwebp zeroes it otherwise).
      return p.webp(lossless ? { lossless: true, exact: true } : { quality: q, alphaQuality: 100, exact: true, smartSubsample: true })
    case 'tiff':
      // TIFF is always written lossless; quality does not apply.
      return p.tiff({ compression: 'lzw', predictor: 'horizontal' })
    case 'avif':
      return p.avif(lossless ? { lossless: true } : { quality: q, chromaSubsampling: '4:4:4' })
  }
}

function checkQuality(q: number | undefined): number | undefined {
  if (q === undefined) return undefined
  if (!Number.isInteger(q) || q < 1 || q > 100) throw new RangeError(`quality must be an integer from 1 to 100, got ${q}`)
  return q
}
