import { describe, expect, it } from 'vitest'
import type { RawImage } from '../../src/base/image.js'
import { seededRandom } from '../../src/base/prng.js'
import {
  convolveFloat,
  gaussianBlur,
  gaussianBlurJs,
  gaussianMask,
  motionBlurs,
  motionBlursJs,
} from '../../src/robust/convolve.js'
import { CORRUPTION_PARAMETERS, corrupt, corruptionRandom, motionKernel } from '../../src/robust/corruptions.js'
import { differing, faceImage, firstDifference, noiseImage, testImages, viaSharp } from './filterImages.js'

/** Not called: the Gaussian blur draws nothing. */
const noRandom = (): number => {
  throw new Error('drew a random number')
}

const IMAGES = [...testImages(1, 7), ...testImages(3, 307)]

/** The Gaussian blur's σ at a severity, as src/robust/corruptions.ts computes it. */
function blurSigma(image: RawImage, severity: number): number {
  const v = CORRUPTION_PARAMETERS['gaussian-blur'].values[severity - 1]!
  return Math.max(0.6, (v * Math.min(image.width, image.height)) / 100)
}

/** The old corrupt(): the Gaussian blur through sharp, as src/robust/corruptions.ts ran it. */
function oldBlur(image: RawImage, severity: number): Promise<Uint8Array> {
  return viaSharp(image, (p) => p.blur(blurSigma(image, severity)))
}

/** The motion blur's line length at a severity, as src/robust/corruptions.ts computes it. */
function motionLength(image: RawImage, severity: number): number {
  const v = CORRUPTION_PARAMETERS['motion-blur'].values[severity - 1]!
  return Math.max(2, Math.round((v * Math.min(image.width, image.height)) / 100))
}

/** motionBlurs and motionBlursJs at every severity (the angle drawn from `random` as corrupt() draws it). */
function motionBoth(image: RawImage, random: () => number): { wasm: Uint8Array[]; js: Uint8Array[] } {
  const angle = (random() - 0.5) * (Math.PI / 2)
  const lengths = [1, 2, 3, 4, 5].map((severity) => motionLength(image, severity))
  return {
    wasm: motionBlurs(image, angle, lengths).map((r) => r!.data),
    js: motionBlursJs(image, angle, lengths).map((r) => r!.data),
  }
}

/** The old corrupt(): the motion blur's line kernel (its angle drawn from `random`) through sharp's convolve. */
function oldMotion(image: RawImage, severity: number, random: () => number): Promise<Uint8Array> {
  const angle = (random() - 0.5) * (Math.PI / 2)
  return viaSharp(image, (p) => p.convolve(motionKernel(motionLength(image, severity), angle)))
}

describe('the Gaussian blur in JavaScript and WebAssembly gives the bytes sharp gives', () => {
  it('corrupt() at every severity: gray and colour noise, face-like and checkerboard images from 1×1 to 300×200', async () => {
    for (const image of IMAGES)
      for (let severity = 1; severity <= 5; severity++) {
        const got = await corrupt(image, 'gaussian-blur', severity, noRandom)
        const label = `severity ${severity} on ${image.width}×${image.height}×${image.channels}`
        const want = await oldBlur(image, severity)
        expect(firstDifference(got.data, want), label).toBe('')
        const sigma = blurSigma(image, severity)
        expect(firstDifference(gaussianBlur(image, sigma)!.data, want), `wasm ${label}`).toBe('')
        expect(firstDifference(gaussianBlurJs(image, sigma)!.data, want), `js ${label}`).toBe('')
      }
  })

  it('blur(σ) for σ from 0.2 to 1000: both of libvips’ integer paths (vector up to 1,024 taps, C beyond)', async () => {
    const sigmas: number[] = []
    for (let s = 0.2; s < 12; s += 0.043) sigmas.push(s)
    for (let s = 12; s <= 1000; s *= 1.09) sigmas.push(s)
    sigmas.push(1000)
    for (const [k, sigma] of sigmas.entries()) {
      const image = k % 2 ? noiseImage(23, 17, k % 3 ? 1 : 3, k) : faceImage(29, 19, k % 3 ? 1 : 3, k)
      const got = gaussianBlur(image, sigma)
      const js = gaussianBlurJs(image, sigma)
      expect(got, `σ ${sigma}`).toBeDefined()
      expect(js, `σ ${sigma}`).toBeDefined()
      // sharp takes σ ≥ 0.3 only; libvips' own gaussblur copies the image below 0.2
      if (sigma < 0.3) {
        expect(firstDifference(got!.data, js!.data), `σ ${sigma}`).toBe('')
        continue
      }
      const want = await viaSharp(image, (p) => p.blur(sigma))
      expect(firstDifference(got!.data, want), `wasm σ ${sigma}`).toBe('')
      expect(firstDifference(js!.data, want), `js σ ${sigma}`).toBe('')
    }
  })
})

