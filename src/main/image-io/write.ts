import { randomBytes } from 'node:crypto'
import { chmod, mkdir, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { encodeAs } from './encode.ts'
import { ImageIOError, errnoCode, firstLine } from './errors.ts'
import { EXTENSION, formatFromPath } from './formats.ts'
import type { ImageFormat, Raster, WriteOptions, WriteResult } from './types.ts'

/**
 * Encodes and writes atomically: the bytes go to `.<name>.<random>.tmp` beside the output and are
 * renamed over it only when complete, so a crash or error never leaves a half-written image (and
 * never damages an existing one). Refuses to replace the source image, or any existing file
 * unless `overwrite` is true.
 */
export async function writeImage(outPath: string, r: Raster, opts: WriteOptions & { overwrite?: boolean }): Promise<WriteResult> {
  const { out, format, existing } = await preflight(outPath, { ...opts, sourcePath: opts.source?.path })

  // Encode before touching the disk: an encoder error then leaves nothing behind at all.
  const bytes = await encodeOrExplain(out, r, format, opts)
  const dir = dirname(out)
  const tmp = join(dir, `.${basename(out)}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    await mkdir(dir, { recursive: true })
    await writeFile(tmp, bytes, { flag: 'wx' })
    if (existing) await chmod(tmp, existing.mode & 0o7777)
    await rename(tmp, out)
  } catch (err) {
    await unlink(tmp).catch(() => undefined)
    throw writeError(out, err)
  }
  return { path: out, format, bytes: bytes.length }
}

export interface OutputCheck {
  format?: WriteOptions['format']
  overwrite?: boolean
  /** The input image, which is never replaced. */
  sourcePath?: string
}

/**
 * Checks an output path before any work is done for it: a format can be chosen, it is not the
 * input, not a folder, and not an existing file unless overwriting was asked for.
 */
export async function checkOutput(outPath: string, opts: OutputCheck): Promise<{ path: string; format?: ImageFormat }> {
  const byExt = formatFromPath(resolve(outPath))
  const canResolve = (opts.format !== undefined && opts.format !== 'keep') || byExt !== undefined
  const { out, format } = await preflight(outPath, opts, canResolve)
  return { path: out, format }
}

async function preflight(outPath: string, opts: OutputCheck & { source?: WriteOptions['source'] }, resolveFormat = true) {
  const out = resolve(outPath)
  const format = resolveFormat ? outputFormat(out, opts) : undefined
  if (opts.sourcePath && (await sameFile(out, opts.sourcePath))) {
    throw new ImageIOError('SAME_AS_INPUT', out, `"${out}" is the input image; choose another output path (the original is never replaced).`)
  }
  const existing = await statOrUndefined(out)
  if (existing?.isDirectory()) throw new ImageIOError('UNWRITABLE', out, `"${out}" is a folder; give a file name for the output.`)
  if (existing && opts.overwrite !== true) throw new ImageIOError('EXISTS', out, `"${out}" already exists; allow overwriting to replace it.`)
  return { out, format: format as ImageFormat, existing }
}

/** Encoder failures become UNWRITABLE naming the file; argument mistakes (TypeError/RangeError) pass through. */
async function encodeOrExplain(out: string, r: Raster, format: ImageFormat, opts: WriteOptions): Promise<Buffer> {
  try {
    return await encodeAs(r, format, opts, out)
  } catch (err) {
    if (err instanceof ImageIOError || err instanceof TypeError || err instanceof RangeError) throw err
    throw new ImageIOError('UNWRITABLE', out, `Cannot encode "${out}" as ${format}: ${firstLine(err)}.`, { cause: err })
  }
}

/**
 * 'keep' means the output path's extension when it names a format (the user chose that name),
 * else the source's format. An explicit format that contradicts the extension is refused rather
 * than writing, say, JPEG bytes into a .png file.
 */
function outputFormat(out: string, opts: WriteOptions): ImageFormat {
  const byExt = formatFromPath(out)
  if (opts.format !== undefined && opts.format !== 'keep') {
    if (byExt !== undefined && byExt !== opts.format) {
      throw new ImageIOError('UNSUPPORTED_FORMAT', out, `"${out}" has a ${EXTENSION[byExt]} extension but ${opts.format} output was asked for; use a ${EXTENSION[opts.format]} name.`)
    }
    return opts.format
  }
  const format = byExt ?? opts.source?.format
  if (!format) {
    throw new ImageIOError('UNSUPPORTED_FORMAT', out, `"${out}" has no image extension (.jpg, .png, .webp, .tif, .avif) and no format was given.`)
  }
  return format
}

/** Same file by identity (device + inode) when both exist, so links and case-insensitive disks are caught. */
async function sameFile(out: string, source: string): Promise<boolean> {
  const [a, b] = await Promise.all([statOrUndefined(out, true), statOrUndefined(source, true)])
  if (a && b) return a.dev === b.dev && a.ino === b.ino
  const real = async (p: string): Promise<string> => {
    try {
      return await realpath(p)
    } catch {
      // The output usually does not exist yet: resolve its folder and re-append the name.
      return join(await realpath(dirname(p)).catch(() => dirname(p)), basename(p))
    }
  }
  return (await real(out)) === (await real(resolve(source)))
}

async function statOrUndefined(p: string, bigint = false): Promise<{ dev: number | bigint; ino: number | bigint; mode: number; isDirectory(): boolean } | undefined> {
  try {
    const st = bigint ? await stat(p, { bigint: true }) : await stat(p)
    return { dev: st.dev, ino: st.ino, mode: Number(st.mode), isDirectory: () => st.isDirectory() }
  } catch (err) {
    const code = errnoCode(err)
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined
    throw writeError(p, err)
  }
}

function writeError(out: string, err: unknown): ImageIOError {
  if (err instanceof ImageIOError) return err
  const code = errnoCode(err)
  const why: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EROFS: 'the disk is read-only',
    ENOSPC: 'the disk is full',
    EDQUOT: 'the disk quota is exceeded',
    ENOTDIR: 'part of the folder path is a file',
    EEXIST: 'part of the folder path is a file',
    ENAMETOOLONG: 'the path is too long',
    EISDIR: 'it is a folder'
  }
  const reason = (code && why[code]) ?? (code ? `error ${code}` : String(err))
  return new ImageIOError('UNWRITABLE', out, `Cannot write "${out}": ${reason}.`, { cause: err })
}
