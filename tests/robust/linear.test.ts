import { describe, expect, it } from 'vitest'
import type { RawImage } from '../../src/base/image.js'
import { CORRUPTION_PARAMETERS, corrupt } from '../../src/robust/corruptions.js'
import { linear, linearJs } from '../../src/robust/linear.js'
import {
  channelMeans,
  differing,
  faceImage,
  firstDifference,
  grayAsColour,
  noiseImage,
  testImages,
  viaSharp,
} from './filterImages.js'

/** Not called: brightness and contrast draw nothing. */
const noRandom = (): number => {
  throw new Error('drew a random number')
}

/** The old corrupt(): brightness and contrast through sharp's linear, as src/robust/corruptions.ts ran them. */
function oldCorruption(image: RawImage, corruption: 'brightness' | 'contrast', severity: number): Promise<Uint8Array> {
  const v = CORRUPTION_PARAMETERS[corruption].values[severity - 1]!
  if (corruption === 'brightness') return viaSharp(image, (p) => p.linear(1, v * 255))
  const means = channelMeans(image)
  return viaSharp(image, (p) =>
    p.linear(
      new Array<number>(image.channels).fill(v),
      means.map((m) => m * (1 - v)),
    ),
  )
}

const IMAGES = [
  ...testImages(1, 11),
  ...testImages(3, 211),
  // three equal bands: equal means, so libvips' single-constant (float) path on a colour image
  ...testImages(1, 411).map(grayAsColour),
]

describe('brightness and contrast in JavaScript give the bytes sharp gives', () => {
  for (const corruption of ['brightness', 'contrast'] as const)
    it(`${corruption}: corrupt() at every severity equals sharp's linear on gray, colour and gray-as-colour images of many sizes`, async () => {
      let compared = 0
      for (const image of IMAGES)
        for (let severity = 1; severity <= 5; severity++) {
          const got = await corrupt(image, corruption, severity, noRandom)
          const label = `${corruption} ${severity} on ${image.width}×${image.height}×${image.channels}`
          const want = await oldCorruption(image, corruption, severity)
          expect(firstDifference(got.data, want), label).toBe('')
          // the same constants through the JavaScript kernel
          const v = CORRUPTION_PARAMETERS[corruption].values[severity - 1]!
          const means = channelMeans(image)
          const js =
            corruption === 'brightness'
              ? linearJs(image, [1], [v * 255])
              : linearJs(
                  image,
                  means.map(() => v),
                  means.map((m) => m * (1 - v)),
                )
          expect(firstDifference(js.data, want), `js ${label}`).toBe('')
          compared++
        }
      expect(compared).toBe(IMAGES.length * 5)
    })

  it('linear() with seeded constants, one for all bands or one per band, equals sharp linear', async () => {
    let s = 99
    const next = (): number => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0
      return s / 2 ** 32
    }
    for (let k = 0; k < 60; k++) {
      const channels = k % 3 === 0 ? 1 : 3
      const image = k % 2 ? noiseImage(31, 17, channels, k) : faceImage(31, 17, channels, k)
      const perBand = channels === 3 && k % 4 !== 1
      const a = Array.from({ length: perBand ? 3 : 1 }, () => next() * 2.2 - 0.1)
      const b = Array.from({ length: perBand ? 3 : 1 }, () => next() * 300 - 150)
      const label = `a ${a.join(',')} b ${b.join(',')} on ${channels} channels`
      const want = await viaSharp(image, (p) => p.linear(a, b))
      expect(firstDifference(linear(image, a, b).data, want), label).toBe('')
      expect(firstDifference(linearJs(image, a, b).data, want), `js ${label}`).toBe('')
    }
  })
})

