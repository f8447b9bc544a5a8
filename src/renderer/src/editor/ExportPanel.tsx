// Save a copy: format, quality, metadata. The original photo is never replaced (the host refuses
// it too); an existing file is replaced only when asked.
import { useState } from 'react'
import { OUTPUT_FORMATS } from '../../../shared/contract.ts'
import type { ExportedImage } from '../../../shared/ipc.ts'
import { api } from '../api.ts'

type Format = (typeof OUTPUT_FORMATS)[number]
const LOSSY: readonly Format[] = ['jpeg', 'webp', 'avif']
const EXT: Record<Exclude<Format, 'keep'>, string> = { png: 'png', jpeg: 'jpg', webp: 'webp', tiff: 'tif', avif: 'avif' }

export interface ExportProps {
  source: string
  original: string
  /** Folder and file stem of the default name. */
  dir: string
  stem: string
  onClose: () => void
  onSaved: (saved: ExportedImage) => void
}

function extOf(p: string): string {
  const m = /\.([^./\\]+)$/.exec(p)
  return m ? m[1] : 'png'
}

export function ExportPanel({ source, original, dir, stem, onClose, onSaved }: ExportProps) {
  const [format, setFormat] = useState<Format>('keep')
  const [quality, setQuality] = useState(92)
  const [metadata, setMetadata] = useState<'keep' | 'strip'>('keep')
  const [overwrite, setOverwrite] = useState(false)
  const ext = format === 'keep' ? extOf(original) : EXT[format]
  const [path, setPath] = useState(`${dir}/${stem}-edited.${extOf(original)}`)
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)

  const chooseFormat = (f: Format) => {
    setFormat(f)
    const next = f === 'keep' ? extOf(original) : EXT[f]
    setPath((p) => p.replace(/\.[^./\\]+$/, `.${next}`))
  }

  async function save() {
    setBusy(true)
    setError('')
    const r = await api.exportImage({
      source,
      original,
      output: { path, format, metadata, overwrite, quality: LOSSY.includes(format) || (format === 'keep' && ['jpg', 'jpeg'].includes(ext)) ? quality : undefined }
    })
    setBusy(false)
    if (!r.ok) return setError(`Could not save: ${r.message}`)
    onSaved(r.value)
  }

  return (
    <aside className="sheet" role="dialog" aria-label="Save a copy">
      <h2>Save a copy</h2>
      <label>
        File
        <input value={path} onChange={(e) => setPath(e.target.value)} spellCheck={false} aria-label="Save as" />
      </label>
      <label>
        Format
        <select value={format} onChange={(e) => chooseFormat(e.target.value as Format)}>
          {OUTPUT_FORMATS.map((f) => (
            <option key={f} value={f}>
              {f === 'keep' ? 'Same as the original' : f.toUpperCase()}
            </option>
          ))}
        </select>
      </label>
      <label className="slider">
        Quality ({quality})
        <input type="range" min={1} max={100} value={quality} onChange={(e) => setQuality(Number(e.target.value))} disabled={!LOSSY.includes(format) && !(format === 'keep' && ['jpg', 'jpeg'].includes(ext))} />
      </label>
      <label>
        Metadata (EXIF, colour profile)
        <select value={metadata} onChange={(e) => setMetadata(e.target.value as 'keep' | 'strip')}>
          <option value="keep">Keep</option>
          <option value="strip">Strip</option>
        </select>
      </label>
      <label className="check">
        <input type="checkbox" checked={overwrite} onChange={(e) => setOverwrite(e.target.checked)} />
        Replace the file if it exists (never the original)
      </label>
      {error && <p role="alert">{error}</p>}
      <span className="row">
        <button type="button" className="primary" disabled={busy || !path} onClick={() => void save()}>
          Save
        </button>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </span>
    </aside>
  )
}
