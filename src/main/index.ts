// The Electron main process, kept thin: one locked-down window (every decision in security.ts),
// the IPC contract answered through one typed helper, and the inference process, which runs the
// engine and the shared handlers (api/handlers.ts) apart from this process and is restarted by
// the supervisor when it crashes. Only what needs Electron (dialogs) is answered here.
import fs from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { app, BrowserWindow, dialog, ipcMain, Menu, Notification, protocol, session, shell, type IpcMainInvokeEvent } from 'electron'
import type { Result } from '../shared/contract.ts'
import { INVOKE_CHANNELS, parseArgs, type InvokeChannel, type InvokeValues, type ParsedArgs } from '../shared/ipc.ts'
import { OpenedFiles, mimeType, resolveAppAsset } from './file-access.ts'
import { CONFIG_ENV, type WorkerConfig } from './inference/protocol.ts'
import { InferenceSupervisor } from './inference/supervisor.ts'
import { keyPress, menuTemplate } from './menu.ts'
import { APP_SCHEME, APP_URL, BLOCKED_CONTENTS_EVENTS, CONTENT_SECURITY_POLICY, IMAGE_SCHEME, linkDecision, permissionAllowed, PRIVILEGED_SCHEMES, secureWebPreferences } from './security.ts'
import { SettingsStore } from './settings.ts'
import { batchNotice, taskbarFraction } from './taskbar.ts'
import { utilitySpawner } from './utility-transport.ts'

const IMAGE_EXTENSIONS = ['jpg', 'jpeg', 'png', 'webp', 'tif', 'tiff', 'avif']
const RENDERER_DIR = fileURLToPath(new URL('../renderer/', import.meta.url))
// Built next to this file by electron-vite (electron.vite.config.ts, entry 'inference').
const WORKER_PATH = fileURLToPath(new URL('./inference.js', import.meta.url))
const files = new OpenedFiles()
let win: BrowserWindow | null = null

// Must happen before 'ready': the schemes of the app's pages and of the user's pictures.
protocol.registerSchemesAsPrivileged(PRIVILEGED_SCHEMES)

function createWindow(): BrowserWindow {
  const w = new BrowserWindow({
    width: 1280,
    height: 860,
    backgroundColor: '#1b1c1f',
    show: false,
    // NOTE: a sandboxed preload must be CommonJS, hence the .cjs output (electron.vite.config.ts).
    webPreferences: secureWebPreferences(fileURLToPath(new URL('../preload/index.cjs', import.meta.url)))
  })
  w.once('ready-to-show', () => w.show())
  const devUrl = process.env.ELECTRON_RENDERER_URL
  void w.loadURL(!app.isPackaged && devUrl ? devUrl : APP_URL)
  return w
}

/** No navigation, no new windows, no webviews, no permissions: the page is the whole app. */
function lockDown(): void {
  app.on('web-contents-created', (_e, contents) => {
    for (const event of BLOCKED_CONTENTS_EVENTS) contents.on(event as 'will-navigate', (e: Electron.Event) => e.preventDefault())
    contents.setWindowOpenHandler(({ url }) => {
      if (linkDecision(url).openExternal) void shell.openExternal(url)
      return { action: 'deny' }
    })
  })
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => callback(permissionAllowed(permission)))
  session.defaultSession.setPermissionCheckHandler((_wc, permission) => permissionAllowed(permission))
}

/** app:// serves the built renderer with the CSP header; lbm-image:// only the granted pictures. */
function serveProtocols(): void {
  const serve = async (file: string | null, headers: Record<string, string> = {}): Promise<Response> => {
    if (!file) return new Response('not found', { status: 404 })
    try {
      return new Response(await fs.readFile(file), { headers: { 'content-type': mimeType(file), ...headers } })
    } catch {
      return new Response('not found', { status: 404 })
    }
  }
  protocol.handle(APP_SCHEME, (req) => serve(resolveAppAsset(RENDERER_DIR, req.url), { 'content-security-policy': CONTENT_SECURITY_POLICY }))
  protocol.handle(IMAGE_SCHEME, (req) => serve(files.resolve(req.url)))
}

/** Only our window's top frame may call in. */
function fromOurWindow(event: IpcMainInvokeEvent): boolean {
  return win !== null && !win.isDestroyed() && event.sender === win.webContents && event.senderFrame === win.webContents.mainFrame
}

/**
 * Dialogs need this process; every other channel (engine work, batches, uploads) runs in the
 * inference process. A new dialog:* channel in the contract fails to compile until it is here.
 * NOTE: main does not import api/handlers.ts, which would load sharp into this process.
 */