describe('the motion blur in JavaScript and WebAssembly gives the bytes sharp gives', () => {
  it('corrupt() and motionBlurs at every severity with each sample’s seeded angle, gray and colour images from 1×1 to 300×200', async () => {
    for (const [k, image] of IMAGES.entries()) {
      const id = `sample-${k}`
      const all = motionBoth(image, corruptionRandom(3, 'motion-blur', id))
      for (let severity = 1; severity <= 5; severity++) {
        const got = await corrupt(image, 'motion-blur', severity, corruptionRandom(3, 'motion-blur', id))
        const label = `severity ${severity} on ${image.width}×${image.height}×${image.channels} (${id})`
        const want = await oldMotion(image, severity, corruptionRandom(3, 'motion-blur', id))
        expect(firstDifference(got.data, want), label).toBe('')
        expect(firstDifference(all.wasm[severity - 1]!, want), `wasm ${label}`).toBe('')
        expect(firstDifference(all.js[severity - 1]!, want), `js ${label}`).toBe('')
      }
    }
  })

  it('every kernel angle from −45° to 45° in 1.5° steps, every severity, on 48×48 and 100×100 faces', async () => {
    for (const [w, channels] of [
      [48, 1],
      [100, 3],
    ] as const) {
      const image = faceImage(w, w, channels, w)
      for (let step = 0; step <= 60; step++) {
        const draw = step / 60 // (draw − 0.5) · 90°: −45° … 45°
        const all = motionBoth(image, () => draw)
        for (let severity = 1; severity <= 5; severity++) {
          const got = await corrupt(image, 'motion-blur', severity, () => draw)
          const label = `${w}×${w}×${channels}, severity ${severity}, angle ${(draw - 0.5) * 90}°`
          const want = await oldMotion(image, severity, () => draw)
          expect(firstDifference(got.data, want), label).toBe('')
          expect(firstDifference(all.wasm[severity - 1]!, want), `wasm ${label}`).toBe('')
          expect(firstDifference(all.js[severity - 1]!, want), `js ${label}`).toBe('')
        }
      }
    }
  })
})

describe('the WebAssembly blurs (src/robust/wasm/convolve.c) give the JavaScript kernels’ bytes', () => {
  it('random sizes 1×1 to 100×100, 1 and 3 channels, σ on every pass arithmetic, lines of every length', () => {
    const random = seededRandom(2024)
    const pick = (n: number): number => Math.floor(random() * n)
    let compared = 0
    for (let i = 0; i < 240; i++) {
      const width = i < 4 ? 1 + i : 1 + pick(100)
      const height = i < 4 ? 1 : 1 + pick(100)
      const channels = i % 2 ? 3 : 1
      const image = i % 3 ? noiseImage(width, height, channels, i) : faceImage(width, height, channels, i)
      const label = `${width}×${height}×${channels}`
      // σ 0.6 (libvips' C path, divided), the robust σ (16-bit and 32-bit sums), 150 and more (hundreds of taps)
      const sigmas = [0.6, 0.3 + random() * 3, 3 + random() * 12, i % 40 === 0 ? 150 + random() * 100 : 1 + random()]
      for (const sigma of sigmas) {
        const js = gaussianBlurJs(image, sigma)!.data
        expect(firstDifference(gaussianBlur(image, sigma)!.data, js), `${label} σ ${sigma}`).toBe('')
        compared++
      }
      const angle = (random() - 0.5) * (Math.PI / 2)
      // up to 256 in 16-bit sums, longer ones in 32-bit sums
      const lengths = Array.from({ length: 1 + pick(5) }, () => 1 + pick(i % 20 === 0 ? 400 : 30))
      const js = motionBlursJs(image, angle, lengths)
      motionBlurs(image, angle, lengths).forEach((got, k) => {
        expect(firstDifference(got!.data, js[k]!.data), `${label} angle ${angle} length ${lengths[k]}`).toBe('')
        compared++
      })
    }
    expect(compared).toBeGreaterThan(1200)
  })

  it('a line longer than 4,096 pixels left to convolveFloat, as in JavaScript', () => {
    const image = noiseImage(5, 5, 1, 27)
    const [short, long] = motionBlurs(image, 0.2, [3, 4_097])
    expect(short!.data).toEqual(convolveFloat(image, motionKernel(3, 0.2)).data)
    expect(long).toBeUndefined()
  })
})

