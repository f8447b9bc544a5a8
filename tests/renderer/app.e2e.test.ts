// The page end to end in a real browser: the renderer as built, served by the web host, driving
// the real engine (tiny models, CPU).
import fs from 'node:fs/promises'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildRenderer } from '../../scripts/build-renderer.ts'
import { startWebHost, type WebHost } from '../../src/main/web-host.ts'

let outDir: string
let host: WebHost
let browser: Browser
let page: Page

beforeAll(async () => {
  outDir = await fs.mkdtemp(path.join(os.tmpdir(), 'lbm-renderer-'))
  await buildRenderer(outDir)
  host = await startWebHost({ port: 0, rendererDir: outDir, device: 'cpu' })
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
  })
  page = await browser.newPage()
  const problems: string[] = []
  page.on('pageerror', (err) => problems.push(err.message))
  page.on('console', (msg) => msg.type() === 'error' && problems.push(msg.text()))
  await page.goto(host.url)
  // The sample photo is filled in once the page has talked to the host.
  const photo = page.getByLabel('Photo')
  for (let i = 0; i < 100 && !(await photo.inputValue()).endsWith('still-life.jpg'); i++) await page.waitForTimeout(50)
  expect(await photo.inputValue()).toMatch(/still-life\.jpg$/)
  expect(problems).toEqual([])
})

afterAll(async () => {
  await browser?.close()
  await host?.close()
  if (outDir) await fs.rm(outDir, { recursive: true, force: true })
})

describe('LBM Studio page', () => {
  it('casts a shadow on the sample and shows the result and the device', async () => {
    await page.getByLabel('Task').selectOption('shadow')
    await page.getByRole('button', { name: 'Run' }).click()
    const img = page.getByAltText('Result')
    await img.waitFor({ timeout: 30_000 })
    const size = await img.evaluate((el: HTMLImageElement) => el.decode().then(() => ({ w: el.naturalWidth, h: el.naturalHeight })))
    expect(size.w).toBeGreaterThan(0)
    expect(size.h).toBeGreaterThan(0)
    await expect.poll(() => page.locator('figcaption').textContent()).toMatch(/Ran on CPU/)
    await expect.poll(() => page.locator('.status').textContent()).toMatch(/^Preview ready in/)
  })

  it('shows a bad request as one plain sentence', async () => {
    await page.getByLabel('Elevation (°)', { exact: true }).fill('200')
    await page.getByRole('button', { name: 'Run' }).click()
    const alert = page.getByRole('alert')
    await alert.waitFor()
    const text = (await alert.textContent()) ?? ''
    expect(text).toMatch(/^Could not run the edit: light\.elevation: .*90/)
    expect(text).not.toMatch(/[{}]|Error:|at /)
  })
})

describe('web host', () => {
  const api = (channel: string, init: RequestInit = {}) =>
    fetch(new URL(`api/${channel}`, host.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]', ...init })

  it('answers its own origin and refuses other sites and hosts', async () => {
    const ok = await api('samples:paths', { headers: { 'content-type': 'application/json', origin: new URL(host.url).origin } })
    expect(JSON.parse(await ok.text())).toMatchObject({ result: { ok: true } })
    expect((await api('samples:paths', { headers: { 'content-type': 'application/json', origin: 'http://evil.example' } })).status).toBe(403)
    expect((await api('samples:paths', { headers: { 'content-type': 'text/plain' } })).status).toBe(415)
    // fetch may not set Host (a rebound DNS name would), so this one goes through node:http.
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = http.request(new URL('api/samples:paths', host.url), { method: 'POST', headers: { host: 'evil.example', 'content-type': 'application/json' } }, (res) => {
        res.resume()
        resolve(res.statusCode)
      })
      req.on('error', reject)
      req.end('[]')
    })
    expect(status).toBe(421)
  })

  it('serves nothing outside the built renderer', async () => {
    for (const p of ['%2e%2e/package.json', '..%2fpackage.json', '%2e%2e%2f%2e%2e%2fetc%2fpasswd']) {
      expect((await fetch(new URL(p, host.url))).status).toBe(404)
    }
  })
})
