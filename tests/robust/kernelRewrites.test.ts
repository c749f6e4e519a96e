import { describe, expect, it, vi } from 'vitest'
import type { RawImage } from '../../src/base/image.js'
import { seededRandom } from '../../src/base/prng.js'
import { convolveFloat, motionBlurs, motionBlursJs } from '../../src/robust/convolve.js'
import {
  CORRUPTION_PARAMETERS,
  addNoise,
  addNoiseSeverities,
  addNoiseSeveritiesSeeded,
  corruptionRandom,
  motionKernel,
  corruptionSeed,
  noiseDraws,
  noiseDrawsInWasm,
  noiseDrawsSeeded,
  noiseDrawsSeededJs,
} from '../../src/robust/corruptions.js'
import { wasmAvailable } from '../../src/robust/wasm/kernelInstance.js'
import { faceImage, noiseImage } from './filterImages.js'

/**
 * The corruption kernels rewritten for speed give the bytes of the plain formulas they replace:
 * they keep per-size tables and reuse scratch buffers from call to call (src/robust/rotate.ts,
 * lowResolution.ts, convolve.ts), yet whatever ran before, a call gives the bytes it gives alone
 * and an image returned earlier is not changed by later calls; the noise draws and the noise's
 * rounding are computed without function calls and branches (src/robust/corruptions.ts).
 */

type Kernels = typeof import('../../src/robust/rotate.js') & typeof import('../../src/robust/lowResolution.js')
type Job = (kernels: Kernels) => RawImage | undefined

/** The kernels' modules loaded afresh: no table or scratch buffer from any call before. */
async function freshKernels(): Promise<Kernels> {
  vi.resetModules()
  return { ...(await import('../../src/robust/rotate.js')), ...(await import('../../src/robust/lowResolution.js')) }
}

function run(job: Job, kernels: Kernels, label: string): RawImage {
  const result = job(kernels)
  if (!result) throw new Error(`${label}: a kernel left the image to sharp`)
  return result
}

/**
 * Each job alone in freshly loaded modules gives the bytes it gives in one module after every
 * other job (in order, then again in a shuffled order, with the tables of the first pass kept),
 * and no result returned earlier is changed by a later call.
 */
async function expectOrderIndependent(jobs: readonly Job[]): Promise<void> {
  const alone: Uint8Array[] = []
  for (const [i, job] of jobs.entries()) alone.push(Uint8Array.from(run(job, await freshKernels(), `job ${i}`).data))
  const shared = await freshKernels()
  const order = jobs.map((_, i) => i)
  const random = seededRandom(4_711)
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[order[i], order[j]] = [order[j]!, order[i]!]
  }
  const kept: Array<{ i: number; result: RawImage }> = []
  for (const i of [...jobs.keys(), ...order]) {
    const result = run(jobs[i]!, shared, `job ${i}`)
    expect(result.data.length, `job ${i}`).toBe(result.width * result.height * result.channels)
    expect(Buffer.from(result.data).equals(Buffer.from(alone[i]!)), `job ${i}`).toBe(true)
    kept.push({ i, result })
  }
  for (const { i, result } of kept)
    expect(Buffer.from(result.data).equals(Buffer.from(alone[i]!)), `job ${i} afterwards`).toBe(true)
}

describe('kernel tables and scratch buffers', () => {
  it('rotation: sizes, channel counts and angles interleaved give the bytes each gives alone', async () => {
    const images = [
      faceImage(48, 48, 1, 1),
      noiseImage(48, 48, 1, 2),
      faceImage(61, 75, 3, 3),
      noiseImage(100, 100, 1, 4),
      noiseImage(300, 90, 1, 5), // wider than one cached plan: planned in bands of rows
    ]
    const jobs: Job[] = []
    for (const image of images)
      for (const angle of [-25, 25, -5, 5, 10, 20]) jobs.push((k) => k.rotateCentreCrop(image, angle, [90, 120, 30]))
    jobs.push((k) => k.rotateCanvas(images[3]!, 15, [10, 10, 10]))
    jobs.push((k) => k.rotateCanvas(images[0]!, -15, [200, 10, 10]))
    await expectOrderIndependent(jobs)
  })

  it('low resolution: sizes, channel counts and factors interleaved give the bytes each gives alone', async () => {
    const images = [
      faceImage(48, 48, 1, 6),
      noiseImage(48, 48, 3, 7),
      noiseImage(100, 100, 1, 8),
      faceImage(61, 75, 3, 9),
      noiseImage(7, 300, 1, 10),
    ]
    const jobs: Job[] = []
    for (const image of images)
      for (const v of [1.5, 2, 3, 4, 6])
        jobs.push(
          (k) => k.lowResolution(image, v),
          (k) => k.lowResolutionJs(image, v),
        )
    await expectOrderIndependent(jobs)
  })

  it('noise draws with the generator written out are the draws of corruptionRandom, bit for bit', () => {
    for (const id of ['S005_001_00000011.png', 'a', 'texture', '']) {
      const seed = corruptionSeed(3, 'gaussian-noise', id)
      const want = Buffer.from(noiseDraws(4_801, corruptionRandom(3, 'gaussian-noise', id)).buffer)
      expect(Buffer.from(noiseDrawsSeededJs(4_801, seed).buffer).equals(want), id).toBe(true)
      expect(Buffer.from(noiseDrawsSeeded(4_801, seed).buffer).equals(want), `${id} (wasm)`).toBe(true)
    }
  })
})

