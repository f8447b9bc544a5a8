// The Batch tab end to end in a real browser (Debian's Chromium through playwright-core), against
// the web host and the real engine on the CPU: a folder of photos with shadows cast on subjects
// the app selects itself, one broken file reported and passed over, and the report on disk.
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { Page } from 'playwright-core'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { samplePath } from '../../src/main/samples.ts'
import { openAppInBrowser, type BrowserApp } from '../helpers/browser.ts'

let dir: string
let app: BrowserApp
let page: Page
const problems: string[] = []

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lbm-batch-ui-'))
  const photos = path.join(dir, 'photos')
  await fs.mkdir(photos)
  // Two small copies of the sample photo, and one file that is not an image at all.
  await sharp(samplePath('still-life.jpg')).resize(512).jpeg().toFile(path.join(photos, 'a.jpg'))
  await sharp(samplePath('still-life.jpg')).resize(400).flop().png().toFile(path.join(photos, 'b.png'))
  await fs.writeFile(path.join(photos, 'c.jpg'), 'not a jpeg')
  app = await openAppInBrowser(dir, problems)
  page = app.page
})

afterAll(async () => {
  await app?.close()
  if (dir) await fs.rm(dir, { recursive: true, force: true })
})

describe('Batch tab', () => {
  it('casts shadows on a folder with automatic subjects, goes past a broken file and writes the report', async () => {
    await page.getByRole('tab', { name: 'Batch' }).click()
    const panel = page.getByRole('region', { name: 'Batch' })
    await panel.getByLabel('Task').selectOption('shadow')
    await panel.getByLabel('Photos folder').fill(path.join(dir, 'photos'))
    await panel.getByLabel('Output folder').fill(path.join(dir, 'out'))
    const start = panel.getByRole('button', { name: 'Start' })
    expect(await start.isEnabled()).toBe(false) // neither masks nor automatic selection yet
    await panel.getByLabel('Select each subject automatically').check()
    expect(await panel.getByLabel('Masks folder (matched by file name)').isDisabled()).toBe(true)
    await start.click()
    await expect.poll(() => panel.locator('p.status').last().textContent(), { timeout: 60_000 }).toMatch(/2 edited, 1 failed, 0 skipped in [\d.]+ s\. Report: /)
    const failed = panel.locator('li[data-status="failed"]')
    expect(await failed.count()).toBe(1)
    expect(await failed.textContent()).toMatch(/c\.jpg.*failed/)
    expect(await panel.locator('li[data-status="done"]').count()).toBe(2)

    const report = JSON.parse(await fs.readFile(path.join(dir, 'out', 'batch-report.json'), 'utf8'))
    expect(report.settings.autoMask).toBe(true)
    expect(report.summary.autoMask).toEqual({ model: 'lbm-segment' })
    expect(report.summary.failures).toEqual([expect.objectContaining({ input: path.join(dir, 'photos', 'c.jpg') })])
    const outputs = (await fs.readdir(path.join(dir, 'out'))).filter((f) => f !== 'batch-report.json').sort()
    expect(outputs).toEqual(['a.jpg', 'b.png'])
    expect((await sharp(path.join(dir, 'out', 'b.png')).metadata()).width).toBe(400) // each at its own size
    expect(await fs.readFile(path.join(dir, 'photos', 'c.jpg'), 'utf8')).toBe('not a jpeg') // inputs untouched
    expect(problems).toEqual([])
  })
})
