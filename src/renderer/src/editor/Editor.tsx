// The editor: open a photo, select with the tools, place the light, watch the live preview, run
// the task at full size, compare, undo and save a copy. State that one undo step restores lives in
// the History's document; the tools change it only through their ToolHost.
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react'
import type { DeviceReport, ProgressEvent, Result, Task } from '../../../shared/contract.ts'
import type { LoadedImage, ModelInfo, PreviewImage, SamplePaths } from '../../../shared/ipc.ts'
import { api } from '../api.ts'
import { createTools, type MaskOp, type Point, type ToolHost, type ToolId } from '../tools/index.ts'
import { activeLight, addLight, editBase, editRequest, emptyDoc, patchLight, removeLight, TASK_LABELS, type EditorDoc, type LightState, type MaskRefine } from './document.ts'
import { EditorCanvas, usePngImage } from './EditorCanvas.tsx'
import { ExportPanel } from './ExportPanel.tsx'
import { HelpPanel } from './HelpPanel.tsx'
import { LightPanel, type SliderProps } from './LightPanel.tsx'
import { SelectPanel } from './SelectPanel.tsx'
import { History } from './history.ts'
import { commandFor } from './keymap.ts'
import { LatestWins } from './latest-wins.ts'
import { handleFrame, handleToLight, lightToHandle, maskCentroid } from './light-geometry.ts'
import { blobToBase64, maskPngBase64, registerMaskImage, renderMask } from './mask-canvas.ts'
import { createStageAdapter } from './stage-adapter.ts'
import { actualPixels, fitView, type View } from './view.ts'

/** Long side of the screen-sized copy the editor shows, paints on and previews at. */
const VIEW_LONG_SIDE = 1600
const STAGE_WEIGHT: Record<ProgressEvent['stage'], number> = { load: 0.05, read: 0.1, segment: 0.15, encode: 0.2, denoise: 0.35, decode: 0.75, transfer: 0.85, write: 0.95 }
const RECENT_KEY = 'lbm.recent'

interface PreviewShown {
  image: PreviewImage
}

const stemOf = (p: string) => (p.split(/[\\/]/).pop() ?? 'photo').replace(/\.[^.]+$/, '')
const dirOf = (p: string) => p.replace(/[\\/][^\\/]*$/, '')
const deviceText = (d: DeviceReport) => `${d.kind.toUpperCase()} (${d.provider})`

function progressOf(e: ProgressEvent): { text: string; fraction: number } {
  const base = STAGE_WEIGHT[e.stage]
  if (e.stage === 'denoise' && e.step !== undefined && e.total) return { text: `denoising ${e.step}/${e.total}`, fraction: base + (0.4 * e.step) / e.total }
  return { text: `${e.stage}…`, fraction: base }
}

function readRecent(): string[] {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]')
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, 8) : []
  } catch {
    return []
  }
}


/** Whether keys typed at this element belong to it (text inputs, selects), not to the canvas. */
function isTextField(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false
  if (t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable) return true
  return t instanceof HTMLInputElement && !['range', 'checkbox', 'button', 'color'].includes(t.type)
}

