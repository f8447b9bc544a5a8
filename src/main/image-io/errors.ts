export type ImageIOErrorCode =
  | 'NOT_FOUND'
  | 'UNREADABLE'
  | 'EMPTY'
  | 'NOT_AN_IMAGE'
  | 'TRUNCATED'
  | 'TOO_LARGE'
  | 'UNSUPPORTED_FORMAT'
  | 'MASK_ASPECT'
  | 'SAME_AS_INPUT'
  | 'EXISTS'
  | 'UNWRITABLE'

/**
 * The only error this module throws for bad files or paths (programming mistakes such as an
 * inconsistent Raster are TypeError/RangeError). `message` is one plain-English line that names
 * the file, so the CLI and the app can show it as is; `code` is for code.
 */
export class ImageIOError extends Error {
  readonly code: ImageIOErrorCode
  readonly path: string

  constructor(code: ImageIOErrorCode, path: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'ImageIOError'
    this.code = code
    this.path = path
  }
}

/** Node's errno code of a thrown fs error, if any. */
export function errnoCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code
    return typeof code === 'string' ? code : undefined
  }
  return undefined
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/** First line of a (often multi-line, repetitive) libvips message, for the end of our own line. */
export function firstLine(err: unknown): string {
  return errorMessage(err).split('\n')[0].trim()
}