describe('noise draws in WebAssembly (src/robust/wasm/noise.c: mulberry32 and fdlibm log and cos)', () => {
  it('are used on Node 20, whose Math.log and Math.cos are the fdlibm ports they compute', () => {
    if (process.versions.node.startsWith('20.') && wasmAvailable()) expect(noiseDrawsInWasm()).toBe(true)
  })

  it('are noiseDraws(seededRandom(seed)) bit for bit, seeds at the ends of 32 bits, odd and long lengths', () => {
    const random = seededRandom(77)
    const seeds = [0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 123_456_789]
    for (let k = 0; k < 6; k++) seeds.push(Math.floor(random() * 2 ** 32))
    for (const seed of seeds)
      for (const n of [1, 2, 3, 5, 7, 33, 2_304, 2_305]) {
        const want = Buffer.from(noiseDraws(n, seededRandom(seed)).buffer)
        expect(Buffer.from(noiseDrawsSeeded(n, seed).buffer).equals(want), `seed ${seed}, ${n} draws`).toBe(true)
        expect(Buffer.from(noiseDrawsSeededJs(n, seed).buffer).equals(want), `seed ${seed}, ${n} draws (js)`).toBe(true)
      }
    for (const seed of [0, 1, 0x7fffffff, 0xffffffff]) {
      const want = Buffer.from(noiseDraws(100_000, seededRandom(seed)).buffer)
      expect(Buffer.from(noiseDrawsSeeded(100_000, seed).buffer).equals(want), `seed ${seed}, 100,000 draws`).toBe(true)
    }
    expect(noiseDrawsSeeded(0, 5).length).toBe(0)
  })

  it('addNoiseSeveritiesSeeded is addNoise on noiseDrawsSeededJs at each severity, sizes 1×1 … 100×100, 1 and 3 channels', () => {
    const random = seededRandom(78)
    const sizes: Array<[number, number, 1 | 3]> = [
      [1, 1, 1],
      [1, 1, 3],
      [2, 3, 1],
      [3, 2, 3],
      [7, 5, 1],
      [48, 48, 1],
      [47, 49, 3],
      [100, 100, 1],
      [99, 1, 3],
    ]
    for (const [w, h, channels] of sizes)
      for (const severities of [[1, 2, 3, 4, 5], [5], [3, 1]]) {
        const image = (w * h) % 2 === 0 ? faceImage(w, h, channels, w + h) : noiseImage(w, h, channels, w * h)
        const seed = Math.floor(random() * 2 ** 32)
        const draws = noiseDrawsSeededJs(image.data.length, seed)
        const got = addNoiseSeveritiesSeeded(image, severities, seed)
        expect(got.length).toBe(severities.length)
        severities.forEach((severity, k) => {
          const want = addNoise(image, severity, draws)
          expect(got[k]!.width * got[k]!.height * got[k]!.channels).toBe(image.data.length)
          const label = `${w}×${h}×${channels}, severity ${severity}, seed ${seed}`
          expect(Buffer.from(got[k]!.data).equals(Buffer.from(want.data)), label).toBe(true)
        })
      }
    expect(addNoiseSeveritiesSeeded(noiseImage(4, 4, 1, 1), [], 9)).toEqual([])
  })
})

/** A draw g with σ·g exactly `target` where one is a few steps of g away from target / σ, else the nearest tried. */
function drawFor(target: number, sigma: number): number {
  const bits = new BigInt64Array(1)
  const value = new Float64Array(bits.buffer)
  value[0] = target / sigma
  const start = bits[0]!
  for (let step = 0n; step < 64n; step++)
    for (const candidate of [start + step, start - step]) {
      bits[0] = candidate
      if (sigma * value[0]! === target) return value[0]!
    }
  return target / sigma
}

