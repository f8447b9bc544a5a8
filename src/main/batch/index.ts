// Batch editing of whole folders; see runner.ts. Plain Node, no electron.
export { runBatch, parseBatchRequest, type BatchEngine, type BatchOutcome, type BatchRunOptions } from './runner.ts'
export { BatchError } from './errors.ts'
export { expandInputs, type InputFile } from './inputs.ts'
export { outputName } from './plan.ts'
