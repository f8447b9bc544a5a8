// The batch panel: a task and its settings, input / output / masks folders, start, per-file
// status as the engine's batch runner reports it, cancel, and where the report went.
import { useEffect, useRef, useState } from 'react'
import type { BatchFile, BatchProgress, BatchRequestInput, BatchSummary } from '../../shared/batch.ts'
import type { Task } from '../../shared/contract.ts'
import { api } from './api.ts'
import { LightControls, type LightSettings } from './LightControls.tsx'

const TASK_LABELS: Record<Task, string> = { remove: 'Remove object', shadow: 'Cast shadow', relight: 'Relight' }
const STATUS_LABELS: Record<BatchFile['status'], string> = { pending: 'waiting', running: 'editing…', done: 'done', failed: 'failed', skipped: 'skipped', cancelled: 'not run' }

interface Fields {
  task: Task
  input: string
  output: string
  masks: string
  /** Select each photo's subject automatically instead of mask files (shadow, relight). */
  autoMask: boolean
  recursive: boolean
  skipExisting: boolean
}

function buildRequest(f: Fields, light: LightSettings): BatchRequestInput {
  const edit = f.task === 'shadow' ? { task: f.task, light } : { task: f.task }
  const auto = f.autoMask && f.task !== 'remove'
  const masks = auto ? { autoMask: true } : { masks: f.masks }
  return { edit, inputs: [f.input], recursive: f.recursive, ...masks, output: { dir: f.output, skipExisting: f.skipExisting } }
}

const minutes = (ms: number | null) => (ms === null ? '–' : ms < 60_000 ? `${Math.ceil(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`)

export function BatchPanel() {
  const [fields, setFields] = useState<Fields>({ task: 'remove', input: '', output: '', masks: '', autoMask: false, recursive: true, skipExisting: true })
  const [light, setLight] = useState<LightSettings>({ azimuth: 135, elevation: 35, softness: 0.3 })
  const [id, setId] = useState<string | null>(null)
  const [progress, setProgress] = useState<BatchProgress | null>(null)
  const [files, setFiles] = useState<Record<string, BatchFile>>({})
  const [summary, setSummary] = useState<BatchSummary | null>(null)
  const [error, setError] = useState('')
  const current = useRef<string | null>(null)

  useEffect(
    () =>
      api.onBatchProgress(({ id: batch, progress: p }) => {
        if (batch !== current.current) return
        setProgress(p)
        const file = p.file
        if (file) setFiles((all) => ({ ...all, [file.input]: file }))
      }),
    []
  )

  const set = (patch: Partial<Fields>) => setFields((f) => ({ ...f, ...patch }))

  async function start() {
    setError('')
    setSummary(null)
    setFiles({})
    setProgress(null)
    const started = await api.startBatch(buildRequest(fields, light))
    if (!started.ok) return setError(`Could not start the batch: ${started.message}`)
    current.current = started.value
    setId(started.value)
    const r = await api.waitBatch(started.value)
    if (r.ok) setSummary(r.value)
    else setError(`The batch did not run: ${r.message}`)
    setId(null)
  }

  const running = id !== null
  return (
    <section className="panel batch" aria-label="Batch">
      <label>
        Task
        <select value={fields.task} disabled={running} onChange={(e) => set({ task: e.target.value as Task })}>
          {Object.entries(TASK_LABELS).map(([task, label]) => (
            <option key={task} value={task}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Photos folder
        <input value={fields.input} onChange={(e) => set({ input: e.target.value })} spellCheck={false} />
      </label>
      {fields.task !== 'remove' && (
        <label className="check">
          <input type="checkbox" checked={fields.autoMask} disabled={running} onChange={(e) => set({ autoMask: e.target.checked })} /> Select each subject automatically
        </label>
      )}
      <label>
        Masks folder (matched by file name)
        <input value={fields.masks} disabled={fields.autoMask && fields.task !== 'remove'} onChange={(e) => set({ masks: e.target.value })} spellCheck={false} />
      </label>
      <label>
        Output folder
        <input value={fields.output} onChange={(e) => set({ output: e.target.value })} spellCheck={false} />
      </label>
      <label className="check">
        <input type="checkbox" checked={fields.recursive} onChange={(e) => set({ recursive: e.target.checked })} /> Include subfolders
      </label>
      <label className="check">
        <input type="checkbox" checked={fields.skipExisting} onChange={(e) => set({ skipExisting: e.target.checked })} /> Skip photos already done
      </label>
      {fields.task === 'shadow' && <LightControls value={light} onChange={setLight} />}
      <span className="row">
        <button type="button" className="primary" disabled={running || !fields.input || !fields.output || (!fields.masks && !(fields.autoMask && fields.task !== 'remove'))} onClick={() => void start()}>
          Start
        </button>
        <button type="button" disabled={!running} onClick={() => id && void api.cancelBatch(id)}>
          Cancel
        </button>
      </span>
      {progress && (
        <p className="status" aria-live="polite">
          <progress max={progress.total} value={progress.done} /> {progress.done} of {progress.total} · {progress.photosPerMinute.toFixed(1)} photos/min · {minutes(progress.etaMs)} left
        </p>
      )}
      {summary && (
        <p className="status">
          {summary.cancelled ? 'Cancelled. ' : ''}
          {summary.succeeded} edited, {summary.failed} failed, {summary.skipped} skipped{summary.notRun ? `, ${summary.notRun} not run` : ''} in {(summary.wallMs / 1000).toFixed(1)} s. Report: {summary.report}
        </p>
      )}
      {error && <p role="alert">{error}</p>}
      <ul className="batch-files" aria-label="Files">
        {Object.values(files).map((f) => (
          <li key={f.input} data-status={f.status}>
            <span>{f.input}</span> <strong>{STATUS_LABELS[f.status]}</strong>
            {f.status === 'failed' && ` ${f.code}: ${f.message}`}
          </li>
        ))}
      </ul>
    </section>
  )
}
