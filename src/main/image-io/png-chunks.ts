import { crc32, deflateSync } from 'node:zlib'

/**
 * PNG chunk writing, used to hand metadata to libvips. sharp can only *keep* an ICC profile or
 * raw EXIF block that its input already carries (withIccProfile converts pixels, withExif takes
 * string pairs and loses binary tags), so we build a PNG that carries them.
 */

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(data.length, 0)
  head.write(type, 4, 'latin1')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0)
  return Buffer.concat([head, data, crc])
}

/** iCCP: profile name, NUL, compression method 0, zlib stream. */
export function iccpChunk(icc: Buffer): Buffer {
  return chunk('iCCP', Buffer.concat([Buffer.from('icc\0\0', 'latin1'), deflateSync(icc)]))
}

/** eXIf holds the bare TIFF structure (no "Exif\0\0" prefix). */
export function exifChunk(tiff: Buffer): Buffer {
  return chunk('eXIf', tiff)
}

const IHDR_END = 8 + 8 + 13 + 4

/** Inserts chunks right after IHDR, where iCCP must be (before PLTE and IDAT). */
export function insertAfterIhdr(png: Buffer, chunks: Buffer[]): Buffer {
  if (png.toString('latin1', 12, 16) !== 'IHDR') throw new Error('insertAfterIhdr: not a PNG with IHDR first')
  return Buffer.concat([png.subarray(0, IHDR_END), ...chunks, png.subarray(IHDR_END)])
}
