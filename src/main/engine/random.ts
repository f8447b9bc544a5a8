// A seedable random source, so that a result can be reproduced from its seed (--seed N).
// mulberry32 for uniforms, Box-Muller for normals: small, fast and the same on every platform.
export interface RandomSource {
  uniform(): number
  normal(): number
}

export function seededRandom(seed: number): RandomSource {
  let a = seed >>> 0
  let spare: number | undefined
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const normal = () => {
    if (spare !== undefined) {
      const s = spare
      spare = undefined
      return s
    }
    const u = 1 - uniform() // (0, 1]: log stays finite
    const v = uniform()
    const r = Math.sqrt(-2 * Math.log(u))
    spare = r * Math.sin(2 * Math.PI * v)
    return r * Math.cos(2 * Math.PI * v)
  }
  return { uniform, normal }
}

export function normalArray(rng: RandomSource, n: number): Float32Array {
  const out = new Float32Array(n)
  for (let i = 0; i < n; i++) out[i] = rng.normal()
  return out
}
