import { describe, expect, it } from 'vitest'
import type { RawImage } from '../../src/base/image.js'
import { CORRUPTION_PARAMETERS, corrupt } from '../../src/robust/corruptions.js'
import { linear } from '../../src/robust/linear.js'
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
          expect(firstDifference(got.data, await oldCorruption(image, corruption, severity)), label).toBe('')
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
      expect(firstDifference(linear(image, a, b).data, await viaSharp(image, (p) => p.linear(a, b))), label).toBe('')
    }
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
