/** Pixel storage: 8-bit samples in a Uint8Array, 16-bit samples in a Uint16Array. */
export type PixelArray = Uint8Array | Uint16Array

/** Interleaved HWC pixels, already in display orientation (EXIF orientation applied). */
export interface Raster {
  width: number
  height: number
  channels: 1 | 2 | 3 | 4
  bitDepth: 8 | 16
  data: PixelArray
}

export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'tiff' | 'avif'

export interface ImageInfo {
  /** Absolute path of the file. */
  path: string
  format: ImageFormat
  /** Upright size: EXIF orientation already applied, so width and height match readImage's raster. */
  width: number
  height: number
  /** 16 only for 16-bit PNG/TIFF; everything else decodes to 8. */
  bitDepth: 8 | 16
  /** Channels stored in the file (grey 1, grey+alpha 2, RGB 3, RGBA 4); CMYK reports what it decodes to. */
  channels: 1 | 2 | 3 | 4
  hasAlpha: boolean
  /** EXIF orientation tag of the file, 1 when absent. */
  orientation: number
  hasIcc: boolean
  hasExif: boolean
  /** File size in bytes. */
  bytes: number
  /**
   * Whether the file was encoded losslessly (PNG, TIFF, WebP VP8L). Extra to the brief: the writer
   * uses it so that 'keep' never turns a lossless source into a lossy file.
   */
  lossless: boolean
}

export interface ReadOptions {
  /** Decompression-bomb guard: refuse images with more pixels. Default 268_402_689 (sharp's). */
  maxPixels?: number
}

export interface WriteOptions {
  /** Output format; 'keep' (default) means the source's format, or the output path's extension. */
  format?: 'keep' | ImageFormat
  /** 1..100 for lossy output (JPEG, lossy WebP/AVIF). Default 95. Giving it makes WebP/AVIF lossy. */
  quality?: number
  /** 'keep' (default) copies ICC, EXIF and XMP from `source`; 'strip' writes none. */
  metadata?: 'keep' | 'strip'
  /** The file the raster was read from: where kept metadata comes from, and what 'keep' means. */
  source?: ImageInfo
}

export interface WriteResult {
  path: string
  format: ImageFormat
  bytes: number
}

export const DEFAULT_MAX_PIXELS = 268_402_689
