// electron-vite: main (Node, ESM), preload (CommonJS: Electron requires it for sandboxed
// preloads) and the renderer. The renderer config is exported on its own so the web host and the
// e2e test build the very same page with plain vite (scripts/build-renderer.ts).
import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'electron-vite'
import type { Plugin, UserConfig } from 'vite'

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url))

// NOTE: the dev server injects CSS as <style> elements, which the page's strict CSP refuses; only
// `serve` loosens style-src, the built page keeps the policy of index.html.
const devInlineStyles: Plugin = {
  name: 'lbm:dev-inline-styles',
  apply: 'serve',
  transformIndexHtml: (html) => html.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
}

export const rendererConfig = {
  root: here('./src/renderer'),
  // Relative asset URLs: the same build loads from file:// (Electron) and http:// (web host).
  base: './',
  plugins: [react(), devInlineStyles],
  build: { outDir: here('./out/renderer'), emptyOutDir: true }
} satisfies UserConfig

export default defineConfig({
  main: {
    build: {
      // Native modules stay in node_modules, loaded at run time; so does opencv.js (10 MB of
      // JavaScript with its WebAssembly inlined), required only on the first Select subject.
      externalizeDeps: { include: ['onnxruntime-node', 'sharp', '@techstark/opencv-js'] },
      rolldownOptions: {
        // The inference process is a second entry: utilityProcess.fork starts out/main/inference.js.
        input: { index: here('./src/main/index.ts'), inference: here('./src/main/inference/worker.ts') },
        external: ['onnxruntime-node', 'sharp', '@techstark/opencv-js']
      }
    }
  },
  preload: {
    build: {
      rolldownOptions: {
        input: { index: here('./src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' }
      }
    }
  },
  renderer: rendererConfig
})
