// Reads the golden fixtures that training/export_tiny.py computed with PyTorch.
import fs from 'node:fs'
import path from 'node:path'
import type { Light } from '../../src/shared/light.ts'
import type { LightMapSpec } from '../../src/shared/model-manifest.ts'

export interface JsonTensor {
  shape: number[]
  data: number[]
}

export interface GoldenCase {
  steps: number
  noise: JsonTensor[]
  zTarget: JsonTensor
  decoded: JsonTensor
}

export interface Golden {
  model: string
  image: JsonTensor
  latent: JsonTensor
  zSource: JsonTensor
  mask: JsonTensor
  maskLatent: JsonTensor
  maskLatentArea: JsonTensor
  lights?: Light[]
  lightMap?: JsonTensor
  background?: JsonTensor
  zBackground?: JsonTensor
  cond: JsonTensor
  cases: GoldenCase[]
}

export interface LightMapCase {
  spec: LightMapSpec
  channels: 1 | 3
  width: number
  height: number
  lights: Light[]
  map: JsonTensor
}

export const GOLDEN_DIR = path.resolve('tests/fixtures/golden')
export const MODELS_DIR = path.resolve('models')

export function readGolden<T = Golden>(name: string): T {
  return JSON.parse(fs.readFileSync(path.join(GOLDEN_DIR, `${name}.json`), 'utf8')) as T
}

export const f32 = (t: JsonTensor) => Float32Array.from(t.data)

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`)
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]))
  return m
}
