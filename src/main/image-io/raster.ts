import sharp from 'sharp'
import type { Sharp } from 'sharp'
import type { PixelArray, Raster } from './types.ts'

/** Throws on a Raster whose fields disagree: a programming error, so not an ImageIOError. */
export function validateRaster(r: Raster): void {
  if (!Number.isInteger(r.width) || !Number.isInteger(r.height) || r.width < 1 || r.height < 1) {
    throw new RangeError(`Raster size must be positive integers, got ${r.width} x ${r.height}`)
  }
  if (![1, 2, 3, 4].includes(r.channels)) throw new RangeError(`Raster channels must be 1 to 4, got ${r.channels}`)
  const wantArray = r.bitDepth === 16 ? Uint16Array : Uint8Array
  if (!(r.data instanceof wantArray)) {
    throw new TypeError(`A ${r.bitDepth}-bit Raster needs a ${wantArray.name}`)
  }
  const want = r.width * r.height * r.channels
  if (r.data.length !== want) {
    throw new RangeError(`Raster data has ${r.data.length} samples, expected ${r.width} x ${r.height} x ${r.channels} = ${want}`)
  }
}

/**
 * The libvips interpretation that keeps a raster's channel count and depth. Without an explicit
 * one sharp converts to 8-bit sRGB on output, silently dropping 16-bit precision and greyness.
 */
export function colourspaceFor(channels: number, bitDepth: 8 | 16): 'b-w' | 'srgb' | 'grey16' | 'rgb16' {
  const grey = channels <= 2
  if (bitDepth === 16) return grey ? 'grey16' : 'rgb16'
  return grey ? 'b-w' : 'srgb'
}

/** A sharp pipeline over a raster. The raster is ours, so sharp's input pixel limit does not apply. */
export function sharpFromRaster(r: Raster): Sharp {
  // sharp picks the sample depth from the typed array's class (Uint16Array -> ushort).
  return sharp(r.data, { raw: { width: r.width, height: r.height, channels: r.channels }, limitInputPixels: false })
}

/** Wraps sharp's raw output (native-endian samples) without copying when alignment allows. */
export function pixelsFromRaw(buf: Buffer, bitDepth: 8 | 16): PixelArray {
  if (bitDepth === 8) return new Uint8Array(buf.buffer, buf.byteOffset, buf.length)
  if (buf.byteOffset % 2 === 0) return new Uint16Array(buf.buffer, buf.byteOffset, buf.length / 2)
  return new Uint16Array(Uint8Array.prototype.slice.call(buf).buffer)
}

export function channelsOf(n: number): 1 | 2 | 3 | 4 {
  if (n === 1 || n === 2 || n === 3 || n === 4) return n
  throw new RangeError(`Unexpected channel count ${n} from the decoder`)
}

export async function rasterFromPipeline(pipeline: Sharp, bitDepth: 8 | 16): Promise<Raster> {
  const { data, info } = await pipeline
    .raw(bitDepth === 16 ? { depth: 'ushort' } : undefined)
    .toBuffer({ resolveWithObject: true })
  return { width: info.width, height: info.height, channels: channelsOf(info.channels), bitDepth, data: pixelsFromRaw(data, bitDepth) }
}
