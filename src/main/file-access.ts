// What the custom protocols may serve. app:// serves only files under the built renderer folder;
// lbm-image:// serves only pictures the user opened (dialog), the bundled samples and outputs
// the app wrote: never an arbitrary path, whatever URL the page asks for.
import path from 'node:path'
import type { Result } from '../shared/contract.ts'
import { APP_HOST, APP_SCHEME, IMAGE_SCHEME } from './security.ts'

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.woff2': 'font/woff2'
}
const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp', '.avif', '.tif', '.tiff'])

export function mimeType(file: string): string {
  return MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream'
}

/** The file under `root` that an app:// URL names, or null (other host, escape attempt, bad URL). */
export function resolveAppAsset(root: string, raw: string): string | null {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return null
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null
  let rel: string
  try {
    rel = decodeURIComponent(url.pathname)
  } catch {
    return null
  }
  if (rel.includes('\0')) return null
  const file = path.resolve(root, `.${path.posix.normalize(rel)}`)
  const inside = path.relative(path.resolve(root), file)
  return inside && !inside.startsWith('..') && !path.isAbsolute(inside) ? file : null
}

/** The pictures the page may load through lbm-image://, granted by the main process only. */
export class OpenedFiles {
  private readonly granted = new Set<string>()

  /** Allows one picture; answers the URL the page loads it by. */
  grant(file: string): string {
    const abs = path.resolve(file)
    this.granted.add(abs)
    return OpenedFiles.urlFor(abs)
  }

  static urlFor(file: string): string {
    return `${IMAGE_SCHEME}://file/${encodeURIComponent(path.resolve(file))}`
  }

  /** The granted file a URL names, or null. */
  resolve(raw: string): string | null {
    let url: URL
    try {
      url = new URL(raw)
    } catch {
      return null
    }
    if (url.protocol !== `${IMAGE_SCHEME}:` || url.host !== 'file') return null
    let file: string
    try {
      file = decodeURIComponent(url.pathname.slice(1))
    } catch {
      return null
    }
    if (!path.isAbsolute(file) || path.resolve(file) !== file) return null
    if (!IMAGE_EXTENSIONS.has(path.extname(file).toLowerCase())) return null
    return this.granted.has(file) ? file : null
  }

  /** Grants the pictures a successful invoke handed to the page (opened, samples, written). */
  grantFromResult(channel: string, result: Result<unknown>): void {
    if (!result.ok) return
    const v = result.value
    if (channel === 'dialog:openImage' && typeof v === 'string') this.grant(v)
    if (channel === 'samples:paths' && isRecord(v)) {
      for (const key of ['photo', 'subjectMask', 'objectMask', 'backdrop']) if (typeof v[key] === 'string') this.grant(v[key])
    }
    if (channel === 'edit:run' && isRecord(v) && typeof v.output === 'string') this.grant(v.output)
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null
}
