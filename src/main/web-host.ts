// The local web host: the built renderer plus the same handlers as Electron's IPC, on 127.0.0.1
// only. `POST /api/<channel>` takes the argument array as JSON and answers a newline-delimited
// JSON stream (progress lines, then the result; see HostLine). Other web pages in the same browser
// must not drive it, so requests must name our host (no DNS rebinding), come from our origin, and
// be JSON (which a cross-site form cannot send without a preflight this host never grants).
// Run: `npm run web` (builds the renderer, then serves it), or `tsx src/main/web-host.ts --port N`.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import fs from 'node:fs/promises'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { DEVICE_PREFERENCES } from '../shared/contract.ts'
import type { HostLine } from '../shared/ipc.ts'
import { createHandlers, dispatch, type Handlers } from './api/handlers.ts'
import { Engine } from './engine/engine.ts'
import type { DevicePreference } from './engine/runtime.ts'

const MAX_BODY_BYTES = 1 << 20
/** Uploads carry a mask or a photo in base64 (the contract caps them). */
const UPLOAD_CHANNELS = new Set(['mask:put', 'photo:put'])
const MAX_UPLOAD_BODY_BYTES = 65 << 20
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2'
}
const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'content-security-policy': "frame-ancestors 'none'",
  'cache-control': 'no-store'
}

export interface WebHostOptions {
  /** 0 picks a free port. */
  port?: number
  /**
   * Address to listen on; 127.0.0.1 by default. Any other address (a GPU box served to a
   * laptop's browser) requires a token: a random one unless given.
   */
  host?: string
  /** The token that opens the host (`/?token=...` once, then a cookie); forced on off-loopback hosts. */
  token?: string
  rendererDir?: string
  device?: DevicePreference
  handlers?: Handlers
}

export interface WebHost {
  /** The address to open; with its token when one is required. */
  url: string
  close(): Promise<void>
}

const repo = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url))

export async function startWebHost(opts: WebHostOptions = {}): Promise<WebHost> {
  const rendererDir = path.resolve(opts.rendererDir ?? repo('out/renderer'))
  const engine = opts.handlers ? undefined : new Engine({ device: opts.device })
  const handlers =
    opts.handlers ??
    createHandlers({
      engine: engine!,
      samplesDir: repo('resources/samples'),
      outputDir: path.join(os.tmpdir(), 'lbm-studio'),
      openImage: async () => null
    })
  const bindHost = opts.host ?? '127.0.0.1'
  const loopback = ['127.0.0.1', 'localhost', '::1'].includes(bindHost)
  const token = opts.token ?? (loopback ? undefined : randomBytes(24).toString('base64url'))
  let origin = ''
  const server = http.createServer((req, res) => {
    void route(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error')
      else res.end()
      console.error(err)
    })
  })

  async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const host = req.headers.host ?? ''
    // With a token, the token (not the Host name, which other machines spell their own way) is
    // what keeps other sites and rebound DNS names out.
    if (!token && host !== new URL(origin).host && host !== `localhost:${new URL(origin).port}`) return send(res, 421, 'text/plain', 'wrong host')
    const url = new URL(req.url ?? '/', token ? `http://${host}` : origin)
    if (token) {
      const given = url.searchParams.get('token')
      if (given !== null && sameSecret(given, token)) {
        // Trade the token in the address for a cookie, and take it out of the address bar.
        res.writeHead(303, { ...SECURITY_HEADERS, location: url.pathname, 'set-cookie': `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/` })
        return void res.end()
      }
      if (!sameSecret(cookie(req, TOKEN_COOKIE) ?? '', token)) return send(res, 401, 'text/plain; charset=utf-8', 'open the address with its token (printed where the host was started)')
    }
    if (url.pathname.startsWith('/api/')) return api(req, res, url.pathname.slice('/api/'.length))
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'method not allowed')
    return serveFile(res, url.pathname)
  }

  async function api(req: http.IncomingMessage, res: http.ServerResponse, channel: string): Promise<void> {
    const requestOrigin = req.headers.origin
    const site = req.headers['sec-fetch-site']
    if (req.method !== 'POST') return send(res, 405, 'text/plain', 'POST only')
    const ownOrigin = token ? `http://${req.headers.host ?? ''}` : origin
    if ((requestOrigin !== undefined && requestOrigin !== ownOrigin) || (site !== undefined && site !== 'same-origin')) return send(res, 403, 'text/plain', 'other sites may not use this host')
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return send(res, 415, 'text/plain', 'send JSON')
    const body = await readBody(req, UPLOAD_CHANNELS.has(decodeURIComponent(channel)) ? MAX_UPLOAD_BODY_BYTES : MAX_BODY_BYTES)
    if (body === null) return send(res, 413, 'text/plain', 'request too large')
    let args: unknown
    try {
      args = JSON.parse(body)
    } catch {
      return send(res, 400, 'text/plain', 'the request body is not JSON')
    }
    if (!Array.isArray(args)) return send(res, 400, 'text/plain', 'the request body must be the array of arguments')
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'application/x-ndjson; charset=utf-8' })
    const write = (line: HostLine) => res.write(JSON.stringify(line) + '\n')
    // The caller going away cancels its edit.
    const ac = new AbortController()
    res.on('close', () => ac.abort(new DOMException('the caller went away', 'AbortError')))
    const result = await dispatch(handlers, decodeURIComponent(channel), args, { emit: (push, payload) => write({ push, payload } as HostLine), signal: ac.signal })
    write({ result })
    res.end()
  }

  /** Only files of the built renderer, nothing above its folder. */
  async function serveFile(res: http.ServerResponse, pathname: string): Promise<void> {
    const relative = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '')
    const file = path.resolve(rendererDir, relative)
    if (!file.startsWith(rendererDir + path.sep)) return send(res, 404, 'text/plain', 'not found')
    const type = CONTENT_TYPES[path.extname(file)]
    let data: Buffer
    try {
      data = await fs.readFile(file)
    } catch {
      return send(res, 404, 'text/plain', relative === 'index.html' ? 'the renderer is not built: run `npm run web`' : 'not found')
    }
    send(res, 200, type ?? 'application/octet-stream', data)
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, bindHost, resolve)
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('the web host has no TCP address')
  const shownHost = loopback ? '127.0.0.1' : ['0.0.0.0', '::'].includes(bindHost) ? os.hostname() : bindHost.includes(':') ? `[${bindHost}]` : bindHost
  origin = `http://${shownHost}:${address.port}`
  return {
    url: token ? `${origin}/?token=${token}` : `${origin}/`,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await engine?.dispose()
    }
  }
}

const TOKEN_COOKIE = 'lbm_token'

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

function cookie(req: http.IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=')
    if (k === name) return v.join('=')
  }
  return undefined
}

function send(res: http.ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type })
  res.end(body)
}

function readBody(req: http.IncomingMessage, limit = MAX_BODY_BYTES): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        resolve(null)
        req.destroy()
      } else chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

const isDevice = (d: string): d is DevicePreference => (DEVICE_PREFERENCES as readonly string[]).includes(d)

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name)
  return i >= 0 ? process.argv[i + 1] : undefined
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const device = flag('--device') ?? 'auto'
  if (!isDevice(device)) throw new Error(`--device must be one of: ${DEVICE_PREFERENCES.join(', ')}; got '${device}'`)
  const host = await startWebHost({ port: Number(flag('--port') ?? process.env.PORT ?? 5180), device })
  console.log(`LBM Studio: ${host.url}  (Ctrl+C to stop)`)
  process.once('SIGINT', () => void host.close().then(() => process.exit(0)))
}
