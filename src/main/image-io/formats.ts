import { extname } from 'node:path'
import type { ImageFormat } from './types.ts'

const BY_EXTENSION: Record<string, ImageFormat> = {
  '.jpg': 'jpeg',
  '.jpeg': 'jpeg',
  '.jpe': 'jpeg',
  '.jfif': 'jpeg',
  '.png': 'png',
  '.webp': 'webp',
  '.tif': 'tiff',
  '.tiff': 'tiff',
  '.avif': 'avif'
}

/** Canonical extension per format, for messages and for callers that name outputs. */
export const EXTENSION: Record<ImageFormat, string> = {
  jpeg: '.jpg',
  png: '.png',
  webp: '.webp',
  tiff: '.tif',
  avif: '.avif'
}

// Camera raw files are TIFF containers: libvips would quietly decode the small embedded preview.
const CAMERA_RAW = new Set(['.dng', '.cr2', '.nef', '.nrw', '.arw', '.orf', '.rw2', '.pef', '.srw', '.raf', '.3fr', '.erf'])

export function formatFromPath(p: string): ImageFormat | undefined {
  return BY_EXTENSION[extname(p).toLowerCase()]
}

export function isCameraRawPath(p: string): boolean {
  return CAMERA_RAW.has(extname(p).toLowerCase())
}

export type Sniffed =
  | { kind: 'supported'; format: ImageFormat }
  | { kind: 'other-image'; name: string }
  | { kind: 'unknown' }

function ascii(b: Buffer, start: number, end: number): string {
  return b.subarray(start, end).toString('latin1')
}

/**
 * Identifies a file by its first bytes, never by its name, so that a text file renamed .jpg is
 * NOT_AN_IMAGE and a GIF or HEIC is UNSUPPORTED_FORMAT before libvips ever parses it (libvips
 * would also happily load SVG or PDF from a path, which we do not want).
 */
export function sniffFormat(head: Buffer): Sniffed {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return { kind: 'supported', format: 'jpeg' }
  if (head.length >= 8 && head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    return { kind: 'supported', format: 'png' }
  }
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return { kind: 'supported', format: 'webp' }
  const tiffMagic = ascii(head, 0, 4)
  if (tiffMagic === 'II*\0' || tiffMagic === 'MM\0*' || tiffMagic === 'II+\0' || tiffMagic === 'MM\0+') {
    return { kind: 'supported', format: 'tiff' }
  }
  if (ascii(head, 4, 8) === 'ftyp') return sniffIsoBmff(head)
  const other = otherImageName(head)
  return other ? { kind: 'other-image', name: other } : { kind: 'unknown' }
}

// ISO-BMFF (HEIF family): AVIF is supported, HEIC is not (no HEVC decoder in sharp's build).
function sniffIsoBmff(head: Buffer): Sniffed {
  const boxSize = Math.min(head.readUInt32BE(0), head.length)
  const brands: string[] = [ascii(head, 8, 12)]
  for (let i = 16; i + 4 <= boxSize; i += 4) brands.push(ascii(head, i, i + 4))
  if (brands.includes('avif') || brands.includes('avis')) return { kind: 'supported', format: 'avif' }
  if (brands.some((b) => b.startsWith('hei') || b.startsWith('hev') || b === 'mif1' || b === 'msf1')) {
    return { kind: 'other-image', name: 'HEIC' }
  }
  if (brands.some((b) => b.startsWith('jxl'))) return { kind: 'other-image', name: 'JPEG XL' }
  return { kind: 'unknown' }
}

function otherImageName(head: Buffer): string | undefined {
  const start = ascii(head, 0, 16)
  if (start.startsWith('GIF87a') || start.startsWith('GIF89a')) return 'GIF'
  // 'BM' alone is too weak (plenty of text starts with it): also require a known DIB header size.
  if (start.startsWith('BM') && head.length >= 18 && [12, 40, 52, 56, 64, 108, 124].includes(head.readUInt32LE(14))) return 'BMP'
  if (start.startsWith('8BPS')) return 'Photoshop (PSD)'
  if (start.startsWith('%PDF')) return 'PDF'
  if (start.startsWith('#?RADIANCE') || start.startsWith('#?RGBE')) return 'Radiance HDR'
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0x0a) return 'JPEG XL'
  if (ascii(head, 4, 12) === 'jP  \r\n\x87\n' || ascii(head, 4, 8) === 'jP2 ') return 'JPEG 2000'
  if (head.length >= 4 && head.readUInt32LE(0) === 0x01312f76) return 'OpenEXR'
  const text = head.toString('utf8').replace(/^\uFEFF/, '').trimStart()
  if (text.startsWith('<') && /<svg[\s>]/i.test(text)) return 'SVG'
  return undefined
}
