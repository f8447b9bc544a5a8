// Debian's Chromium for the browser tests (playwright-core drives it; nothing is downloaded).
import path from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { buildRenderer } from '../../scripts/build-renderer.ts'
import { createHandlers } from '../../src/main/api/handlers.ts'
import { Engine } from '../../src/main/engine/engine.ts'
import { samplePath } from '../../src/main/samples.ts'
import { startWebHost, type WebHost } from '../../src/main/web-host.ts'

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
  })
}

/** A page at the app's size that records its script errors and console errors into `problems`. */
export async function appPage(browser: Browser, problems: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' })
  page.on('pageerror', (err) => problems.push(err.message))
  page.on('console', (msg) => msg.type() === 'error' && problems.push(msg.text()))
  return page
}

/** The renderer as built, served by the web host over the real engine (CPU), open in Chromium. */
export interface BrowserApp {
  engine: Engine
  host: WebHost
  browser: Browser
  page: Page
  close(): Promise<void>
}

/** Builds the renderer into `dir`/renderer and opens it; outputs go to `dir`/outputs. */
export async function openAppInBrowser(dir: string, problems: string[]): Promise<BrowserApp> {
  const rendererDir = path.join(dir, 'renderer')
  await buildRenderer(rendererDir)
  const engine = new Engine({ device: 'cpu' })
  const handlers = createHandlers({ engine, samplesDir: path.dirname(samplePath('still-life.jpg')), outputDir: path.join(dir, 'outputs'), openImage: async () => null })
  const host = await startWebHost({ port: 0, rendererDir, handlers })
  const browser = await launchChromium()
  const page = await appPage(browser, problems)
  await page.goto(host.url)
  return {
    engine,
    host,
    browser,
    page,
    async close() {
      await browser.close()
      await host.close()
      await engine.dispose()
    }
  }
}
