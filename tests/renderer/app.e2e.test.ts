// The page end to end in a real browser: the renderer as built, served by the web host, driving
// the real engine (tiny models, CPU).
import fs from 'node:fs/promises'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildRenderer } from '../../scripts/build-renderer.ts'
import { startWebHost, type WebHost } from '../../src/main/web-host.ts'
import { createHandlers, type EngineLike } from '../../src/main/api/handlers.ts'
import { Engine } from '../../src/main/engine/engine.ts'
import { handleFrame, lightToHandle } from '../../src/renderer/src/editor/light-geometry.ts'
import { appPage, launchChromium } from '../helpers/browser.ts'

let outDir: string
let host: WebHost
let browser: Browser
let page: Page
let engine: Engine
/** Set by a test: the next full-size run waits (up to 20 s) before it starts, so it can be cancelled. */
let holdNextRun = false

/** The real engine, except that a held run is long: it waits for its cancel first. */
function holdingEngine(real: Engine): EngineLike {
  return {
    models: () => real.models(),
    preview: (...args) => real.preview(...args),
    segment: (...args) => real.segment(...args),
    async run(request, opts) {
      if (holdNextRun) {
        holdNextRun = false
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(resolve, 20_000)
          opts?.signal?.addEventListener('abort', () => {
            clearTimeout(timer)
            reject(opts.signal?.reason)
          })
        })
      }
      return real.run(request, opts)
    }
  }
}

beforeAll(async () => {
  outDir = await fs.mkdtemp(path.join(os.tmpdir(), 'lbm-renderer-'))
  await buildRenderer(outDir)
  engine = new Engine({ device: 'cpu' })
  const handlers = createHandlers({
    engine: holdingEngine(engine),
    samplesDir: fileURLToPath(new URL('../../resources/samples', import.meta.url)),
    outputDir: path.join(outDir, 'outputs'),
    openImage: async () => null
  })
  host = await startWebHost({ port: 0, rendererDir: outDir, handlers })
  browser = await launchChromium()
  const problems: string[] = []
  page = await appPage(browser, problems)
  await page.goto(host.url)
  // The sample photo is filled in once the page has talked to the host.
  const photo = page.getByLabel('Photo', { exact: true })
  for (let i = 0; i < 100 && !(await photo.inputValue()).endsWith('still-life.jpg'); i++) await page.waitForTimeout(50)
  expect(await photo.inputValue()).toMatch(/still-life\.jpg$/)
  expect(problems).toEqual([])
})

afterAll(async () => {
  await browser?.close()
  await host?.close()
  await engine?.dispose()
  if (outDir) await fs.rm(outDir, { recursive: true, force: true })
})

// Screenshots are test artifacts (git-ignored); UPDATE_SCREENSHOTS=1 refreshes the README's copies.
const shots = fileURLToPath(new URL(process.env.UPDATE_SCREENSHOTS ? '../../docs/screenshots/' : '../../test-artifacts/screenshots/', import.meta.url))

/** A small PNG of the page for the README and as a test artifact. */
async function shot(name: string): Promise<void> {
  const png = await page.screenshot()
  await fs.mkdir(shots, { recursive: true })
  await sharp(png).resize({ width: 800 }).png({ palette: true, quality: 60, effort: 7 }).toFile(path.join(shots, `${name}.png`))
}

/** The picture's rectangle on the page (the editor fits it in the canvas area with a 16 px margin). */
async function pictureBox(size = { width: 1024, height: 768 }) {
  const box = (await page.locator('.editor-view').boundingBox())!
  const scale = Math.min((box.width - 32) / size.width, (box.height - 32) / size.height)
  const x = box.x + (box.width - size.width * scale) / 2
  const y = box.y + (box.height - size.height * scale) / 2
  /** Page point of a fraction (u, v) of the picture. */
  return (u: number, v: number) => ({ x: x + u * size.width * scale, y: y + v * size.height * scale })
}

async function drag(from: { x: number; y: number }, to: { x: number; y: number }, steps = 8): Promise<void> {
  await page.mouse.move(from.x, from.y)
  await page.mouse.down()
  for (let i = 1; i <= steps; i++) await page.mouse.move(from.x + ((to.x - from.x) * i) / steps, from.y + ((to.y - from.y) * i) / steps)
  await page.mouse.up()
}

