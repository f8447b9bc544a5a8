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
}

/** A full-size result: the lossless working file and its screen-sized view. */
export interface ResultRef {
  path: string
  image: LoadedImage
  device: DeviceReport
  task: Task
}

export interface EditorDoc {
  ops: readonly MaskOp[]
  light: LightState
  result: ResultRef | null
}

export const INITIAL_LIGHT: LightState = { azimuth: 135, elevation: 35, softness: 0.3, strength: 1 }

export function emptyDoc(light: LightState = INITIAL_LIGHT): EditorDoc {
  return { ops: [], light, result: null }
}

export const TASK_LABELS: Record<Task, { label: string; verb: string }> = {
  remove: { label: 'Remove object', verb: 'remove the object' },
  shadow: { label: 'Cast shadow', verb: 'cast the shadow' },
  relight: { label: 'Relight', verb: 'relight the photo' }
}

/** The engine request for the document's current state. */
export function editRequest(task: Task, image: string, mask: string, light: LightState, output: string, background?: string): EditRequestInput {
  const common = { image, mask, output: { path: output, format: 'png' as const, metadata: 'keep' as const } }
  const { azimuth, elevation, softness } = light
  switch (task) {
    case 'remove':
      return { task, ...common }
    case 'shadow':
      return { task, ...common, light: { azimuth, elevation, softness }, strength: light.strength }
    case 'relight':
      return { task, ...common, background: background || undefined, lights: [{ azimuth, elevation, softness }] }
  }
}
