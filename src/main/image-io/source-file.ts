import { open, stat, type FileHandle } from 'node:fs/promises'
import { resolve } from 'node:path'
import { ImageIOError, errnoCode } from './errors.ts'
import { isCameraRawPath, sniffFormat } from './formats.ts'
import type { ImageFormat } from './types.ts'

/** What the file system and the first bytes say about a file, before libvips touches it. */
export interface SourceFile {
  path: string
  bytes: number
  format: ImageFormat
  /** True for PNG, TIFF and lossless (VP8L) WebP. */
  lossless: boolean
}

const HEAD_BYTES = 4096

/**
 * Checks a path is a readable, non-empty file of a supported format. Doing this ourselves (rather
 * than decoding libvips' error strings) is what lets every bad input get its own precise code.
 */
export async function checkSourceFile(path: string): Promise<SourceFile> {
  const abs = resolve(path)
  let size: number
  try {
    const st = await stat(abs)
    if (st.isDirectory()) throw new ImageIOError('UNREADABLE', abs, `"${abs}" is a folder, not an image file.`)
    if (!st.isFile()) throw new ImageIOError('UNREADABLE', abs, `"${abs}" is not a regular file.`)
    size = st.size
  } catch (err) {
    throw fsReadError(abs, err)
  }
  if (size === 0) throw new ImageIOError('EMPTY', abs, `"${abs}" is empty (0 bytes).`)

  let fh: FileHandle | undefined
  try {
    fh = await open(abs, 'r')
    const head = Buffer.alloc(Math.min(HEAD_BYTES, size))
    const { bytesRead } = await fh.read(head, 0, head.length, 0)
    const sniffed = sniffFormat(head.subarray(0, bytesRead))
    if (sniffed.kind === 'unknown') {
      throw new ImageIOError('NOT_AN_IMAGE', abs, `"${abs}" is not an image file (it is not JPEG, PNG, WebP, TIFF or AVIF).`)
    }
    if (sniffed.kind === 'other-image') {
      throw new ImageIOError('UNSUPPORTED_FORMAT', abs, `"${abs}" is a ${sniffed.name} image; supported formats are JPEG, PNG, WebP, TIFF and AVIF.`)
    }
    const format = sniffed.format
    if (format === 'tiff' && isCameraRawPath(abs)) {
      throw new ImageIOError('UNSUPPORTED_FORMAT', abs, `"${abs}" is a camera raw file; convert it to TIFF or PNG first.`)
    }
    const lossless = format === 'png' || format === 'tiff' || (format === 'webp' && (await isLosslessWebp(fh, size)))
    return { path: abs, bytes: size, format, lossless }
  } catch (err) {
    throw fsReadError(abs, err)
  } finally {
    await fh?.close()
  }
}

/** Walks the RIFF chunk list: a lossless WebP stores its image in a 'VP8L' chunk, a lossy one in 'VP8 '. */
async function isLosslessWebp(fh: FileHandle, size: number): Promise<boolean> {
  const header = Buffer.alloc(8)
  let pos = 12
  for (let i = 0; i < 64 && pos + 8 <= size; i++) {
    await fh.read(header, 0, 8, pos)
    const fourcc = header.toString('latin1', 0, 4)
    if (fourcc === 'VP8L') return true
    if (fourcc === 'VP8 ' || fourcc === 'ANIM') return false
    pos += 8 + header.readUInt32LE(4) + (header.readUInt32LE(4) % 2)
  }
  return false
}

/** Maps a Node fs error on an input path to our codes; passes our own errors through. */
export function fsReadError(path: string, err: unknown): ImageIOError {
  if (err instanceof ImageIOError) return err
  const code = errnoCode(err)
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new ImageIOError('NOT_FOUND', path, `"${path}" does not exist.`, { cause: err })
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new ImageIOError('UNREADABLE', path, `"${path}" cannot be read: permission denied.`, { cause: err })
  }
  if (code === 'EISDIR') {
    return new ImageIOError('UNREADABLE', path, `"${path}" is a folder, not an image file.`, { cause: err })
  }
  return new ImageIOError('UNREADABLE', path, `"${path}" cannot be read (${code ?? String(err)}).`, { cause: err })
}