describe('addNoise without Math.round, in JavaScript and in WebAssembly (src/robust/wasm/noise.c)', () => {
  it('gives min(255, max(0, round(x + σ·g))) at halves, near halves, out of range and on seeded draws', () => {
    const random = seededRandom(2_024)
    const draws: number[] = []
    for (let severity = 1; severity <= 5; severity++) {
      const sigma = CORRUPTION_PARAMETERS['gaussian-noise'].values[severity - 1]! * 255
      for (const target of [0.5, -0.5, 1.5, 254.5, 255.5, 0.49999999999999994, -0.49999999999999994, 2.5, 127.5])
        for (const nudge of [0, 1e-15, -1e-15]) draws.push(drawFor(target + nudge, sigma))
    }
    const exact = draws.length // these are added to a pixel of 0: x is the target itself
    for (const huge of [1e6, -1e6, 40, -40, 7.43, -7.43]) draws.push(huge)
    while (draws.length < 4_096) draws.push((random() - 0.5) * 16)
    const g = Float64Array.from(draws)
    const data = new Uint8Array(g.length)
    for (let i = exact; i < data.length; i++)
      data[i] = i % 7 === 0 ? 0 : i % 11 === 0 ? 255 : Math.floor(random() * 256)
    const image: RawImage = { data, width: 64, height: 64, channels: 1 }
    // the WebAssembly kernel: all five severities in one call, and lengths that are no multiple of its 4 lanes
    const severities = [1, 2, 3, 4, 5]
    const many = addNoiseSeverities(image, severities, g)
    const short = (n: number): RawImage => ({ data: data.subarray(data.length - n), width: n, height: 1, channels: 1 })
    const tails = [1, 2, 3, 5, 4_095].map((n) => ({
      n,
      out: addNoiseSeverities(short(n), [5, 1], g.subarray(g.length - n)),
    }))
    for (let severity = 1; severity <= 5; severity++) {
      const sigma = CORRUPTION_PARAMETERS['gaussian-noise'].values[severity - 1]! * 255
      const got = addNoise(image, severity, g).data
      const wasm = many[severity - 1]!.data
      for (let i = 0; i < data.length; i++) {
        const want = Math.min(255, Math.max(0, Math.round(data[i]! + sigma * g[i]!)))
        if (got[i] !== want) expect(`severity ${severity} value ${i}: ${got[i]}`).toBe(`want ${want}`)
        if (wasm[i] !== want) expect(`wasm severity ${severity} value ${i}: ${wasm[i]}`).toBe(`want ${want}`)
      }
    }
    for (const { n, out } of tails)
      [5, 1].forEach((severity, k) => {
        const want = addNoise(short(n), severity, g.subarray(g.length - n)).data
        expect(Buffer.from(out[k]!.data).equals(Buffer.from(want)), `${n} values, severity ${severity}`).toBe(true)
      })
    // the ties and the largest double below one half were met exactly
    const sums = [...g.subarray(0, exact)].map(
      (d, k) => CORRUPTION_PARAMETERS['gaussian-noise'].values[Math.floor(k / 27)]! * 255 * d,
    )
    expect(sums).toContain(0.49999999999999994)
    expect(sums).toContain(254.5)
  })
})

describe('motionBlurs: every length of one angle from one running sum', () => {
  it('gives convolveFloat(motionKernel(length, angle)) at each length, sizes, channels, angles and repeated lengths', () => {
    const images = [
      noiseImage(48, 48, 1, 21),
      faceImage(48, 48, 1, 22),
      noiseImage(61, 75, 3, 23),
      noiseImage(7, 300, 1, 24),
      noiseImage(1, 1, 1, 25),
      noiseImage(2, 3, 3, 26),
      // all 255: S / L an integer everywhere, where the float sums land on it or just below it
      { data: new Uint8Array(40 * 40).fill(255), width: 40, height: 40, channels: 1 },
      ...[1, 2, 64, 128].map((level) => ({
        data: new Uint8Array(20 * 20).fill(level),
        width: 20,
        height: 20,
        channels: 1 as const,
      })),
    ] satisfies RawImage[]
    const random = seededRandom(99)
    const angles = [
      0,
      Math.PI / 4,
      -Math.PI / 4,
      Math.PI / 8,
      0.3,
      -0.7,
      ...Array.from({ length: 8 }, () => (random() - 0.5) * (Math.PI / 2)),
    ]
    const lengthSets = [[2, 3, 5, 7, 9], [9, 2, 5], [2, 2, 4, 4, 17], [1], [12, 30], [6, 10, 11, 13, 25, 49]]
    let compared = 0
    for (const image of images)
      for (const angle of angles)
        for (const lengths of lengthSets) {
          const got = motionBlurs(image, angle, lengths)
          const js = motionBlursJs(image, angle, lengths)
          lengths.forEach((length, k) => {
            const want = convolveFloat(image, motionKernel(length, angle)).data
            const label = `${image.width}×${image.height}×${image.channels} angle ${angle} length ${length}`
            expect(Buffer.from(got[k]!.data).equals(Buffer.from(want)), label).toBe(true)
            expect(Buffer.from(js[k]!.data).equals(Buffer.from(want)), `js ${label}`).toBe(true)
            compared++
          })
          // each result its own image, even for a length asked for twice
          expect(new Set(got.map((r) => r!.data)).size, `${lengths}`).toBe(lengths.length)
          expect(new Set(js.map((r) => r!.data)).size, `${lengths}`).toBe(lengths.length)
        }
    expect(compared).toBe(images.length * angles.length * 22)
  })

  it('leaves a line longer than 4,096 pixels to convolveFloat', () => {
    const [short, long] = motionBlurs(noiseImage(5, 5, 1, 27), 0.2, [3, 4_097])
    expect(short).toBeDefined()
    expect(long).toBeUndefined()
  })
})
