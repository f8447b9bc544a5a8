// The web host off loopback: a token is required, traded once for a cookie.
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHandlers } from '../../src/main/api/handlers.ts'
import { startWebHost, type WebHost } from '../../src/main/web-host.ts'

const fail = async (): Promise<never> => {
  throw new Error('unused')
}
const handlers = createHandlers({ engine: { models: async () => [], run: fail, preview: fail, segment: fail }, samplesDir: '/s', outputDir: '/o', openImage: async () => null })
let dir: string
let host: WebHost

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lbm-host-'))
  await fs.writeFile(path.join(dir, 'index.html'), '<!doctype html><title>t</title>')
  host = await startWebHost({ port: 0, host: '127.0.0.1', token: 'a-secret-of-some-length', rendererDir: dir, handlers })
})
afterAll(async () => {
  await host?.close()
  await fs.rm(dir, { recursive: true, force: true })
})

describe('web host with a token', () => {
  it('answers nothing without the token, and trades the token for a cookie', async () => {
    expect(host.url).toMatch(/\?token=a-secret-of-some-length$/)
    const base = new URL('/', host.url)
    expect((await fetch(base)).status).toBe(401)
    expect((await fetch(new URL('/?token=wrong', base), { redirect: 'manual' })).status).toBe(401)
    const traded = await fetch(host.url, { redirect: 'manual' })
    expect(traded.status).toBe(303)
    expect(traded.headers.get('location')).toBe('/')
    const cookie = (traded.headers.get('set-cookie') ?? '').split(';')[0]
    expect(cookie).toBe('lbm_token=a-secret-of-some-length')
    expect(traded.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/)
    expect((await fetch(base, { headers: { cookie } })).status).toBe(200)
    const api = (headers: Record<string, string>) => fetch(new URL('/api/samples:paths', base), { method: 'POST', body: '[]', headers: { 'content-type': 'application/json', ...headers } })
    expect((await api({})).status).toBe(401)
    expect(JSON.parse(await (await api({ cookie })).text())).toMatchObject({ result: { ok: true } })
    expect((await api({ cookie, origin: 'http://evil.example' })).status).toBe(403)
  })

  it('is forced off loopback, with a random token', async () => {
    const open = await startWebHost({ port: 0, host: '0.0.0.0', rendererDir: dir, handlers })
    try {
      const url = new URL(open.url)
      expect(url.searchParams.get('token')).toMatch(/^[\w-]{32}$/)
      expect((await fetch(`http://127.0.0.1:${url.port}/`)).status).toBe(401)
    } finally {
      await open.close()
    }
  })
})
