/**
 * Minimal EXIF surgery on the raw block sharp returns (`metadata().exif`): "Exif\0\0" followed by a
 * TIFF structure. We only ever need to find IFD0's Orientation tag, so no general parser.
 */

const EXIF_PREFIX = Buffer.from('Exif\0\0', 'latin1')
const ORIENTATION_TAG = 0x0112
const TYPE_SHORT = 3

/** The TIFF structure inside an EXIF block (what a PNG eXIf chunk holds). */
export function tiffPayload(exif: Buffer): Buffer {
  return exif.subarray(0, 6).equals(EXIF_PREFIX) ? exif.subarray(6) : exif
}

/**
 * A copy of the EXIF block with IFD0 Orientation set to 1. Our pixels are already upright, so
 * keeping the source's tag (e.g. 6) would make viewers rotate the image a second time.
 * A malformed block is returned unchanged: better to keep the user's bytes than to drop them.
 */
export function withUprightOrientation(exif: Buffer): Buffer {
  const out = Buffer.from(exif)
  const tiff = tiffPayload(out)
  if (tiff.length < 8) return out
  const order = tiff.toString('latin1', 0, 2)
  if (order !== 'II' && order !== 'MM') return out
  const le = order === 'II'
  const u16 = (o: number): number => (le ? tiff.readUInt16LE(o) : tiff.readUInt16BE(o))
  const u32 = (o: number): number => (le ? tiff.readUInt32LE(o) : tiff.readUInt32BE(o))
  const ifd = u32(4)
  if (ifd + 2 > tiff.length) return out
  const count = u16(ifd)
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12
    if (entry + 12 > tiff.length) break
    if (u16(entry) === ORIENTATION_TAG && u16(entry + 2) === TYPE_SHORT) {
      if (le) tiff.writeUInt16LE(1, entry + 8)
      else tiff.writeUInt16BE(1, entry + 8)
      break
    }
  }
  return out
}

/** Reads IFD0 Orientation (1 when absent); used by tests and diagnostics. */
export function exifOrientation(exif: Buffer): number {
  const tiff = tiffPayload(exif)
  if (tiff.length < 8) return 1
  const le = tiff.toString('latin1', 0, 2) === 'II'
  const u16 = (o: number): number => (le ? tiff.readUInt16LE(o) : tiff.readUInt16BE(o))
  const ifd = le ? tiff.readUInt32LE(4) : tiff.readUInt32BE(4)
  if (ifd + 2 > tiff.length) return 1
  for (let i = 0; i < u16(ifd); i++) {
    const entry = ifd + 2 + i * 12
    if (entry + 12 > tiff.length) break
    if (u16(entry) === ORIENTATION_TAG) return u16(entry + 8)
  }
  return 1
}
