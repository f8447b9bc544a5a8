// Pins the window's security settings: each assertion fails if someone loosens one.
import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  BLOCKED_CONTENTS_EVENTS,
  CONTENT_SECURITY_POLICY,
  isAllowedExternalUrl,
  linkDecision,
  permissionAllowed,
  PRIVILEGED_SCHEMES,
  secureWebPreferences
} from '../../src/main/security.ts'

const directives = (csp: string) => new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]))
const mainSource = fs.readFileSync('src/main/index.ts', 'utf8')
const preloadSource = fs.readFileSync('src/preload/index.ts', 'utf8')

describe('webPreferences', () => {
  it('isolate, sandbox and keep Node out of the page', () => {
    expect(secureWebPreferences('/p.cjs')).toEqual({
      preload: '/p.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true
    })
  })

  it('are the ones the window is created with, and the page is not loaded from file://', () => {
    expect(mainSource).toMatch(/webPreferences: secureWebPreferences\(/)
    expect(mainSource).not.toMatch(/nodeIntegration|contextIsolation|webSecurity|sandbox\s*:/)
    expect(mainSource).not.toMatch(/loadFile\(|file:\/\//)
    expect(mainSource).toMatch(/registerSchemesAsPrivileged\(PRIVILEGED_SCHEMES\)/)
  })
})

describe('content security policy', () => {
  const strict = (csp: string) => {
    const d = directives(csp)
    expect(d.get('default-src')).toEqual(["'none'"])
    expect(d.get('script-src')).toEqual(["'self'"])
    expect(d.get('object-src')).toEqual(["'none'"])
    expect(d.get('base-uri')).toEqual(["'none'"])
    expect(csp).not.toMatch(/unsafe-|\*|https?:|file:/)
  }
  it('of the header is strict and forbids framing', () => {
    strict(CONTENT_SECURITY_POLICY)
    expect(directives(CONTENT_SECURITY_POLICY).get('frame-ancestors')).toEqual(["'none'"])
    expect(directives(CONTENT_SECURITY_POLICY).get('connect-src')).toEqual(["'self'"])
  })
  it('of the page itself is strict too', () => {
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(fs.readFileSync('src/renderer/index.html', 'utf8'))
    expect(meta).not.toBeNull()
    strict(meta![1]!)
    // The same policy as the header, which adds only frame-ancestors (ignored in a meta tag).
    const header = directives(CONTENT_SECURITY_POLICY)
    header.delete('frame-ancestors')
    expect(directives(meta![1]!)).toEqual(header)
  })
  it('is sent with every app page', () => {
    expect(mainSource).toMatch(/'content-security-policy': CONTENT_SECURITY_POLICY/)
  })
})

describe('navigation, windows, links and permissions', () => {
  it('blocks every navigation and new window; opens only allowed https links outside', () => {
    expect([...BLOCKED_CONTENTS_EVENTS].sort()).toEqual(['will-attach-webview', 'will-frame-navigate', 'will-navigate', 'will-redirect'])
    expect(linkDecision('https://github.com/x/y')).toEqual({ allow: false, openExternal: true })
    for (const url of [
      'http://github.com/',
      'https://github.com.evil.example/',
      'https://evil.example/?https://github.com',
      'https://user@github.com/',
      'https://github.com:8443/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'app://bundle/index.html',
      'not a url'
    ]) {
      expect(isAllowedExternalUrl(url), url).toBe(false)
      expect(linkDecision(url)).toEqual({ allow: false, openExternal: false })
    }
    expect(mainSource).toMatch(/setWindowOpenHandler\([^]*return \{ action: 'deny' \}/)
    expect(mainSource).toMatch(/for \(const event of BLOCKED_CONTENTS_EVENTS\) contents\.on\(event as '[\w-]+', \(e: Electron\.Event\) => e\.preventDefault\(\)\)/)
  })

  it('denies every permission, on request and on check', () => {
    for (const p of ['media', 'notifications', 'clipboard-read', 'geolocation', 'openExternal', 'fileSystem']) expect(permissionAllowed(p)).toBe(false)
    expect(mainSource).toMatch(/setPermissionRequestHandler\(\(_wc, permission, callback\) => callback\(permissionAllowed\(permission\)\)\)/)
    expect(mainSource).toMatch(/setPermissionCheckHandler\(\(_wc, permission\) => permissionAllowed\(permission\)\)/)
  })

  it('gives the custom schemes no privilege beyond https', () => {
    for (const { privileges } of PRIVILEGED_SCHEMES) {
      expect(privileges).toEqual({ standard: true, secure: true, supportFetchAPI: true })
    }
  })
})

describe('IPC surface', () => {
  it('checks the sender of every call, and the preload exposes no generic send or invoke', () => {
    expect(mainSource).toMatch(/if \(!fromOurWindow\(event\)\) return \{ ok: false, code: 'FORBIDDEN'/)
    expect(mainSource.match(/ipcMain\.\w+/g)).toEqual(['ipcMain.handle'])
    expect(preloadSource).toMatch(/contextBridge\.exposeInMainWorld\('api', api\)/)
    expect(preloadSource.match(/exposeInMainWorld/g)).toHaveLength(1)
    expect(preloadSource).not.toMatch(/\b(send|invoke|on)\s*:\s*\(/)
    expect(preloadSource).toMatch(/webUtils\.getPathForFile/)
  })

  it('keeps the engine and its native modules out of the main process', () => {
    // The main process forwards; the inference process (a separate entry) loads sharp and ONNX Runtime.
    expect(mainSource).not.toMatch(/from '\.\/(api|engine|image-io|batch)\//)
    expect(mainSource).toMatch(/inference\.invoke\(channel, raw,/)
  })
})
