// Builds only the renderer (no Electron needed): `tsx scripts/build-renderer.ts [outDir]`.
import { fileURLToPath } from 'node:url'
import { build } from 'vite'
import { rendererConfig } from '../electron.vite.config.ts'

export async function buildRenderer(outDir: string = rendererConfig.build.outDir): Promise<void> {
  await build({ ...rendererConfig, configFile: false, logLevel: 'warn', build: { ...rendererConfig.build, outDir } })
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildRenderer(process.argv[2])