export function Editor() {
  const [samples, setSamples] = useState<SamplePaths | null>(null)
  const [pathField, setPathField] = useState('')
  const [photo, setPhoto] = useState<LoadedImage | null>(null)
  const [recent, setRecent] = useState<string[]>(readRecent)
  const history = useRef(new History<EditorDoc>(emptyDoc()))
  const [doc, setDoc] = useState<EditorDoc>(history.current.present)
  const [task, setTask] = useState<Task>('remove')
  const [background, setBackground] = useState('')
  const [available, setAvailable] = useState<ModelInfo[]>([])
  /** The model chosen per task ('' = the engine's default). */
  const [models, setModels] = useState<Record<Task, string>>({ remove: '', shadow: '', relight: '' })
  const [toolId, setToolId] = useState<ToolId>('brush')
  const [brushSize, setBrushSize] = useState(40)
  const [hardness, setHardness] = useState(1)
  const [overlayOpacity, setOverlayOpacity] = useState(0.5)
  const [draft, setDraft] = useState<MaskOp | null>(null)
  const [view, setView] = useState<View>({ scale: 1, x: 0, y: 0 })
  const [box, setBox] = useState({ width: 800, height: 600 })
  const [comparing, setComparing] = useState(false)
  const [split, setSplit] = useState<number | null>(null)
  const [preview, setPreview] = useState<PreviewShown | null>(null)
  const [previewing, setPreviewing] = useState(false)
  const [running, setRunning] = useState<{ text: string; fraction: number } | null>(null)
  const [status, setStatus] = useState('')
  const [error, setError] = useState('')
  const [device, setDevice] = useState<DeviceReport | null>(null)
  const [panel, setPanel] = useState<'export' | 'help' | null>(null)
  const [selecting, setSelecting] = useState(false)
  const [maskVersion, setMaskVersion] = useState(0)
  const [centre, setCentre] = useState<Point | null>(null)
  /** Share of the picture selected (alpha at least half): shown to tests as data-selected. */
  const [selected, setSelected] = useState(0)
  const viewBox = useRef<HTMLDivElement>(null)
  const spaceHeld = useRef(false)
  const lightGrab = useRef(false)
  /** The Pick tool's click, answered by this render's selectSubject (the tools outlive renders). */
  const pickAt = useRef<(p: Point) => void>(() => {})
  const resultDoc = useRef<EditorDoc | null>(null)
  const mask = useMemo(() => document.createElement('canvas'), [])
  const maskPaths = useRef(new WeakMap<readonly MaskOp[], Promise<Result<string>>>())

  // Refs for the tools and the adapter, which live longer than one render.
  const live = useRef({ doc, photo, task, brushSize, hardness, toolId, view, centre, running })
  live.current = { doc, photo, task, brushSize, hardness, toolId, view, centre, running }

  const sync = useCallback(() => setDoc(history.current.present), [])

  // ---- Opening a photo ---------------------------------------------------------------------
  const openPath = useCallback(
    async (file: string) => {
      setError('')
      setStatus('Opening…')
      const r = await api.loadImage(file, { maxLongSide: VIEW_LONG_SIDE })
      if (!r.ok) {
        setStatus('')
        return setError(`Could not open the photo: ${r.message}`)
      }
      const loaded = r.value
      mask.width = loaded.previewWidth
      mask.height = loaded.previewHeight
      history.current.reset(emptyDoc(history.current.present.lights))
      sync()
      setPhoto(loaded)
      setPathField(loaded.path)
      setPreview(null)
      setSplit(null)
      setStatus(`Opened ${stemOf(loaded.path)} (${loaded.width}×${loaded.height})`)
      setRecent((old) => {
        const next = [loaded.path, ...old.filter((p) => p !== loaded.path)].slice(0, 8)
        localStorage.setItem(RECENT_KEY, JSON.stringify(next))
        return next
      })
    },
    [mask, sync]
  )

  const openFile = useCallback(
    async (file: File) => {
      const known = api.pathForFile(file)
      if (known) return openPath(known)
      setStatus(`Reading ${file.name}…`)
      const r = await api.putPhoto({ name: file.name || 'pasted image', dataBase64: await blobToBase64(file) })
      if (!r.ok) return setError(`Could not open ${file.name || 'the pasted image'}: ${r.message}`)
      return openPath(r.value)
    },
    [openPath]
  )

  useEffect(() => {
    void api.listModels().then((r) => r.ok && setAvailable(r.value))
    void api.samplePaths().then((r) => {
      if (!r.ok) return setError(`Could not reach the engine: ${r.message}`)
      setSamples(r.value)
      setPathField(r.value.photo)
    })
    const onPaste = (e: ClipboardEvent) => {
      const file = e.clipboardData?.files[0]
      if (file && file.type.startsWith('image/')) void openFile(file)
    }
    window.addEventListener('paste', onPaste)
    return () => window.removeEventListener('paste', onPaste)
  }, [openFile])

  // ---- The view ----------------------------------------------------------------------------
  useEffect(() => {
    const el = viewBox.current
    if (!el) return
    const ro = new ResizeObserver(() => setBox({ width: el.clientWidth, height: el.clientHeight }))
    ro.observe(el)
    return () => ro.disconnect()
  }, [])
  const size = useMemo(() => (photo ? { width: photo.previewWidth, height: photo.previewHeight } : { width: 1, height: 1 }), [photo])
  const fit = useCallback(() => setView(fitView(size, box)), [size, box])
  useEffect(() => {
    if (photo) setView(fitView(size, box))
  }, [photo, size, box])
  const oneToOne = () => photo && setView((v) => actualPixels(v, box, photo.width / photo.previewWidth, window.devicePixelRatio || 1))

  // ---- The mask ----------------------------------------------------------------------------
  useEffect(() => {
    if (!photo) return
    renderMask(mask, doc.ops)
    setMaskVersion((v) => v + 1)
    const data = mask.getContext('2d')!.getImageData(0, 0, mask.width, mask.height).data
    setCentre(maskCentroid(data, mask.width, mask.height))
    let n = 0
    for (let i = 3; i < data.length; i += 4) if (data[i] >= 128) n++
    setSelected(n / (mask.width * mask.height))
  }, [doc.ops, photo, mask])

  /** The mask of these ops as a file the engine can read (uploaded once per ops value). */
  const maskPathFor = useCallback(
    (ops: readonly MaskOp[]): Promise<Result<string>> => {
      let p = maskPaths.current.get(ops)
      if (!p) {
        const canvas = document.createElement('canvas')
        canvas.width = mask.width
        canvas.height = mask.height
        renderMask(canvas, ops)
        p = maskPngBase64(canvas).then(
          (pngBase64) => api.putMask({ pngBase64 }),
          (err: unknown): Result<string> => ({ ok: false, code: 'MASK', message: `the mask could not be encoded (${String(err)})` })
        )
        maskPaths.current.set(ops, p)
        // A failed upload is tried again next time, not remembered.
        const sent = p
        void sent.then((r) => !r.ok && maskPaths.current.get(ops) === sent && maskPaths.current.delete(ops))
      }
      return p
    },
    [mask]
  )

  // ---- Tools -------------------------------------------------------------------------------
  const frame = useCallback(() => handleFrame(size.width, size.height, live.current.centre), [size])
  const tools = useMemo(() => {
    const host: ToolHost = {
      brushSize: () => live.current.brushSize,
      brushHardness: () => live.current.hardness,
      setDraft,
      commitMask(op) {
        history.current.update((d) => ({ ...d, ops: [...d.ops, op] }))
        history.current.squash()
        sync()
      },
      begin() {
        history.current.mark()
        lightGrab.current = true
      },
      pickSubject: (p) => pickAt.current(p),
      moveLight(p) {
        const fr = frame()
        history.current.update((d) => {
          // A press on another light's handle picks that light up; anywhere else moves the active one.
          // Only a relight shows the other lights' handles.
          if (lightGrab.current && live.current.task === 'relight') {
            const reach = 16 / live.current.view.scale
            const hit = d.lights.findIndex((l) => Math.hypot(lightToHandle(l, fr).x - p.x, lightToHandle(l, fr).y - p.y) <= reach)
            if (hit >= 0 && hit !== d.active) return { ...d, active: hit }
          }
          lightGrab.current = false
          return patchLight(d, handleToLight(p, fr, activeLight(d).azimuth))
        })
        sync()
      },
      commit() {
        history.current.squash()
        sync()
      },
      bail() {
        history.current.bail()
        sync()
      }
    }
    return createTools(host)
  }, [sync, frame])
  const tool = tools[toolId]

  const chooseTool = useCallback(
    (id: ToolId) => {
      for (const t of Object.values(tools)) if (t.busy) t.cancel()
      setToolId(id)
    },
    [tools]
  )

  const adapter = useMemo(
    () =>
      createStageAdapter({
        tool: () => tools[live.current.toolId],
        view: () => live.current.view,
        setView,
        spaceHeld: () => spaceHeld.current
      }),
    [tools]
  )
  useEffect(() => {
    const up = () => adapter.releaseOutside()
    window.addEventListener('pointerup', up)
    return () => window.removeEventListener('pointerup', up)
  }, [adapter])

  /**
   * A slider of the document: one drag of it is one undo step (mark on press, squash on
   * release); a key press on it is a step by itself.
   */
  const docSlider = (change: (d: EditorDoc, v: number) => EditorDoc): SliderProps => ({
    onPointerDown: () => history.current.mark(),
    onPointerUp: () => {
      history.current.squash()
      sync()
    },
    onBlur: () => {
      history.current.squash()
      sync()
    },
    onChange: (e: { target: { value: string } }) => {
      const v = Number(e.target.value)
      history.current.update((d) => change(d, v))
      sync()
    }
  })
  const lightSlider = (key: keyof Omit<LightState, 'colour'>) => docSlider((d, v) => patchLight(d, { [key]: v }))
  const refineSlider = (key: keyof MaskRefine) => docSlider((d, v) => ({ ...d, refine: { ...d.refine, [key]: v } }))
  const setLight = (patch: Partial<LightState>) => {
    history.current.push((d) => patchLight(d, patch))
    sync()
  }
  const changeLights = (change: (d: EditorDoc) => EditorDoc) => {
    history.current.push(change)
    sync()
  }
  const addOp = (op: MaskOp) => {
    history.current.push((d) => ({ ...d, ops: [...d.ops, op] }))
    sync()
  }

  /** A mask from a file (white = selected) replaces the selection, as one step. */
  async function loadMask(file: string) {
    if (!photo) return
    setError('')
    const r = await api.loadImage(file, { maxLongSide: VIEW_LONG_SIDE })
    if (!r.ok) return setError(`Could not load the mask: ${r.message}`)
    if (Math.abs(r.value.width / r.value.height - photo.width / photo.height) > 0.01) {
      return setError(`Could not load the mask: it is ${r.value.width}×${r.value.height}, the photo ${photo.width}×${photo.height}; their shapes differ.`)
    }
    const img = new window.Image()
    img.src = `data:image/png;base64,${r.value.pngBase64}`
    await img.decode()
    addOp({ kind: 'image', id: registerMaskImage(img, mask.width, mask.height) })
    setStatus(`Loaded the mask ${stemOf(file)}`)
  }

  /**
   * "Select subject": the engine's automatic soft mask of the photo, at the size painted on,
   * replaces the selection as one undo step; the brush, eraser and lasso then refine it. With
   * `at` (the Pick tool's click), only the subject there.
   */
  async function selectSubject(at?: Point) {
    const shown = live.current.photo
    if (!shown || selecting) return
    if (at && (at.x < 0 || at.y < 0 || at.x >= mask.width || at.y >= mask.height)) return // a click beside the photo
    setError('')
    setSelecting(true)
    setStatus(at ? 'Picking the object…' : 'Selecting the subject…')
    try {
      const r = await api.selectSubject(shown.path, { maxLongSide: VIEW_LONG_SIDE, ...(at ? { at } : {}) })
      if (live.current.photo !== shown) return // another photo was opened meanwhile
      if (!r.ok) {
        setStatus('')
        return setError(at ? `Could not pick an object there: ${r.message}` : `Could not select the subject: ${r.message}`)
      }
      const img = new window.Image()
      img.src = `data:image/png;base64,${r.value.pngBase64}`
      await img.decode()
      addOp({ kind: 'image', id: registerMaskImage(img, mask.width, mask.height) })
      setDevice(r.value.device)
      const how = `(${r.value.model}, ${Math.round(r.value.ms)} ms); refine it with the brush, eraser or lasso`
      setStatus(at ? `Picked the object ${how}` : `Selected the subject ${how}`)
    } finally {
      setSelecting(false)
    }
  }
  pickAt.current = (p) => void selectSubject(p)

  // ---- History -----------------------------------------------------------------------------
  const undo = useCallback(() => {
    for (const t of Object.values(tools)) if (t.busy) t.cancel()
    if (history.current.undo()) sync()
  }, [tools, sync])
  const redo = useCallback(() => {
    if (history.current.redo()) sync()
  }, [sync])

  // ---- Live preview (shadow and relight): latest request wins -------------------------------
  const base = photo ? editBase(task, photo.path, doc.result) : ''
  const scheduler = useMemo(
    () =>
      new LatestWins<{ doc: EditorDoc; task: Task; base: string; background: string; model: string }, Result<PreviewImage>>(
        async ({ doc: d, task: t, base: b, background: bg, model: mdl }) => {
          setPreviewing(true)
          const m = await maskPathFor(d.ops)
          if (!m.ok) return m
          const out = `${samples?.outputDir ?? dirOf(b)}/preview.png`
          return api.previewEdit(editRequest(t, b, m.value, d, out, bg, mdl), { maxLongSide: VIEW_LONG_SIDE })
        },
        (r) => {
          setPreviewing(false)
          if (!r.ok) return setError(`Could not preview: ${r.message}`)
          setError('')
          setPreview({ image: r.value })
          setDevice(r.value.device)
        }
      ),
    [maskPathFor, samples]
  )
  useEffect(() => {
    // Right after a run the result is what is shown, until the light or the selection changes.
    if (!photo || task === 'remove' || centre === null || doc === resultDoc.current) {
      scheduler.reset()
      setPreviewing(false)
      setPreview(null)
      return
    }
    scheduler.request({ doc, task, base, background, model: models[task] })
  }, [scheduler, photo, task, doc, base, background, centre, models])

  // ---- Full-size run -----------------------------------------------------------------------
  useEffect(
    () =>
      api.onProgress((e) => {
        if (live.current.running) setRunning(progressOf(e))
      }),
    []
  )

  async function run() {
    if (!photo) return
    if (centre === null) return setError(task === 'remove' ? 'Paint over what to remove first (brush, rectangle or lasso).' : 'Select the subject first (brush, rectangle or lasso).')
    setError('')
    const started = performance.now()
    const state = { text: 'starting…', fraction: 0 }
    live.current.running = state
    setRunning(state)
    const m = await maskPathFor(doc.ops)
    const out = `${samples?.outputDir ?? dirOf(photo.path)}/work/${stemOf(photo.path)}-${task}-${Date.now()}.png`
    const r = m.ok ? await api.runEdit(editRequest(task, base, m.value, doc, out, background, models[task])) : m
    if (!r.ok) {
      setRunning(null)
      live.current.running = null
      if (r.code === 'CANCELLED') return setStatus('Cancelled.')
      return setError(`Could not ${TASK_LABELS[task].verb}: ${r.message}`)
    }
    const loaded = await api.loadImage(r.value.output, { maxLongSide: VIEW_LONG_SIDE })
    setRunning(null)
    live.current.running = null
    if (!loaded.ok) return setError(`The result was saved to ${r.value.output} but cannot be shown: ${loaded.message}`)
    const result = { path: r.value.output, source: base, image: loaded.value, device: r.value.device, task }
    // One step: the result, and for a removal the mask that was used up.
    history.current.push((d) => ({ ...d, result, ops: task === 'remove' ? [] : d.ops }))
    resultDoc.current = history.current.present
    sync()
    setPreview(null)
    setDevice(r.value.device)
    setStatus(`${TASK_LABELS[task].label}: done in ${((performance.now() - started) / 1000).toFixed(1)} s at ${r.value.width}×${r.value.height}`)
  }

  const cancel = () => void api.cancelEdits()

  // ---- Keyboard ----------------------------------------------------------------------------
  useEffect(() => {
    const down = (e: KeyboardEvent) => {
      const command = commandFor(e, isTextField(e.target))
      if (command === null) return
      // Tab and Space would move focus or press a button; Ctrl+S would open the browser's save.
      e.preventDefault()
      if (typeof command === 'object') return chooseTool(command.tool)
      switch (command) {
        case 'save':
          return live.current.photo && setPanel('export')
        case 'undo':
          return undo()
        case 'redo':
          return redo()
        case 'escape': {
          const busy = Object.values(tools).find((t) => t.busy)
          return busy ? busy.cancel() : setPanel(null)
        }
        case 'compare':
          return setComparing(true)
        case 'pan':
          spaceHeld.current = true
          return
        case 'smaller':
          return setBrushSize((s) => Math.max(2, Math.round(s / 1.25)))
        case 'larger':
          return setBrushSize((s) => Math.min(400, Math.round(s * 1.25)))
        case 'help':
          return setPanel((p) => (p === 'help' ? null : 'help'))
        case 'fit':
          return fit()
        case 'actual':
          return oneToOne()
        case 'subject':
          return void selectSubject()
      }
    }
    const up = (e: KeyboardEvent) => {
      if (e.key === 'Tab') setComparing(false)
      if (e.key === ' ') spaceHeld.current = false
    }
    const blur = () => {
      setComparing(false)
      spaceHeld.current = false
    }
    window.addEventListener('keydown', down)
    window.addEventListener('keyup', up)
    window.addEventListener('blur', blur)
    return () => {
      window.removeEventListener('keydown', down)
      window.removeEventListener('keyup', up)
      window.removeEventListener('blur', blur)
    }
  })

  // ---- What is shown -----------------------------------------------------------------------
  const currentPng = preview?.image.pngBase64 ?? doc.result?.image.pngBase64 ?? photo?.pngBase64
  const shownPng = comparing ? photo?.pngBase64 : currentPng
  const shown = usePngImage(shownPng)
  const original = usePngImage(photo?.pngBase64)
  const f = handleFrame(size.width, size.height, centre)
  const lights = task === 'relight' ? doc.lights : [activeLight(doc)]
  const lightMarks =
    task !== 'remove' && photo && !comparing ? { centre: f.centre, handles: lights.map((l) => lightToHandle(l, f)), active: task === 'relight' ? doc.active : 0 } : null
  const canUndo = history.current.canUndo
  const canRedo = history.current.canRedo

  const onDrop = (e: DragEvent) => {
    e.preventDefault()
    const file = e.dataTransfer.files[0]
    if (file) void openFile(file)
  }

  return (
    <>
      <section className="panel editor-panel" aria-label="Editor controls">
        <div className="field">
          Photo
          <span className="row">
            <input aria-label="Photo" value={pathField} onChange={(e) => setPathField(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && void openPath(pathField)} spellCheck={false} />
            <button type="button" onClick={() => void openPath(pathField)} disabled={!pathField}>
              Open
            </button>
            {window.api ? (
              <button type="button" onClick={() => void api.openImage().then((r) => (r.ok && r.value ? openPath(r.value) : undefined))}>
                Browse…
              </button>
            ) : (
              // In a browser the file has no path the host can read: its bytes are uploaded.
              <label className="file-button">
                Browse…
                <input type="file" accept="image/*" onChange={(e) => e.target.files?.[0] && void openFile(e.target.files[0])} aria-label="Choose a photo" />
              </label>
            )}
          </span>
        </div>
        <span className="row">
          {samples && (
            <button type="button" onClick={() => void openPath(samples.photo)}>
              Sample photo
            </button>
          )}
          {recent.length > 0 && (
            <select aria-label="Recent photos" value="" onChange={(e) => e.target.value && void openPath(e.target.value)}>
              <option value="">Recent…</option>
              {recent.map((p) => (
                <option key={p} value={p}>
                  {stemOf(p)}
                </option>
              ))}
            </select>
          )}
        </span>
        <label>
          Task
          <select value={task} onChange={(e) => setTask(e.target.value as Task)}>
            {Object.entries(TASK_LABELS).map(([t, { label }]) => (
              <option key={t} value={t}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Model
          <select value={models[task]} onChange={(e) => setModels((m) => ({ ...m, [task]: e.target.value }))}>
            <option value="">Default</option>
            {available
              .filter((m) => m.kind === 'lbm' && m.task === task)
              .map((m) => (
                <option key={m.id} value={m.id} disabled={m.error !== undefined} title={m.error}>
                  {m.name} {m.version}
                  {m.error ? ' (unusable)' : ''}
                </option>
              ))}
          </select>
        </label>
        <SelectPanel
          toolId={toolId}
          chooseTool={chooseTool}
          brushSize={brushSize}
          setBrushSize={setBrushSize}
          hardness={hardness}
          setHardness={setHardness}
          overlayOpacity={overlayOpacity}
          setOverlayOpacity={setOverlayOpacity}
          refine={doc.refine}
          refineSlider={refineSlider}
          addOp={addOp}
          loadMask={(file) => void loadMask(file)}
          selectSubject={() => void selectSubject()}
          selecting={selecting}
          enabled={photo !== null}
          sampleMasks={samples && photo?.path === samples.photo ? { object: samples.objectMask, subject: samples.subjectMask } : null}
        />
        {task !== 'remove' && (
          <LightPanel
            task={task}
            light={activeLight(doc)}
            slider={lightSlider}
            setLight={setLight}
            background={background}
            setBackground={setBackground}
            backdropHint={samples?.backdrop}
            count={doc.lights.length}
            active={doc.active}
            select={(i) => changeLights((d) => ({ ...d, active: i }))}
            add={() => changeLights(addLight)}
            remove={() => changeLights(removeLight)}
          />
        )}
        <span className="row">
          <button type="button" className="primary" disabled={!photo || running !== null} onClick={() => void run()}>
            {TASK_LABELS[task].label}
          </button>
          {running && (
            <button type="button" onClick={cancel}>
              Cancel
            </button>
          )}
        </span>
        {running && (
          <div className="progress">
            <progress max={1} value={running.fraction} aria-label="Progress" />
            <span>{running.text}</span>
          </div>
        )}
        <span className="row">
          <button type="button" onClick={undo} disabled={!canUndo} title="Ctrl/⌘+Z">
            Undo
          </button>
          <button type="button" onClick={redo} disabled={!canRedo} title="Shift+Ctrl/⌘+Z">
            Redo
          </button>
          <button type="button" onPointerDown={() => setComparing(true)} onPointerUp={() => setComparing(false)} onPointerLeave={() => setComparing(false)} disabled={!photo} title="Hold (or hold Tab)">
            Compare
          </button>
          <button type="button" onClick={() => setPanel('export')} disabled={!photo} title="Ctrl/⌘+S">
            Save a copy…
          </button>
        </span>
        <label className="check">
          <input type="checkbox" checked={split !== null} onChange={(e) => setSplit(e.target.checked ? 0.5 : null)} disabled={!photo} />
          Split view (original on the left)
        </label>
        {split !== null && <input type="range" min={0} max={1} step={0.01} value={split} onChange={(e) => setSplit(Number(e.target.value))} aria-label="Split position" />}
        <p className="status" aria-live="polite">
          {status}
          {previewing && ' · previewing…'}
        </p>
        {device && (
          <p className="device">
            Ran on <strong>{deviceText(device)}</strong>
          </p>
        )}
        {error && <p role="alert">{error}</p>}
        {shownPng && <img className="navigator" alt="Shown" src={`data:image/png;base64,${shownPng}`} />}
        <button type="button" className="link" onClick={() => setPanel('help')}>
          Keyboard shortcuts (?)
        </button>
      </section>
      <section className="view editor-view" aria-label="Canvas" ref={viewBox} onDragOver={(e) => e.preventDefault()} onDrop={onDrop} data-tool={tool.path} data-selected={photo ? selected.toFixed(3) : undefined}>
        {photo ? (
          <EditorCanvas
            box={box}
            view={view}
            size={size}
            shown={shown}
            original={original}
            split={comparing ? null : split}
            mask={mask}
            maskVersion={maskVersion}
            overlayOpacity={overlayOpacity}
            showOverlay={!comparing}
            draft={draft}
            light={lightMarks}
            adapter={adapter}
            cursor={spaceHeld.current ? 'grab' : toolId === 'light' || toolId === 'pick' ? 'pointer' : 'crosshair'}
          />
        ) : (
          <p className="hint">Open a photo: type its path, use the sample, drop a file here or paste one.</p>
        )}
        {comparing && <span className="badge">Original</span>}
        {panel === 'export' && photo && (
          <ExportPanel
            source={doc.result?.path ?? photo.path}
            original={photo.path}
            dir={samples?.outputDir ?? dirOf(photo.path)}
            stem={stemOf(photo.path)}
            onClose={() => setPanel(null)}
            onSaved={(s) => {
              setPanel(null)
              setStatus(`Saved ${s.path} (${s.width}×${s.height}, ${s.format})`)
            }}
          />
        )}
        {panel === 'help' && <HelpPanel onClose={() => setPanel(null)} />}
      </section>
    </>
  )
}