/** A one-dimensional pass along rows or columns with edge pixels copied, each value from its integer sum. */
function pass(image: RawImage, mask: readonly number[], horizontal: boolean, value: (sum: number) => number): RawImage {
  const { width, height, channels, data } = image
  const half = (mask.length - 1) / 2
  const out = new Uint8Array(data.length)
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < channels; c++) {
        let sum = 0
        for (let k = -half; k <= half; k++) {
          const xx = horizontal ? Math.min(width - 1, Math.max(0, x + k)) : x
          const yy = horizontal ? y : Math.min(height - 1, Math.max(0, y + k))
          sum += mask[k + half]! * data[(yy * width + xx) * channels + c]!
        }
        out[(y * width + x) * channels + c] = Math.min(255, Math.max(0, value(sum)))
      }
  return { ...image, data: out }
}

function roundHalfEven(v: number): number {
  const r = Math.round(v)
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r
}

/** The two passes with libvips' vector arithmetic (8-bit mantissas, a shared exponent) or exact integer division. */
function separable(image: RawImage, sigma: number, arithmetic: 'vector' | 'divide'): Uint8Array {
  const mask = gaussianMask(sigma, 0.2)!
  if (arithmetic === 'divide') {
    const value = (sum: number): number => Math.trunc((sum + Math.floor(mask.scale / 2)) / mask.scale)
    return pass(pass(image, mask.kernel, true, value), mask.kernel, false, value).data
  }
  const scaled = mask.kernel.map((k) => k / mask.scale)
  const shift = Math.ceil(Math.log2(Math.max(...scaled)) + 1)
  const exp = 7 - shift
  const mantissas = scaled.map((s) => roundHalfEven(128 * s * 2 ** -shift))
  const value = (sum: number): number => (sum + 2 ** (exp - 1)) >> exp
  return pass(pass(image, mantissas, true, value), mantissas, false, value).data
}

describe('the comparisons can fail: nearby arithmetic gives other bytes than sharp on these images', () => {
  it('Gaussian blur: exact division where libvips takes its vector path, and its vector arithmetic where it takes the C path', async () => {
    for (const sigma of [0.72, 0.96, 1.44, 1.92, 2.88, 6, 12]) {
      const image = noiseImage(48, 48, 1, Math.round(sigma * 100))
      const want = await viaSharp(image, (p) => p.blur(sigma))
      expect(differing(separable(image, sigma, 'vector'), want), `σ ${sigma}`).toBe(0)
      expect(differing(separable(image, sigma, 'divide'), want), `σ ${sigma}`).toBeGreaterThan(0)
    }
    for (const sigma of [300, 600]) {
      const image = faceImage(40, 30, 1, sigma)
      const want = await viaSharp(image, (p) => p.blur(sigma))
      expect(differing(separable(image, sigma, 'divide'), want), `σ ${sigma}`).toBe(0)
      expect(differing(separable(image, sigma, 'vector'), want), `σ ${sigma}`).toBeGreaterThan(0)
    }
  })

  it('motion blur: single-precision sums, or rounding to nearest instead of truncation', async () => {
    let float32 = 0
    let rounded = 0
    for (const [k, image] of IMAGES.entries()) {
      if (image.width < 37 || image.width > 100) continue
      const draw = k / IMAGES.length
      for (let severity = 1; severity <= 5; severity++) {
        const v = CORRUPTION_PARAMETERS['motion-blur'].values[severity - 1]!
        const mask = motionKernel(
          Math.max(2, Math.round((v * Math.min(image.width, image.height)) / 100)),
          (draw - 0.5) * (Math.PI / 2),
        )
        const want = await oldMotion(image, severity, () => draw)
        const { width, height, channels, data } = image
        const half = (mask.width - 1) / 2
        const model = (sum: (terms: number[]) => number, round: (v: number) => number): Uint8Array => {
          const out = new Uint8Array(data.length)
          for (let y = 0; y < height; y++)
            for (let x = 0; x < width; x++)
              for (let c = 0; c < channels; c++) {
                const terms: number[] = []
                mask.kernel.forEach((m, i) => {
                  if (m === 0) return
                  const xx = Math.min(width - 1, Math.max(0, x + (i % mask.width) - half))
                  const yy = Math.min(height - 1, Math.max(0, y + Math.floor(i / mask.width) - half))
                  terms.push((m / mask.scale) * data[(yy * width + xx) * channels + c]!)
                })
                out[(y * width + x) * channels + c] = Math.min(255, Math.max(0, round(Math.fround(sum(terms)))))
              }
          return out
        }
        const double = (terms: number[]): number => terms.reduce((a, b) => a + b, 0)
        const single = (terms: number[]): number => terms.reduce((a, b) => Math.fround(a + Math.fround(b)), 0)
        expect(differing(model(double, Math.trunc), want)).toBe(0) // libvips' arithmetic: matches
        float32 += differing(model(single, Math.trunc), want)
        rounded += differing(model(double, Math.round), want)
      }
    }
    expect(float32).toBeGreaterThan(0)
    expect(rounded).toBeGreaterThan(0)
  })
})
