// Debian's Chromium for the browser tests (playwright-core drives it; nothing is downloaded).
import { chromium, type Browser, type Page } from 'playwright-core'

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
