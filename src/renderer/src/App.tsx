// The foundation page: pick a task, point at a photo and a mask, run a preview, see the result and
// which device ran it. The full editor (canvas tools, history, compare) is a later issue.
import { useEffect, useState } from 'react'
import type { EditRequestInput, ProgressEvent, Task } from '../../shared/contract.ts'
import type { PreviewImage, SamplePaths } from '../../shared/ipc.ts'
import { api } from './api.ts'
import { LightControls, type LightSettings } from './LightControls.tsx'
import { BatchPanel } from './BatchPanel.tsx'

const TASK_LABELS: Record<Task, string> = { remove: 'Remove object', shadow: 'Cast shadow', relight: 'Relight' }
const PREVIEW_LONG_SIDE = 1024

interface Fields {
  task: Task
  image: string
  mask: string
  background: string
  output: string
}

function describeProgress(e: ProgressEvent): string {
  return e.step !== undefined && e.total !== undefined ? `${e.stage} ${e.step}/${e.total}` : `${e.stage}…`
}

function buildRequest(f: Fields, light: LightSettings): EditRequestInput {
  const common = { image: f.image, mask: f.mask, output: { path: f.output } }
  switch (f.task) {
    case 'remove':
      return { task: 'remove', ...common }
    case 'shadow':
      return { task: 'shadow', ...common, light }
    case 'relight':
      return { task: 'relight', ...common, background: f.background || undefined }
  }
}

export function App() {
  const [samples, setSamples] = useState<SamplePaths | null>(null)
  const [fields, setFields] = useState<Fields>({ task: 'shadow', image: '', mask: '', background: '', output: '' })
  const [light, setLight] = useState<LightSettings>({ azimuth: 135, elevation: 35, softness: 0.3 })
  const [busy, setBusy] = useState(false)
  const [status, setStatus] = useState('')
  const [error, setError] = useState('')
  const [result, setResult] = useState<PreviewImage | null>(null)
  const [tab, setTab] = useState<'edit' | 'batch'>('edit')

  useEffect(() => {
    void api.samplePaths().then((r) => {
      if (!r.ok) return setError(r.message)
      setSamples(r.value)
      const s = r.value
      setFields({ task: 'shadow', image: s.photo, mask: s.subjectMask, background: s.backdrop, output: `${s.outputDir}/still-life-shadow.png` })
    })
    return api.onProgress((e) => setStatus(describeProgress(e)))
  }, [])

  const set = (patch: Partial<Fields>) => setFields((f) => ({ ...f, ...patch }))
  const chooseTask = (task: Task) => {
    const mask = samples ? (task === 'remove' ? samples.objectMask : samples.subjectMask) : fields.mask
    set({ task, mask, output: samples ? `${samples.outputDir}/still-life-${task}.png` : fields.output })
  }
  const openImage = async () => {
    const r = await api.openImage()
    if (r.ok && r.value) set({ image: r.value })
  }

  async function go(kind: 'preview' | 'save') {
    setBusy(true)
    setError('')
    setStatus('starting…')
    const started = performance.now()
    const request = buildRequest(fields, light)
    const seconds = () => `${((performance.now() - started) / 1000).toFixed(1)} s`
    if (kind === 'preview') {
      const r = await api.previewEdit(request, { maxLongSide: PREVIEW_LONG_SIDE })
      if (r.ok) setResult(r.value)
      setStatus(r.ok ? `Preview ready in ${seconds()}` : '')
      if (!r.ok) setError(`Could not run the edit: ${r.message}`)
    } else {
      const r = await api.runEdit(request)
      setStatus(r.ok ? `Saved ${r.value.output} (${r.value.width}×${r.value.height}) in ${seconds()}` : '')
      if (!r.ok) setError(`Could not save the edit: ${r.message}`)
    }
    setBusy(false)
  }

  return (
    <main className="app">
      <header>
        <h1>LBM Studio</h1>
        <nav role="tablist">
          <button type="button" role="tab" aria-selected={tab === 'edit'} onClick={() => setTab('edit')}>
            Edit
          </button>
          <button type="button" role="tab" aria-selected={tab === 'batch'} onClick={() => setTab('batch')}>
            Batch
          </button>
        </nav>
      </header>
      {tab === 'batch' && <BatchPanel />}
      {tab === 'edit' && (
        <>
          <section className="panel" aria-label="Edit settings">
            <label>
              Task
              <select value={fields.task} onChange={(e) => chooseTask(e.target.value as Task)}>
                {Object.entries(TASK_LABELS).map(([task, label]) => (
                  <option key={task} value={task}>
                    {label}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Photo
              <span className="row">
                <input value={fields.image} onChange={(e) => set({ image: e.target.value })} spellCheck={false} />
                <button type="button" onClick={() => void openImage()} disabled={!window.api} title={window.api ? '' : 'Only in the desktop app'}>
                  Open…
                </button>
              </span>
            </label>
            <label>
              Mask
              <input value={fields.mask} onChange={(e) => set({ mask: e.target.value })} spellCheck={false} />
            </label>
            {fields.task === 'relight' && (
              <label>
                Background
                <input value={fields.background} onChange={(e) => set({ background: e.target.value })} spellCheck={false} />
              </label>
            )}
            {fields.task === 'shadow' && <LightControls value={light} onChange={setLight} />}
            <label>
              Save to
              <input value={fields.output} onChange={(e) => set({ output: e.target.value })} spellCheck={false} />
            </label>
            <span className="row">
              <button type="button" className="primary" disabled={busy || !fields.image} onClick={() => void go('preview')}>
                Run
              </button>
              <button type="button" disabled={busy || !fields.image} onClick={() => void go('save')}>
                Save full size
              </button>
            </span>
            <p className="status" aria-live="polite">
              {status}
            </p>
            {error && <p role="alert">{error}</p>}
          </section>
          <section className="view" aria-label="Result">
            {result ? (
              <figure>
                <img alt="Result" src={`data:image/png;base64,${result.pngBase64}`} />
                <figcaption>
                  {result.width}×{result.height} · Ran on <strong>{result.device.kind.toUpperCase()}</strong> ({result.device.provider})
                </figcaption>
              </figure>
            ) : (
              <p className="hint">Run an edit to see the result here.</p>
            )}
          </section>
        </>
      )}
    </main>
  )
}