const shownSrc = () => page.getByAltText('Shown').getAttribute('src')
const statusText = () => page.locator('.status').textContent()

describe('the editor', () => {
  let originalSrc: string | null
  let resultSrc: string | null

  it('opens the sample photo', async () => {
    await page.getByRole('button', { name: 'Sample photo' }).click()
    await expect.poll(statusText).toMatch(/Opened still-life \(1024×768\)/)
    await page.locator('.editor-view canvas').first().waitFor()
    originalSrc = await shownSrc()
    // Each task offers its installed models (the shipped tiny ones here) beside the default.
    await expect.poll(() => page.getByLabel('Model').locator('option').count()).toBeGreaterThan(1)
    expect(originalSrc).toMatch(/^data:image\/png;base64,/)
    await shot('1-open')
  })

  it('paints a mask stroke, removes it at full size and shows the device', async () => {
    const at = await pictureBox()
    await drag(at(0.3, 0.55), at(0.55, 0.6), 12)
    expect(await page.locator('.editor-view').getAttribute('data-tool')).toBe('brush.idle')
    expect(await page.getByRole('button', { name: 'Undo' }).isEnabled()).toBe(true)
    await shot('2-mask')
    await page.getByRole('button', { name: 'Remove object' }).click()
    await expect.poll(statusText, { timeout: 30_000 }).toMatch(/^Remove object: done in .* at 1024×768/)
    expect(await page.locator('.device').textContent()).toMatch(/Ran on CPU/)
    resultSrc = await shownSrc()
    expect(resultSrc).not.toBe(originalSrc)
    await shot('3-removed')
  })

  it('compares with the original while Tab is held', async () => {
    await page.keyboard.down('Tab')
    await expect.poll(shownSrc).toBe(originalSrc)
    await page.getByText('Original', { exact: true }).waitFor()
    await shot('4-compare')
    await page.keyboard.up('Tab')
    await expect.poll(shownSrc).toBe(resultSrc)
  })

  it('undoes and redoes the removal as one step each', async () => {
    await page.keyboard.press('Control+z')
    await expect.poll(shownSrc).toBe(originalSrc)
    await page.keyboard.press('Control+Shift+z')
    await expect.poll(shownSrc).toBe(resultSrc)
  })

  it('saves a copy at the photo\'s size, never over the original', async () => {
    const out = path.join(outDir, 'saved', 'still-life-edited.jpg')
    await page.keyboard.press('Control+s')
    const sheet = page.getByRole('dialog', { name: 'Save a copy' })
    await sheet.waitFor()
    await sheet.getByLabel('Save as').fill(out)
    await shot('5-export')
    await sheet.getByRole('button', { name: 'Save' }).click()
    await expect.poll(statusText).toMatch(/^Saved .*still-life-edited\.jpg \(1024×768, jpeg\)/)
    const meta = await sharp(out).metadata()
    expect([meta.width, meta.height, meta.format]).toEqual([1024, 768, 'jpeg'])
  })

  it('previews the shadow live while the light handle is dragged', async () => {
    await page.getByLabel('Task').selectOption('shadow')
    await page.getByRole('button', { name: /^Rectangle/ }).click()
    const at = await pictureBox()
    await drag(at(0.35, 0.3), at(0.65, 0.8))
    await expect.poll(shownSrc, { timeout: 30_000 }).not.toBe(resultSrc)
    await expect.poll(() => page.locator('.status').textContent()).not.toMatch(/previewing/)
    const before = await shownSrc()
    const direction = () => page.getByLabel('Light direction').textContent()
    expect(await direction()).toBe('azimuth 135°, elevation 35°')
    await page.keyboard.press('g')
    // The handle circles the selection's centre: press on it, where the geometry puts it.
    const frame = handleFrame(1024, 768, { x: 0.5 * 1024, y: 0.55 * 768 })
    const handle = lightToHandle({ azimuth: 135, elevation: 35 }, frame)
    const from = at(handle.x / 1024, handle.y / 768)
    await page.mouse.move(from.x, from.y)
    await page.mouse.down()
    expect(await direction()).toMatch(/^azimuth 13[4-6]°, elevation 3[4-6]°$/) // grabbed in place, no jump
    // Drag it to the right of the subject, level with its centre: light from the right, low.
    const to = at(0.5 + 0.45, 0.55)
    for (let i = 1; i <= 10; i++) await page.mouse.move(from.x + ((to.x - from.x) * i) / 10, from.y + ((to.y - from.y) * i) / 10)
    await page.mouse.up()
    expect(await direction()).toMatch(/^azimuth (35[89]|0|1)°, elevation 5°$/)
    await expect.poll(shownSrc, { timeout: 30_000 }).not.toBe(before)
    await expect.poll(() => page.locator('.status').textContent(), { timeout: 30_000 }).not.toMatch(/previewing/)
    await shot('6-light')
    // The same light by numbers: applied on Enter, clamped to the contract's range.
    await page.getByLabel('Elevation (°)').fill('200')
    await page.getByLabel('Elevation (°)').press('Enter')
    await expect.poll(direction).toMatch(/elevation 90°$/)
    expect(await page.getByLabel('Elevation (°)').inputValue()).toBe('90')
  })

  it('cancels a long run promptly', async () => {
    holdNextRun = true
    await page.getByRole('button', { name: 'Cast shadow' }).click()
    const cancel = page.getByRole('button', { name: 'Cancel' })
    await cancel.waitFor()
    expect(await page.getByLabel('Progress').isVisible()).toBe(true)
    await shot('7-running')
    const asked = Date.now()
    await cancel.click()
    await expect.poll(statusText).toBe('Cancelled.')
    expect(Date.now() - asked).toBeLessThan(2000)
    await cancel.waitFor({ state: 'detached' })
    expect(await page.getByRole('alert').count()).toBe(0) // a cancel is not an error
  })

  it('says in plain words when a photo cannot be opened', async () => {
    await page.getByLabel('Photo', { exact: true }).fill('/nowhere/missing.jpg')
    await page.getByRole('button', { name: 'Open', exact: true }).click()
    const alert = page.getByRole('alert')
    await alert.waitFor()
    const text = (await alert.textContent()) ?? ''
    expect(text).toMatch(/^Could not open the photo: .*missing\.jpg/)
    expect(text).not.toMatch(/[{}]|Error:|at /)
  })

  it('opens a photo dropped on the canvas (uploaded: a browser gives no path)', async () => {
    const bytes = (await fs.readFile(fileURLToPath(new URL('../../resources/samples/sunset-backdrop.jpg', import.meta.url)))).toString('base64')
    const transfer = await page.evaluateHandle((b64) => {
      const dt = new DataTransfer()
      const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))
      dt.items.add(new File([data], 'sunset-backdrop.jpg', { type: 'image/jpeg' }))
      return dt
    }, bytes)
    await page.locator('.editor-view').dispatchEvent('drop', { dataTransfer: transfer })
    await expect.poll(statusText, { timeout: 15_000 }).toMatch(/^Opened sunset-backdrop \(1024×768\)/)
    expect(await page.getByRole('button', { name: 'Undo' }).isEnabled()).toBe(false) // a new photo, a new history
  })

  it('opens a photo chosen with the browser\'s file picker', async () => {
    await page.getByLabel('Choose a photo').setInputFiles(fileURLToPath(new URL('../../resources/samples/still-life.jpg', import.meta.url)))
    await expect.poll(statusText, { timeout: 15_000 }).toMatch(/^Opened still-life \(1024×768\)/)
    expect(await page.getByLabel('Photo', { exact: true }).inputValue()).toMatch(/photos[\\/][0-9a-f]{32}[\\/]still-life\.jpg$/)
  })

  it('lists the keyboard shortcuts', async () => {
    await page.locator('body').press('?')
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' })
    await help.waitFor()
    expect(await help.textContent()).toMatch(/Hold Tab.*original/)
    await shot('8-shortcuts')
    await page.keyboard.press('Escape')
    await help.waitFor({ state: 'detached' })
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
