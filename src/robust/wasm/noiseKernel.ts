/**
 * The WebAssembly glue of the Gaussian-noise corruption (src/robust/corruptions.ts): the kernel
 * instance of src/robust/wasm/noise.c, the check that its draws are this Node's, and the calls of
 * noiseDrawsSeeded, addNoiseSeverities and addNoiseSeveritiesSeeded into it.
 */
import type { RawImage } from '../../base/image.js'
import { CORRUPTION_PARAMETERS } from '../corruptionParameters.js'
import { noiseDrawsSeededJs } from '../noiseDraws.js'
import { lazyKernel } from './kernelInstance.js'
import { WASM_BASE64 as NOISE_WASM } from './noiseModule.js'

/** src/robust/wasm/noise.c: the draws of an image, and addNoise at several severities from them. */
export const noiseKernel = lazyKernel<{
  add_noise(src: number, n: number, draws: number, sigmas: number, count: number, dst: number): void
  noise_draws(seed: number, n: number, draws: number): void
  noise_seeded(src: number, n: number, seed: number, sigmas: number, count: number, dst: number, draws: number): void
  logs(x: number, n: number, out: number): void
  coss(x: number, n: number, out: number): void
}>(NOISE_WASM)

let drawsAgree: boolean | undefined

/**
 * noiseKernel where its draws are this Node's: noise.c computes Math.log and Math.cos as V8's fdlibm
 * does (Node 20), but another V8 may compute them otherwise (newer ones take cos from another
 * library), so on first use its log and cos are compared with Math.log and Math.cos on fixed
 * arguments spread over the ranges the draws use, with the ends, the powers of two and the
 * multiples of π/4 among them, and its draws with noiseDrawsSeededJs for a few seeds. Where one
 * double differs the draws stay in JavaScript (the same bytes, more CPU).
 */
export function noiseDrawsKernel(): ReturnType<typeof noiseKernel> {
  const k = noiseKernel()
  if (!k) return undefined
  drawsAgree ??= noiseKernelAgrees(k)
  return drawsAgree ? k : undefined
}

/** Whether noiseDrawsSeeded computes its draws in WebAssembly here (a test hook). */
export function noiseDrawsInWasm(): boolean {
  return noiseDrawsKernel() !== undefined
}

function noiseKernelAgrees(k: NonNullable<ReturnType<typeof noiseKernel>>): boolean {
  // 32-bit generator outputs u: spread evenly (a golden-ratio stride), geometrically from 0 to 2³² (log's
  // small arguments) and next to the powers of two and to the multiples of 2³²/8 (log's f = 0 and cos's
  // reduction at the multiples of π/4)
  const outputs: number[] = []
  for (let m = 0; m < 2_048; m++) outputs.push(Math.imul(m, 0x9e3779b9) >>> 0, Math.floor(2 ** ((32 * m) / 2_048)))
  for (let b = 0; b <= 32; b++) for (let d = -3; d <= 3; d++) outputs.push(2 ** b + d)
  for (let e = 0; e <= 8; e++) for (let d = -3; d <= 3; d++) outputs.push(e * 2 ** 29 + d)
  const u32 = outputs.filter((u) => u >= 0 && u < 2 ** 32)
  const count = u32.length
  const at = k.reserve(16 * count)
  const args = new Float64Array(k.bytes.buffer, at, count)
  const out = new Float64Array(k.bytes.buffer, at + 8 * count, count)
  const same = (f: (x: number) => number) => args.every((x, i) => Object.is(out[i], f(x)))
  u32.forEach((u, i) => {
    args[i] = Math.max(u / 4294967296, 1e-12) // as gaussian()'s Math.log argument
  })
  k.exports.logs(at, count, at + 8 * count)
  if (!same(Math.log)) return false
  u32.forEach((u, i) => {
    args[i] = 2 * Math.PI * (u / 4294967296) // as its Math.cos argument
  })
  k.exports.coss(at, count, at + 8 * count)
  if (!same(Math.cos)) return false
  for (const seed of [0, 1, 0xffffffff, 0x9e3779b9]) {
    const want = noiseDrawsSeededJs(1_001, seed)
    k.exports.noise_draws(seed, 1_001, at)
    const got = new Float64Array(k.bytes.buffer, at, 1_001)
    if (!want.every((g, i) => Object.is(got[i], g))) return false
  }
  return true
}

/** noiseDrawsSeeded(values, seed32) by noise.c's noise_draws (a kernel whose draws agree: noiseDrawsKernel). */
export function noiseDrawsWasm(
  k: NonNullable<ReturnType<typeof noiseKernel>>,
  values: number,
  seed32: number,
): Float64Array {
  const at = k.reserve(8 * values)
  k.exports.noise_draws(seed32 >>> 0, values, at) // an i32 argument: the same 32 bits
  return new Float64Array(k.bytes.buffer, at, values).slice()
}

/** noise.c's add_noise on `draws`, or its noise_seeded on the draws of the seed `from`. */
export function noiseInWasm(
  k: NonNullable<ReturnType<typeof noiseKernel>>,
  image: RawImage,
  severities: readonly number[],
  from: Float64Array | number,
): RawImage[] {
  const n = image.data.length
  const count = severities.length
  // doubles first (8-byte aligned), then the pixels (the kernel reads up to 4 bytes past them), then the outputs
  const sigmasAt = k.reserve(8 * (count + n) + 8 + n * (1 + count))
  const drawsAt = sigmasAt + 8 * count
  const src = drawsAt + 8 * n
  const dst = src + n + 8
  const memory = k.bytes
  const sigmas = new Float64Array(memory.buffer, sigmasAt, count)
  severities.forEach((severity, i) => {
    sigmas[i] = CORRUPTION_PARAMETERS['gaussian-noise'].values[severity - 1]! * 255 // as addNoise's σ
  })
  memory.set(image.data, src)
  if (typeof from === 'number') k.exports.noise_seeded(src, n, from, sigmasAt, count, dst, drawsAt)
  else {
    new Float64Array(memory.buffer, drawsAt, n).set(from.subarray(0, n))
    k.exports.add_noise(src, n, drawsAt, sigmasAt, count, dst)
  }
  return severities.map((_, i) => ({ ...image, data: memory.slice(dst + i * n, dst + (i + 1) * n) }))
}
