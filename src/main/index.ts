// The Electron main process, kept thin: one locked-down window, and the shared handlers
// (api/handlers.ts) answered over IPC through one typed helper. The engine runs in this process
// for now; moving it to a restartable utility process is a later issue.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { app, BrowserWindow, dialog, ipcMain, session, type IpcMainInvokeEvent } from 'electron'
import { INVOKE_CHANNELS, type Emit, type InvokeChannel } from '../shared/ipc.ts'
import { createHandlers, dispatch, type Handlers } from './api/handlers.ts'
import { Engine } from './engine/engine.ts'

const IMAGE_EXTENSIONS = ['jpg', 'jpeg', 'png', 'webp', 'tif', 'tiff', 'avif']
let win: BrowserWindow | null = null

function createWindow(): BrowserWindow {
  const w = new BrowserWindow({
    width: 1280,
    height: 860,
    backgroundColor: '#1b1c1f',
    show: false,
    webPreferences: {
      // NOTE: a sandboxed preload must be CommonJS, hence the .cjs output (electron.vite.config.ts).
      preload: fileURLToPath(new URL('../preload/index.cjs', import.meta.url)),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false
    }
  })
  w.once('ready-to-show', () => w.show())
  const devUrl = process.env.ELECTRON_RENDERER_URL
  if (!app.isPackaged && devUrl) void w.loadURL(devUrl)
  else void w.loadFile(fileURLToPath(new URL('../renderer/index.html', import.meta.url)))
  return w
}

/** No navigation, no new windows, no webviews, no permissions: the page is the whole app. */
function lockDown(): void {
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-navigate', (e) => e.preventDefault())
    contents.on('will-redirect', (e) => e.preventDefault())
    contents.on('will-attach-webview', (e) => e.preventDefault())
    contents.setWindowOpenHandler(() => ({ action: 'deny' }))
  })
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  session.defaultSession.setPermissionCheckHandler(() => false)
}

/** Only our window's top frame may call in. */
function fromOurWindow(event: IpcMainInvokeEvent): boolean {
  return win !== null && !win.isDestroyed() && event.sender === win.webContents && event.senderFrame === win.webContents.mainFrame
}

/** The one place that touches ipcMain: validation and errors are dispatch's job. */
function handle(channel: InvokeChannel, handlers: Handlers): void {
  ipcMain.handle(channel, (event, ...raw: unknown[]) => {
    if (!fromOurWindow(event)) return { ok: false, code: 'FORBIDDEN', message: 'this caller may not use the app' }
    const emit: Emit = (push, payload) => {
      if (!event.sender.isDestroyed()) event.sender.send(push, payload)
    }
    return dispatch(handlers, channel, raw, { emit })
  })
}

async function openImage(): Promise<string | null> {
  const options = { properties: ['openFile' as const], filters: [{ name: 'Images', extensions: IMAGE_EXTENSIONS }] }
  const picked = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options)
  return picked.canceled ? null : (picked.filePaths[0] ?? null)
}

async function main(): Promise<void> {
  await app.whenReady()
  lockDown()
  const root = app.getAppPath()
  const engine = new Engine({ modelsDir: process.env.LBM_MODELS_DIR ?? path.join(root, 'models') })
  const handlers = createHandlers({
    engine,
    samplesDir: path.join(root, 'resources', 'samples'),
    outputDir: path.join(app.getPath('pictures'), 'LBM Studio'),
    openImage
  })
  for (const channel of INVOKE_CHANNELS) handle(channel, handlers)
  win = createWindow()
  app.on('window-all-closed', () => app.quit())
  app.on('before-quit', () => void engine.dispose())
}

void main()
