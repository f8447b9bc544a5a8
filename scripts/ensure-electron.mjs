// `npm start` runs this first. Electron's binary is not fetched by `npm install` (package.json
// allowScripts holds its download back, so the install works on machines that reach only the
// npm registry); on a desktop it is fetched here, once, on first start.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

const require = createRequire(import.meta.url)
const dir = path.dirname(require.resolve('electron/package.json'))
if (!fs.existsSync(path.join(dir, 'path.txt'))) {
  console.log('Fetching the Electron binary (first start only)...')
  const r = spawnSync(process.execPath, [path.join(dir, 'install.js')], { stdio: 'inherit' })
  if (r.status !== 0) {
    console.error(
      'Electron could not be downloaded on this machine. Everything else works without it:\n' +
        '  npm run demo        edits the sample photos and writes before/after files\n' +
        '  npx lbm --help      the command line\n' +
        '  npm run web         the editor in a browser, served on 127.0.0.1'
    )
    process.exit(1)
  }
}
