// The batch contract shared by `lbm batch`, the app's batch panel and the engine's batch runner:
// one zod schema, so every setting given is validated once and applies to every file. Never
// imports electron or node.
import { z } from 'zod'
import { outputSchema, relightRequestSchema, removeRequestSchema, shadowRequestSchema, type Stage, type Task } from './contract.ts'

// The per-file request minus what differs per file (photo, mask, output path): the same strict
// schemas as the single edits, so a misspelled option fails here, before any file is touched.
const perFile = { image: true, mask: true, output: true } as const
export const batchEditSchema = z.discriminatedUnion('task', [
  removeRequestSchema.omit(perFile),
  shadowRequestSchema.omit(perFile),
  relightRequestSchema.omit(perFile)
])

export const NAME_TOKENS = ['stem', 'ext', 'task'] as const

/** `{stem}{ext}` style: every `{token}` must be known and the stem must be there (else outputs collide). */
const nameTemplate = z
  .string()
  .min(1)
  .refine((s) => s.includes('{stem}'), 'the name template must contain {stem}')
  .refine((s) => [...s.matchAll(/\{([^}]*)\}/g)].every((m) => (NAME_TOKENS as readonly string[]).includes(m[1])), `the name template knows only ${NAME_TOKENS.map((t) => `{${t}}`).join(', ')}`)
  .refine((s) => !/[\\/]/.test(s), 'the name template is a file name, not a path')

export const batchOutputSchema = outputSchema.omit({ path: true }).extend({
  /** The output folder; the input tree is mirrored below it. Never scanned as input. */
  dir: z.string().min(1),
  name: nameTemplate.default('{stem}{ext}'),
  /** Leave files whose output already exists (resume after a cancel). */
  skipExisting: z.boolean().default(false)
})

/** The tasks whose mask is the subject, which automatic selection can give (removal needs the object's mask). */
export const AUTO_MASK_TASKS = ['shadow', 'relight'] as const satisfies readonly Task[]

export const batchRequestSchema = z
  .strictObject({
  edit: batchEditSchema,
  /** Folders, files and globs. */
  inputs: z.array(z.string().min(1)).min(1),
  recursive: z.boolean().default(false),
  output: batchOutputSchema,
  /** A folder of masks matched to photos by file stem (as IOPaint does). */
  masks: z.string().min(1).optional(),
  /** One mask for every photo. */
  mask: z.string().min(1).optional(),
  /** Each photo's subject selected automatically (shadow, relight), instead of mask files. */
  autoMask: z.boolean().default(false),
  /**
   * Photos edited at once. Each holds its decoded photo and the engine's full-size buffers: about
   * 400 MB more per job at 24 MP (peak 760 MB with 1 job, 1.16 GB with 2), so 4 keeps under 2 GB.
   */
  jobs: z.number().int().min(1).max(4).default(1),
  /** Where to write the JSON report (default: batch-report.json in the output folder). */
  report: z.string().min(1).optional()
})
  .superRefine((r, ctx) => {
    if (!r.autoMask) return
    if (!(AUTO_MASK_TASKS as readonly string[]).includes(r.edit.task)) {
      ctx.addIssue({ code: 'custom', path: ['autoMask'], message: `automatic masks select the subject, for ${AUTO_MASK_TASKS.join(' and ')}; ${r.edit.task} needs mask files` })
    }
    if (r.mask !== undefined || r.masks !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['autoMask'], message: 'automatic masks and mask files exclude each other: give one or the other' })
    }
  })

export type BatchRequestInput = z.input<typeof batchRequestSchema>
export type BatchRequest = z.output<typeof batchRequestSchema>

export type FileStatus = 'pending' | 'running' | 'done' | 'failed' | 'skipped' | 'cancelled'

export interface BatchFile {
  input: string
  output: string
  /** The mask file, or "auto" when the subject is selected automatically. */
  mask?: string
  status: FileStatus
  /** Why it failed or was skipped: an error code (NOT_AN_IMAGE, TRUNCATED, NO_MASK, EXISTS...). */
  code?: string
  message?: string
  /** Engine time for this file, and the part of it spent in the networks. */
  ms?: number
  modelMs?: number
  width?: number
  height?: number
}

export interface BatchProgress {
  /** Files finished in any way, of total. */
  done: number
  total: number
  /** The files being edited now. */
  current: string[]
  /** The file that just changed status, if any. */
  file?: BatchFile
  counts: Record<'done' | 'failed' | 'skipped', number>
  elapsedMs: number
  photosPerMinute: number
  /** Estimated time left; null until one file has been edited. */
  etaMs: number | null
}

export interface BatchSummary {
  task: Task
  total: number
  succeeded: number
  failed: number
  skipped: number
  /** Files not run because the batch was cancelled or stopped. */
  notRun: number
  cancelled: boolean
  /** A failure that would repeat for every file (a bad model, wrong steps) stops the batch. */
  stopped?: { code: string; message: string }
  failures: { input: string; code: string; message: string }[]
  wallMs: number
  photosPerMinute: number
  /** Sums over the edited files of the engine's time and of the networks' time (encode, denoise, decode). */
  engineMs: number
  modelMs: number
  /** The engine time summed per stage (read, encode, denoise, decode, transfer, write): where the time went. */
  stageMs: Partial<Record<Stage, number>>
  /** Set when the masks were selected automatically: the segment model that made them. */
  autoMask?: { model: string }
  report?: string
}

export interface BatchReport {
  version: 1
  startedAt: string
  finishedAt: string
  settings: BatchRequest
  summary: BatchSummary
  files: BatchFile[]
}
