import { describe, expect, it } from 'vitest'
import type { RawImage } from '../../src/base/image.js'
import { pixelScale, pixelsToBatch } from '../../src/card/pixelTensor.js'
import type { ModelCard } from '../../src/card/schema.js'
import { writeTensor } from '../../src/card/tensor.js'

function card(scale: ModelCard['scale'], layout: 'NCHW' | 'NHWC', channels: 1 | 3): ModelCard {
  return {
    input: { height: 3, width: 4, channels, layout, name: 'x' },
    scale,
    mean: [0.5, 0.4, 0.3].slice(0, channels),
    std: [0.2, 0.25, 0.5].slice(0, channels),
    resize: 'bilinear',
    tta: 'none',
    ttaAverage: 'logits',
    labels: ['neutral', 'happiness'],
    output: 'logits',
    origin: { source: 'test', inferred: [] },
  }
}

describe('pixelsToBatch: a batch given as pixels becomes the floats writeTensor writes', () => {
  for (const scale of ['raw255', 'unit', 'symmetric', 'meanstd'] as const)
    for (const layout of ['NCHW', 'NHWC'] as const)
      for (const channels of [1, 3] as const)
        it(`${scale} ${layout} ${channels} channel(s): rows in order, bit for bit; padding rows 0`, () => {
          const c = card(scale, layout, channels)
          const rowValues = 12 * channels
          const images: RawImage[] = [0, 1, 2].map((k) => ({
            data: Uint8Array.from({ length: rowValues }, (_, i) => (i * 37 + k * 101) % 256),
            width: 4,
            height: 3,
            channels,
          }))
          const pixels = new Uint8Array(images.length * rowValues)
          images.forEach((image, k) => pixels.set(image.data, k * rowValues))
          // a fixed batch of 5 rows holding 3 images
          const got = pixelsToBatch(pixels, 3, pixelScale(c), 5 * rowValues)
          const expected = new Float32Array(5 * rowValues)
          images.forEach((image, k) => writeTensor(image, c, expected, k * rowValues))
          expect(got.length).toBe(expected.length)
          expect(Buffer.from(got.buffer).equals(Buffer.from(expected.buffer))).toBe(true)
          expect(got.subarray(3 * rowValues).every((v) => v === 0)).toBe(true)
          expect(got.subarray(0, 3 * rowValues).some((v) => v !== 0)).toBe(true)
        })

  it('into: a reused buffer of the batch size is written in place, its old values (padding included) gone', () => {
    for (const scale of ['raw255', 'meanstd'] as const) {
      const s = pixelScale(card(scale, 'NCHW', 3))
      const rowValues = 36
      const pixels = Uint8Array.from({ length: 2 * rowValues }, (_, i) => (i * 53) % 256)
      const fresh = pixelsToBatch(pixels, 2, s, 4 * rowValues)
      const used = new Float32Array(4 * rowValues).fill(Number.NaN)
      const got = pixelsToBatch(pixels, 2, s, 4 * rowValues, used)
      expect(got).toBe(used)
      expect(Buffer.from(got.buffer).equals(Buffer.from(fresh.buffer))).toBe(true)
      expect(got.subarray(2 * rowValues).every((v) => Object.is(v, 0))).toBe(true)
      // a buffer of another size is not used
      const other = new Float32Array(3 * rowValues)
      const made = pixelsToBatch(pixels, 2, s, 4 * rowValues, other)
      expect(made).not.toBe(other)
      expect(Buffer.from(made.buffer).equals(Buffer.from(fresh.buffer))).toBe(true)
    }
  })

  it('every pixel value 0–255 of every channel, each scale and layout: the float of v · mul[c] + add[c], computed here per value', () => {
    for (const scale of ['raw255', 'unit', 'symmetric', 'meanstd'] as const)
      for (const layout of ['NCHW', 'NHWC'] as const)
        for (const channels of [1, 3] as const) {
          const c = { ...card(scale, layout, channels), input: { height: 16, width: 16, channels, layout, name: 'x' } }
          const s = pixelScale(c)
          const plane = 256
          // two rows; in the second each channel's values run backwards
          const pixels = new Uint8Array(2 * plane * channels)
          for (let r = 0; r < 2; r++)
            for (let p = 0; p < plane; p++)
              for (let k = 0; k < channels; k++)
                pixels[(r * plane + p) * channels + k] = r === 0 ? (p + 85 * k) % 256 : 255 - ((p + 85 * k) % 256)
          const got = pixelsToBatch(pixels, 2, s, 2 * plane * channels)
          const expected = new Float32Array(2 * plane * channels)
          for (let r = 0; r < 2; r++)
            for (let p = 0; p < plane; p++)
              for (let k = 0; k < channels; k++) {
                const at =
                  layout === 'NCHW' || channels === 1
                    ? r * plane * channels + k * plane + p
                    : (r * plane + p) * channels + k
                expected[at] = pixels[(r * plane + p) * channels + k]! * s.mul[k]! + s.add[k]!
              }
          expect(Buffer.from(got.buffer).equals(Buffer.from(expected.buffer))).toBe(true)
        }
  })
})
