// The custom protocols serve the app's own files and the pictures the user opened, nothing else.
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { OpenedFiles, mimeType, resolveAppAsset } from '../../src/main/file-access.ts'

describe('app://', () => {
  const root = path.resolve('/srv/app/renderer')
  it('serves files under the renderer folder', () => {
    expect(resolveAppAsset(root, 'app://bundle/index.html')).toBe(path.join(root, 'index.html'))
    expect(resolveAppAsset(root, 'app://bundle/assets/index-x.js?v=1')).toBe(path.join(root, 'assets', 'index-x.js'))
    expect(mimeType('a/index-x.js')).toMatch(/^text\/javascript/)
  })
  it('never leaves the renderer folder, and refuses other hosts and schemes', () => {
    // URL parsing folds `..` away; whatever remains must stay inside the folder.
    for (const url of ['app://bundle/../../etc/passwd', 'app://bundle/%2e%2e/%2e%2e/etc/passwd', 'app://bundle/..%2f..%2fetc%2fpasswd', 'app://bundle/..%5c..%5cwin.ini']) {
      const file = resolveAppAsset(root, url)
      expect(file === null || file.startsWith(root + path.sep), `${url} -> ${file}`).toBe(true)
    }
    for (const url of ['app://bundle/', 'app://bundle/%00.html', 'app://bundle/%E0%A4%A', 'app://other/index.html', 'file:///srv/app/renderer/index.html', 'lbm-image://bundle/index.html']) {
      expect(resolveAppAsset(root, url), url).toBeNull()
    }
  })
})

describe('lbm-image://', () => {
  it('serves a picture only once the main process granted it', () => {
    const files = new OpenedFiles()
    const photo = path.resolve('/photos/ünïcode dir/still life.JPG')
    expect(files.resolve(OpenedFiles.urlFor(photo))).toBeNull()
    const url = files.grant(photo)
    expect(files.resolve(url)).toBe(photo)
    expect(files.resolve(OpenedFiles.urlFor('/etc/passwd'))).toBeNull()
    expect(files.resolve(OpenedFiles.urlFor('/photos/ünïcode dir/other.jpg'))).toBeNull()
    expect(files.resolve(url.replace('lbm-image://file/', 'lbm-image://file/..%2F'))).toBeNull()
  })
  it('grants only pictures, and only from the answers that hand them to the page', () => {
    const files = new OpenedFiles()
    files.grant('/etc/shadow')
    expect(files.resolve(OpenedFiles.urlFor('/etc/shadow'))).toBeNull()
    files.grantFromResult('dialog:openImage', { ok: true, value: '/p/a.png' })
    files.grantFromResult('edit:run', { ok: true, value: { output: '/p/out.webp' } })
    files.grantFromResult('samples:paths', { ok: true, value: { photo: '/s/p.jpg', subjectMask: '/s/m.png', objectMask: '/s/o.png', backdrop: '/s/b.jpg', outputDir: '/o' } })
    files.grantFromResult('models:list', { ok: true, value: '/p/b.png' })
    files.grantFromResult('dialog:openImage', { ok: false, code: 'X', message: '/p/c.png' })
    const ok = (f: string) => files.resolve(OpenedFiles.urlFor(f)) === path.resolve(f)
    expect(['/p/a.png', '/p/out.webp', '/s/p.jpg', '/s/b.jpg'].every(ok)).toBe(true)
    expect(['/p/b.png', '/p/c.png'].some(ok)).toBe(false)
  })
})
