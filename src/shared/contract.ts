// The contract between front ends (CLI, Electron main/renderer, local web host) and the engine:
// typed once here with zod, validated at every boundary. Unknown keys and out-of-range values are
// errors, so a misspelled option fails loudly instead of being dropped. Never imports electron.
import { z } from 'zod'
import { ELEVATION_RANGE } from './light.ts'
import { TASKS } from './model-manifest.ts'

export { TASKS, type Task } from './model-manifest.ts'

export const DEVICE_PREFERENCES = ['auto', 'cpu', 'gpu'] as const
export const OUTPUT_FORMATS = ['keep', 'png', 'jpeg', 'webp', 'tiff', 'avif'] as const

export const lightSchema = z.strictObject({
  azimuth: z.number().finite(),
  elevation: z.number().min(ELEVATION_RANGE[0]).max(ELEVATION_RANGE[1]),
  softness: z.number().min(0).max(1).default(0.3),
  intensity: z.number().min(0).max(4).default(1),
  colour: z.tuple([z.number().min(0).max(1), z.number().min(0).max(1), z.number().min(0).max(1)]).default([1, 1, 1])
})

export const outputSchema = z.strictObject({
  path: z.string().min(1),
  format: z.enum(OUTPUT_FORMATS).default('keep'),
  quality: z.number().int().min(1).max(100).optional(),
  metadata: z.enum(['keep', 'strip']).default('keep'),
  overwrite: z.boolean().default(false)
})

/** Optional edit of the user's mask before use: grow (negative: shrink) and feather, in pixels of the photo. */
export const maskRefineSchema = z.strictObject({
  grow: z.number().int().min(-500).max(500).default(0),
  feather: z.number().min(0).max(500).default(0)
})

/**
 * The subject's mask chosen automatically (shadow and relight): the default `segment` model of
 * models/defaults.json selects the main subject of the photo (a soft mask).
 */
export const autoMaskSchema = z.strictObject({ auto: z.literal(true) })
export type AutoMask = z.infer<typeof autoMaskSchema>
/** A mask file (white or opaque = selected), or the automatic subject selection. */
const subjectMask = z.union([z.string().min(1), autoMaskSchema])

export function isAutoMask(mask: string | AutoMask | undefined): mask is AutoMask {
  return typeof mask === 'object' && mask !== null && mask.auto === true
}

const common = {
  image: z.string().min(1),
  model: z.string().min(1).optional(),
  steps: z.union([z.literal(1), z.literal(2), z.literal(4)]).optional(),
  seed: z.number().int().min(0).max(2 ** 32 - 1).default(0),
  output: outputSchema
}

export const removeRequestSchema = z.strictObject({
  task: z.literal('remove'),
  ...common,
  mask: z.string().min(1),
  maskRefine: maskRefineSchema.optional()
})

export const shadowRequestSchema = z.strictObject({
  task: z.literal('shadow'),
  ...common,
  mask: subjectMask,
  maskRefine: maskRefineSchema.optional(),
  light: lightSchema,
  /** How dark the shadow is: 1 = as the model renders it (physical), 0 = no shadow. */
  strength: z.number().min(0).max(1).default(1)
})

export const relightRequestSchema = z.strictObject({
  task: z.literal('relight'),
  ...common,
  mask: subjectMask,
  maskRefine: maskRefineSchema.optional(),
  /** The new background the subject is pasted onto; without one the photo's own background is used. */
  background: z.string().min(1).optional(),
  /** Lights placed by the user; none lets the background decide. */
  lights: z.array(lightSchema).max(8).default([])
})

export const editRequestSchema = z.discriminatedUnion('task', [removeRequestSchema, shadowRequestSchema, relightRequestSchema])

export type LightInput = z.input<typeof lightSchema>
export type EditRequestInput = z.input<typeof editRequestSchema>
export type EditRequest = z.output<typeof editRequestSchema>
export type RemoveRequest = z.output<typeof removeRequestSchema>
export type ShadowRequest = z.output<typeof shadowRequestSchema>
export type RelightRequest = z.output<typeof relightRequestSchema>

export const STAGES = ['load', 'read', 'segment', 'encode', 'denoise', 'decode', 'transfer', 'write'] as const
export type Stage = (typeof STAGES)[number]

export interface ProgressEvent {
  stage: Stage
  /** Denoising step (1-based) and total, during 'denoise'. */
  step?: number
  total?: number
}

export interface DeviceReport {
  kind: 'cpu' | 'gpu'
  provider: string
  skipped: { provider: string; reason: string }[]
}

export interface EditResult {
  task: (typeof TASKS)[number]
  model: string
  output: string
  format: string
  width: number
  height: number
  /** The size the network ran at (a crop around the mask for removal). */
  working: { width: number; height: number }
  steps: number
  seed: number
  /** Set when the mask was the automatic subject selection: the segment model that made it. */
  autoMask?: { model: string }
  device: DeviceReport
  /** Milliseconds per stage; 'denoise' is the sum over steps. */
  timings: Partial<Record<Stage, number>>
  totalMs: number
}

export type Result<T> = { ok: true; value: T } | { ok: false; code: string; message: string }

/** Parses a request, turning zod issues into one readable line. */
export function parseEditRequest(input: unknown): Result<EditRequest> {
  const parsed = editRequestSchema.safeParse(input)
  if (parsed.success) return { ok: true, value: parsed.data }
  const message = parsed.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; ')
  return { ok: false, code: 'BAD_REQUEST', message }
}
