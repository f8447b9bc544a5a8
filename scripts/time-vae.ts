// Times a VAE bundle's encoder and decoder alone through onnxruntime-node on square images
// (median of 5 runs after one warm-up), as its model card reports them.
// Run: npx tsx scripts/time-vae.ts <vae-id> [sides...]
import path from 'node:path'
import { readManifest, verifiedFile } from '../src/main/engine/manifest-loader.ts'
import { openSession, type Feeds, type ModelSession } from '../src/main/engine/runtime.ts'

const [id = 'lbm-vae-s8', ...sideArgs] = process.argv.slice(2)
const sides = sideArgs.length ? sideArgs.map(Number) : [512, 1024]
const { dir, manifest } = await readManifest(path.resolve('models', id), 'vae')

function input(dims: number[]): Feeds[string] {
  const n = dims.reduce((a, b) => a * b, 1)
  return { data: Float32Array.from({ length: n }, (_, i) => 0.5 * Math.sin(i * 0.013)), dims }
}

async function median(s: ModelSession, feeds: Feeds): Promise<number> {
  await s.run(feeds)
  const t: number[] = []
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now()
    await s.run(feeds)
    t.push(performance.now() - t0)
  }
  return t.sort((a, b) => a - b)[2]
}

const f = manifest.downsample
const C = manifest.latentChannels
console.log(`| ${id} (ms, median of 5, CPU) | ${sides.map((s) => `${s}x${s}`).join(' | ')} |`)
console.log(`|---|${sides.map(() => '---').join('|')}|`)
for (const role of ['encoder', 'decoder'] as const) {
  const file = await verifiedFile(id, dir, manifest.files[role])
  const feedsFor = (s: number): Feeds => (role === 'encoder' ? { image: input([1, 3, s, s]) } : { latent: input([1, C, s / f, s / f]) })
  const session = await openSession(file, { preference: 'cpu', warmup: feedsFor(64) })
  const row: string[] = []
  for (const s of sides) row.push((await median(session, feedsFor(s))).toFixed(0))
  console.log(`| ${role} | ${row.join(' | ')} |`)
  await session.dispose()
}
