// Every security decision of the Electron shell, as plain data and pure functions, so tests can
// pin them down under Node (tests/shell/security.test.ts fails if any is loosened) and index.ts
// only wires them to Electron. Type-only electron imports: nothing here runs Electron.
import type { CustomScheme, WebPreferences } from 'electron'

/** The window's webPreferences: Electron's security checklist, nothing left at a default. */
export function secureWebPreferences(preload: string) {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    // A file dropped outside the drop zone must not replace the app with the file.
    navigateOnDragDrop: false,
    safeDialogs: true
  } as const satisfies WebPreferences
}

/** Scheme of the app's own pages (no file://: a page there could read any file). */
export const APP_SCHEME = 'app'
export const APP_HOST = 'bundle'
export const APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`
/** Scheme of the pictures the user opened; see file-access.ts. */
export const IMAGE_SCHEME = 'lbm-image'

/** Both schemes behave like https (standard, secure) and get no privilege beyond that. */
export const PRIVILEGED_SCHEMES: CustomScheme[] = [
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  { scheme: IMAGE_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }
]

/** Sent as a header with every app page (the page's own meta tag says the same, minus frame-ancestors). */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  `img-src 'self' data: blob: ${IMAGE_SCHEME}:`,
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
  "frame-ancestors 'none'"
].join('; ')

/** Hosts that links in the app may open, in the user's browser, never in the app. */
export const EXTERNAL_HOSTS: readonly string[] = ['github.com', 'huggingface.co', 'onnxruntime.ai']

export function isAllowedExternalUrl(raw: string): boolean {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return false
  }
  return url.protocol === 'https:' && url.username === '' && url.password === '' && url.port === '' && EXTERNAL_HOSTS.includes(url.hostname)
}

/**
 * A navigation or window.open request: the app itself never navigates nor opens windows; an
 * allowed external link goes to the user's browser.
 */
export function linkDecision(url: string): { allow: false; openExternal: boolean } {
  return { allow: false, openExternal: isAllowedExternalUrl(url) }
}

/** Permission requests (camera, notifications, clipboard-read, ...): all denied. */
export function permissionAllowed(_permission: string): boolean {
  return false
}

/** The webContents events that index.ts cancels outright. */
export const BLOCKED_CONTENTS_EVENTS = ['will-navigate', 'will-redirect', 'will-frame-navigate', 'will-attach-webview'] as const
