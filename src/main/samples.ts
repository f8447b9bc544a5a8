// The sample photos shipped in resources/samples (drawn by scripts/make-samples.ts).
import { fileURLToPath } from 'node:url'

export function samplePath(name: string): string {
  return fileURLToPath(new URL(`../../resources/samples/${name}`, import.meta.url))
}
