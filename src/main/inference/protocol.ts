// The messages between the main process and the inference process, validated with zod on both
// sides of the boundary: a malformed message is refused loudly, never half-understood. Results
// carry file paths (edit:run) or screen-sized PNGs (edit:preview), never full-resolution pixels.
import { z } from 'zod'

const id = z.number().int().nonnegative()
const resultSchema = z.union([
  z.strictObject({ ok: z.literal(true), value: z.unknown() }),
  z.strictObject({ ok: z.literal(false), code: z.string(), message: z.string() })
])

/** Main -> inference process. */
export const toWorkerSchema = z.discriminatedUnion('type', [
  /** One invoke of the IPC contract; the worker validates the arguments against it. */
  z.strictObject({ type: z.literal('invoke'), id, channel: z.string().min(1), args: z.array(z.unknown()) }),
  z.strictObject({ type: z.literal('cancel'), id }),
  /** Test only: honoured when LBM_INFERENCE_TEST_HOOKS=1, so tests can crash the process on purpose. */
  z.strictObject({ type: z.literal('crash'), how: z.enum(['exit', 'abort', 'hang']) })
])
export type ToWorker = z.infer<typeof toWorkerSchema>

/** Inference process -> main. */
export const fromWorkerSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ready'), pid: z.number().int() }),
  /** A push event (progress) of a running invoke. */
  z.strictObject({ type: z.literal('push'), id, channel: z.string(), payload: z.unknown() }),
  z.strictObject({ type: z.literal('done'), id, result: resultSchema }),
  /** A message the worker could not accept; id when it could tell which request it was. */
  z.strictObject({ type: z.literal('invalid'), id: id.optional(), message: z.string() })
])
export type FromWorker = z.infer<typeof fromWorkerSchema>

/** What the worker needs to host the engine, passed in LBM_INFERENCE_CONFIG as JSON. */
export const workerConfigSchema = z.strictObject({
  modelsDir: z.string().min(1),
  samplesDir: z.string().min(1),
  outputDir: z.string().min(1),
  device: z.enum(['auto', 'cpu', 'gpu']).default('auto')
})
export type WorkerConfig = z.input<typeof workerConfigSchema>
export const CONFIG_ENV = 'LBM_INFERENCE_CONFIG'
export const TEST_HOOKS_ENV = 'LBM_INFERENCE_TEST_HOOKS'

/** One readable line for a zod failure. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'message'}: ${i.message}`).join('; ')
}