describe('the WebAssembly kernel (src/robust/wasm/linear.c) gives the bytes of the JavaScript one', () => {
  it('runs here', () => {
    expect(typeof WebAssembly).toBe('object')
  })

  it('seeded sizes 1×1 to 100×100, one to four bands, one constant or one per band, wide ranges of a and b', () => {
    let s = 5
    const next = (): number => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0
      return s / 2 ** 32
    }
    const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)]!
    let compared = 0
    for (let k = 0; k < 400; k++) {
      const width = k < 3 ? 1 + k : 1 + Math.floor(next() * 100)
      const height = k < 3 ? 1 : 1 + Math.floor(next() * 100)
      const channels = k % 2 ? 3 : 1
      const image = k % 4 < 2 ? noiseImage(width, height, channels, k) : faceImage(width, height, channels, k)
      // the corruptions' constants, and others: steep, negative, tiny, huge, off-grid, at pixel edges
      const draw = (): number =>
        pick([
          () => next() * 4 - 2,
          () => next() * 600 - 300,
          () => Math.round(next() * 20) / 4 - 0.5,
          () => (next() - 0.5) * 1e-6,
          () => (next() - 0.5) * 1e12,
          // 1e39: Infinity as a float, and ∞ · 0 = NaN
          () => pick([0, 1, -1, 255, 255.5, 0.5, -0.5, 0.1, 1 / 3, 25.5, 2 ** -30, 1e39, -1e39]),
        ])()
      const bands = pick([1, 1, channels, 2, 4]) // a and b of other lengths: one per band, or clamped
      const a = Array.from({ length: bands }, draw)
      const b = Array.from({ length: pick([1, bands]) }, draw)
      if (k % 5 === 0) a.fill(a[0]!) // equal values: the single-precision path with several entries
      const label = `a ${a.join(',')} b ${b.join(',')} on ${width}×${height}×${channels}`
      const got = linear(image, a, b)
      expect(got.data.length, label).toBe(image.data.length)
      expect(firstDifference(got.data, linearJs(image, a, b).data), label).toBe('')
      compared++
    }
    // every pixel value through both paths at many constants, as a 16×16 image of 0…255
    const ramp: RawImage = { data: Uint8Array.from({ length: 256 }, (_, i) => i), width: 16, height: 16, channels: 1 }
    for (let k = 0; k < 200; k++) {
      const a = [next() * 3 - 1]
      const b = [next() * 512 - 256]
      expect(firstDifference(linear(ramp, a, b).data, linearJs(ramp, a, b).data), `a ${a} b ${b}`).toBe('')
      expect(firstDifference(linear(ramp, [a[0]!, 0.5], b).data, linearJs(ramp, [a[0]!, 0.5], b).data)).toBe('')
      compared += 2
    }
    expect(compared).toBe(800)
  })
})

describe('the comparison can fail: nearby arithmetic gives other bytes than sharp on these images', () => {
  /** a·x + b per band with the given float rounding and final rounding, as a wrong model of libvips would. */
  function model(image: RawImage, a: number[], b: number[], single: boolean, round: (t: number) => number): Uint8Array {
    const out = new Uint8Array(image.data.length)
    for (let i = 0; i < out.length; i++) {
      const k = i % image.channels
      const t = single
        ? Math.fround(Math.fround(Math.fround(a[k]!) * image.data[i]!) + Math.fround(b[k]!))
        : a[k]! * image.data[i]! + b[k]!
      out[i] = Math.min(255, Math.max(0, round(t)))
    }
    return out
  }

  it('double instead of float arithmetic for one constant, float instead of double per band, rounding instead of truncation', async () => {
    let doubleForSingle = 0
    let floatForPerBand = 0
    let rounded = 0
    for (const image of IMAGES)
      for (let severity = 1; severity <= 5; severity++) {
        const v = CORRUPTION_PARAMETERS.contrast.values[severity - 1]!
        const means = channelMeans(image)
        const a = means.map(() => v)
        const b = means.map((m) => m * (1 - v))
        const single = b.every((x) => x === b[0])
        const want = await oldCorruption(image, 'contrast', severity)
        // the model libvips is: it matches
        expect(differing(model(image, a, b, single, Math.trunc), want)).toBe(0)
        if (single) doubleForSingle += differing(model(image, a, b, false, Math.trunc), want)
        else floatForPerBand += differing(model(image, a, b, true, Math.trunc), want)
        rounded += differing(model(image, a, b, single, Math.round), want)
      }
    expect(doubleForSingle).toBeGreaterThan(0)
    expect(floatForPerBand).toBeGreaterThan(0)
    expect(rounded).toBeGreaterThan(0)
  })
})
