// Draws the bundled sample photos (resources/samples) procedurally, so they carry no third-party
// licence: a still life (a ball on a table, a box to erase), its masks, and a backdrop to relight
// onto. The JPEG carries EXIF and an ICC profile, so the demo shows metadata surviving an edit.
// Run: npx tsx scripts/make-samples.ts
import sharp from 'sharp'
import path from 'node:path'

const W = 1024
const H = 768
const out = path.resolve('resources/samples')

function hash(x: number, y: number): number {
  const s = Math.sin(x * 127.1 + y * 311.7) * 43758.5453
  return s - Math.floor(s)
}

const ball = { x: 430, y: 470, r: 150 }
const box = { x0: 700, y0: 470, x1: 840, y1: 600 }

function stillLife() {
  const rgb = Buffer.alloc(W * H * 3)
  const subject = Buffer.alloc(W * H)
  const object = Buffer.alloc(W * H)
  const horizon = 430
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const n = hash(x, y) * 10 - 5
      let c: number[]
      if (y < horizon) c = [200 - y * 0.08, 196 - y * 0.08, 186 - y * 0.1] // wall, lit from the upper left
      else {
        const grain = 12 * Math.sin(x * 0.05 + Math.sin(y * 0.02) * 3)
        c = [150 + grain - (y - horizon) * 0.05, 112 + grain * 0.7, 80 + grain * 0.4] // wooden table
      }
      c = c.map((v) => v + n - x * 0.02)
      const dx = x - ball.x
      const dy = y - ball.y
      const d2 = dx * dx + dy * dy
      if (d2 <= ball.r * ball.r) {
        const nz = Math.sqrt(1 - d2 / (ball.r * ball.r))
        const lambert = Math.max(0, (-dx * 0.5 - dy * 0.6) / ball.r + nz * 0.62)
        const spec = Math.pow(Math.max(0, lambert), 24) * 120
        c = [60 + 170 * lambert + spec, 20 + 40 * lambert + spec, 25 + 35 * lambert + spec]
        subject[y * W + x] = 255
      }
      if (x >= box.x0 && x < box.x1 && y >= box.y0 && y < box.y1) {
        const side = x > box.x1 - 40 ? 0.6 : 1
        c = [40 * side, 90 * side, 170 * side].map((v) => v + n)
      }
      // The object mask is painted loosely, as a user would: a rounded blob around the box.
      const ox = Math.max(box.x0 - 12 - x, 0, x - box.x1 - 12)
      const oy = Math.max(box.y0 - 12 - y, 0, y - box.y1 - 12)
      if (ox * ox + oy * oy < 144) object[y * W + x] = 255
      for (let k = 0; k < 3; k++) rgb[(y * W + x) * 3 + k] = Math.max(0, Math.min(255, Math.round(c[k])))
    }
  }
  return { rgb, subject, object }
}

function backdrop() {
  const rgb = Buffer.alloc(W * H * 3)
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const t = y / H
      const sun = Math.exp(-((x - 800) ** 2 + (y - 300) ** 2) / 20000) * 90
      const c = [250 * (1 - t) + 90 * t + sun, 150 * (1 - t) + 60 * t + sun * 0.8, 90 * (1 - t) + 70 * t + sun * 0.3]
      for (let k = 0; k < 3; k++) rgb[(y * W + x) * 3 + k] = Math.max(0, Math.min(255, Math.round(c[k] + hash(x, y) * 6)))
    }
  }
  return rgb
}

const raw = { width: W, height: H, channels: 3 as const }
const { rgb, subject, object } = stillLife()
const exif = { IFD0: { Artist: 'LBM Studio', Copyright: 'CC0 1.0', ImageDescription: 'procedural still life', Software: 'scripts/make-samples.ts' } }
await sharp(rgb, { raw }).withExif(exif).withIccProfile('srgb').jpeg({ quality: 92 }).toFile(path.join(out, 'still-life.jpg'))
await sharp(subject, { raw: { width: W, height: H, channels: 1 } }).blur(0.8).png().toFile(path.join(out, 'still-life-subject-mask.png'))
await sharp(object, { raw: { width: W, height: H, channels: 1 } }).png().toFile(path.join(out, 'still-life-object-mask.png'))
await sharp(backdrop(), { raw }).withExif(exif).jpeg({ quality: 90 }).toFile(path.join(out, 'sunset-backdrop.jpg'))
console.log(`wrote samples to ${out}`)
