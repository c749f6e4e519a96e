import { seededRandom } from '../../src/base/prng.js'

/** `n` pixel values 0–255 (as floats) from the project's seeded PRNG. */
export function mulberry32Floats(n: number, seed: number): Float32Array {
  const random = seededRandom(seed)
  const out = new Float32Array(n)
  for (let i = 0; i < n; i++) out[i] = Math.floor(random() * 256)
  return out
}