type DialogChannel = Extract<InvokeChannel, `dialog:${string}`>
type Dialogs = { [C in DialogChannel]: (...args: ParsedArgs<C>) => Promise<InvokeValues[C]> }
const isDialog = (channel: InvokeChannel): channel is DialogChannel => channel.startsWith('dialog:')

async function runDialog(dialogs: Dialogs, channel: DialogChannel, args: ParsedArgs<DialogChannel>): Promise<Result<unknown>> {
  try {
    const run = dialogs[channel] as (...a: ParsedArgs<DialogChannel>) => Promise<unknown>
    return { ok: true, value: await run(...args) }
  } catch (err) {
    return { ok: false, code: 'FAILED', message: err instanceof Error ? err.message : String(err) }
  }
}

/** The one place that touches ipcMain: arguments are checked here and again where they run. */
function handle(channel: InvokeChannel, dialogs: Dialogs, inference: InferenceSupervisor): void {
  ipcMain.handle(channel, async (event, ...raw: unknown[]): Promise<Result<unknown>> => {
    if (!fromOurWindow(event)) return { ok: false, code: 'FORBIDDEN', message: 'this caller may not use the app' }
    const args = parseArgs(channel, raw)
    if (!args.ok) return args
    const sender = event.sender
    const emit = (push: string, payload: unknown) => {
      if (sender.isDestroyed()) return
      sender.send(push, payload)
      const fraction = taskbarFraction(push, payload)
      if (fraction !== null) win?.setProgressBar(fraction)
    }
    // A page that goes away (reload, close) cancels what it was waiting for.
    const gone = new AbortController()
    const onGone = () => gone.abort()
    sender.once('destroyed', onGone)
    try {
      const result = isDialog(channel) ? await runDialog(dialogs, channel, args.value as ParsedArgs<DialogChannel>) : await inference.invoke(channel, raw, { emit, signal: gone.signal })
      files.grantFromResult(channel, result)
      notifyBatchEnd(channel, result)
      return result
    } finally {
      sender.off('destroyed', onGone)
    }
  })
}

function notifyBatchEnd(channel: string, result: Result<unknown>): void {
  const notice = batchNotice(channel, result)
  if (!notice) return
  win?.setProgressBar(-1)
  if (Notification.isSupported()) new Notification(notice).show()
}

async function main(): Promise<void> {
  // One app, one inference process: a second launch focuses the first window instead.
  if (!app.requestSingleInstanceLock()) return app.quit()
  app.on('second-instance', () => {
    if (win?.isMinimized()) win.restore()
    win?.focus()
  })
  await app.whenReady()
  lockDown()
  serveProtocols()
  const root = app.getAppPath()
  const settings = new SettingsStore(path.join(app.getPath('userData'), 'settings.json'), console.warn)
  const { device } = await settings.load()
  // Packaged: the models ship as extra resources next to app.asar (electron-builder.yml).
  const config: WorkerConfig = {
    modelsDir: process.env.LBM_MODELS_DIR ?? (app.isPackaged ? path.join(process.resourcesPath, 'models') : path.join(root, 'models')),
    samplesDir: app.isPackaged ? path.join(process.resourcesPath, 'samples') : path.join(root, 'resources', 'samples'),
    outputDir: path.join(app.getPath('pictures'), 'LBM Studio'),
    device
  }
  const inference = new InferenceSupervisor({ spawn: utilitySpawner(WORKER_PATH, { [CONFIG_ENV]: JSON.stringify(config) }), log: console.warn })
  inference.start()

  const openImage = async (): Promise<string | null> => {
    const options = {
      properties: ['openFile' as const],
      defaultPath: settings.get().lastFolders.open,
      filters: [{ name: 'Images', extensions: IMAGE_EXTENSIONS }]
    }
    const picked = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options)
    const file = picked.canceled ? null : (picked.filePaths[0] ?? null)
    if (file) {
      app.addRecentDocument(file)
      void settings.addRecent(file)
    }
    return file
  }
  const dialogs: Dialogs = { 'dialog:openImage': openImage }
  for (const channel of INVOKE_CHANNELS) handle(channel, dialogs, inference)

  const isMac = process.platform === 'darwin'
  const sendKey = (accelerator: string) => {
    const { keyCode, modifiers } = keyPress(accelerator, isMac)
    win?.webContents.sendInputEvent({ type: 'keyDown', keyCode, modifiers })
    win?.webContents.sendInputEvent({ type: 'keyUp', keyCode, modifiers })
  }
  const openExternal = (url: string) => void (linkDecision(url).openExternal && shell.openExternal(url))
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate({ isMac, isDev: !app.isPackaged, sendKey, openExternal })))

  win = createWindow()
  app.on('window-all-closed', () => app.quit())
  app.on('before-quit', () => void inference.dispose())
}

void main()
