/**
 * The seeded standard normal draws of the Gaussian-noise corruption in JavaScript: the fallback of
 * noiseDrawsSeeded (src/robust/corruptions.ts) and the reference its WebAssembly kernel is checked
 * against (src/robust/wasm/noiseKernel.ts).
 */

/**
 * noiseDrawsSeeded in JavaScript: src/base/prng.ts's mulberry32 written out in the loop instead of
 * called twice per draw (tests/robust/kernelRewrites.test.ts compares it with noiseDraws).
 */
export function noiseDrawsSeededJs(values: number, seed32: number): Float64Array {
  const draws = new Float64Array(values)
  let a = seed32 >>> 0
  for (let i = 0; i < values; i++) {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    const first = ((t ^ (t >>> 14)) >>> 0) / 4294967296
    a = (a + 0x6d2b79f5) >>> 0
    t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    const second = ((t ^ (t >>> 14)) >>> 0) / 4294967296
    // gaussian(): u = max(first, 1e-12), v = second
    draws[i] = Math.sqrt(-2 * Math.log(Math.max(first, 1e-12))) * Math.cos(2 * Math.PI * second)
  }
  return draws
}
