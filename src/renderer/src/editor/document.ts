// The editor's document: what one undo step restores. Immutable values; the photo itself is not
// in it (opening a photo starts a new document).
import type { DeviceReport, EditRequestInput, Task } from '../../../shared/contract.ts'
import type { LoadedImage } from '../../../shared/ipc.ts'
import type { MaskOp } from '../tools/types.ts'

export interface LightState {
  azimuth: number
  elevation: number
  softness: number
  /** Shadow darkness, 0..1. */
  strength: number
  /** 0..4. */
  intensity: number
  /** sRGB hex, as an <input type=color> gives it. */
  colour: string
}

/** Grow (negative: shrink) and feather of the selection, in pixels of the photo. */
export interface MaskRefine {
  grow: number
  feather: number
}

/** A full-size result: the lossless working file and its screen-sized view. */
export interface ResultRef {
  path: string
  /** The picture it was made from (the photo, or an earlier result). */
  source: string
  image: LoadedImage
  device: DeviceReport
  task: Task
}

export interface EditorDoc {
  ops: readonly MaskOp[]
  refine: MaskRefine
  /** At least one. A shadow uses the active light; a relight uses them all. */
  lights: readonly LightState[]
  /** The light the handle drags and the controls change. */
  active: number
  result: ResultRef | null
}

/** Relight's models take at most this many lights (the contract's limit). */
export const MAX_LIGHTS = 8

export const INITIAL_LIGHT: LightState = { azimuth: 135, elevation: 35, softness: 0.3, strength: 1, intensity: 1, colour: '#ffffff' }

/**
 * The picture an edit starts from. Edits chain (remove, then cast a shadow on the result), except
 * that a shadow or relight after one of its own kind starts again from that result's source: moving
 * the light re-renders the shadow rather than adding a second one.
 */
export function editBase(task: Task, photo: string, result: ResultRef | null): string {
  if (!result) return photo
  return task !== 'remove' && result.task === task ? result.source : result.path
}

export function emptyDoc(lights: readonly LightState[] = [INITIAL_LIGHT]): EditorDoc {
  return { ops: [], refine: { grow: 0, feather: 0 }, lights, active: 0, result: null }
}

export function activeLight(d: EditorDoc): LightState {
  return d.lights[Math.min(d.active, d.lights.length - 1)]
}

/** The document with its active light changed. */
export function patchLight(d: EditorDoc, patch: Partial<LightState>): EditorDoc {
  return { ...d, lights: d.lights.map((l, i) => (i === d.active ? { ...l, ...patch } : l)) }
}

/** Adds a light opposite the active one, and makes it active. */
export function addLight(d: EditorDoc): EditorDoc {
  if (d.lights.length >= MAX_LIGHTS) return d
  const from = activeLight(d)
  return { ...d, lights: [...d.lights, { ...from, azimuth: (from.azimuth + 180) % 360, intensity: from.intensity / 2 }], active: d.lights.length }
}

/** Removes the active light (never the last one). */
export function removeLight(d: EditorDoc): EditorDoc {
  if (d.lights.length <= 1) return d
  return { ...d, lights: d.lights.filter((_, i) => i !== d.active), active: Math.max(0, d.active - 1) }
}

/** '#rrggbb' (sRGB) to linear RGB in 0..1, the light maps' colour space. */
export function linearColour(hex: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex)
  if (!m) return [1, 1, 1]
  const lin = (h: string) => {
    const c = parseInt(h, 16) / 255
    return Math.round((c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4) * 1e4) / 1e4
  }
  return [lin(m[1]), lin(m[2]), lin(m[3])]
}

export const TASK_LABELS: Record<Task, { label: string; verb: string }> = {
  remove: { label: 'Remove object', verb: 'remove the object' },
  shadow: { label: 'Cast shadow', verb: 'cast the shadow' },
  relight: { label: 'Relight', verb: 'relight the photo' }
}

/** The engine request for the document's current state. */
export function editRequest(task: Task, image: string, mask: string, doc: EditorDoc, output: string, background?: string, model?: string): EditRequestInput {
  const { grow, feather } = doc.refine
  const common = {
    image,
    mask,
    ...(model ? { model } : {}),
    output: { path: output, format: 'png' as const, metadata: 'keep' as const },
    ...(grow || feather ? { maskRefine: { grow: Math.round(grow), feather } } : {})
  }
  const toRequest = ({ azimuth, elevation, softness, intensity, colour }: LightState) => ({ azimuth, elevation, softness, intensity, colour: linearColour(colour) })
  switch (task) {
    case 'remove':
      return { task, ...common }
    case 'shadow':
      return { task, ...common, light: toRequest(activeLight(doc)), strength: activeLight(doc).strength }
    case 'relight':
      return { task, ...common, background: background || undefined, lights: doc.lights.map(toRequest) }
  }
}
