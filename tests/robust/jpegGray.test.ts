import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import type { RawImage } from '../../src/base/image.js'
import { CORRUPTION_PARAMETERS, corrupt, corruptionRandom } from '../../src/robust/corruptions.js'
import { jpegGray, jpegGrayCovers, jpegGrayQualities } from '../../src/robust/jpegGray.js'
import { checkerImage, faceImage, firstDifference, noiseImage } from './filterImages.js'

/**
 * The oracle: the JPEG corruption as src/robust/corruptions.ts did it with sharp alone — the raw
 * image encoded by sharp at the quality, decoded again and brought back to one gray channel.
 */
async function sharpJpeg(image: RawImage, quality: number): Promise<Uint8Array> {
  const encoded = await sharp(Buffer.from(image.data), {
    raw: { width: image.width, height: image.height, channels: image.channels },
  })
    .jpeg({ quality })
    .toBuffer()
  const { data, info } = await sharp(encoded).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true })
  expect([info.width, info.height, info.channels]).toEqual([image.width, image.height, 1])
  return new Uint8Array(data)
}

/** A smooth ramp plus a step: the blocks where quantization leaves only a few coefficients. */
function rampImage(width: number, height: number): RawImage {
  const data = new Uint8Array(width * height)
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      data[y * width + x] = Math.min(255, Math.round((x * 255) / width) + (y > height / 2 ? 40 : 0))
  return { data, width, height, channels: 1 }
}

const SIZES: ReadonlyArray<readonly [number, number]> = [
  [48, 48],
  [37, 53],
  [8, 8],
  [9, 7],
  [1, 1],
  [2, 3],
  [5, 3],
  [64, 17],
]
const QUALITIES = [...CORRUPTION_PARAMETERS.jpeg.values, 1, 49, 50, 90, 100]

function images(width: number, height: number, seed: number): RawImage[] {
  return [
    noiseImage(width, height, 1, seed),
    faceImage(width, height, 1, seed + 1),
    checkerImage(width, height, 1, 1),
    checkerImage(width, height, 1, 3),
    rampImage(width, height),
    { data: new Uint8Array(width * height).fill(255), width, height, channels: 1 },
    { data: new Uint8Array(width * height), width, height, channels: 1 },
  ]
}

describe('gray JPEG round trip in JavaScript (src/robust/jpegGray.ts) and WebAssembly (src/robust/wasm/jpegGray.c)', () => {
  it('gives the bytes sharp gives, for every size, quality and kind of image, in both', async () => {
    let compared = 0
    for (const [i, [width, height]] of SIZES.entries()) {
      for (const image of images(width, height, 100 + i)) {
        // the WebAssembly kernel: every quality from one forward DCT per block
        const many = jpegGrayQualities(image, QUALITIES)
        for (const [q, quality] of QUALITIES.entries()) {
          const want = await sharpJpeg(image, quality)
          const got = jpegGray(image, quality)
          expect([got.width, got.height, got.channels]).toEqual([width, height, 1])
          expect(firstDifference(got.data, want), `${width}×${height} q${quality}`).toBe('')
          expect([many[q]!.width, many[q]!.height, many[q]!.channels]).toEqual([width, height, 1])
          expect(firstDifference(many[q]!.data, want), `wasm ${width}×${height} q${quality}`).toBe('')
          compared += 1
        }
      }
    }
    expect(compared).toBe(SIZES.length * 7 * QUALITIES.length)
    // one quality at a time, and the tables of another set of qualities loaded in between
    const face = faceImage(37, 53, 1, 5)
    for (const quality of [7, 100, 25]) {
      expect(firstDifference(jpegGrayQualities(face, [quality])[0]!.data, await sharpJpeg(face, quality))).toBe('')
    }
  })

  it('does damage: the round trip at the corruption qualities changes the image, more as quality falls', () => {
    const face = faceImage(48, 48, 1, 7)
    const error = (q: number): number => {
      const out = jpegGray(face, q).data
      let sum = 0
      for (let i = 0; i < out.length; i++) sum += Math.abs(out[i]! - face.data[i]!)
      return sum / out.length
    }
    const errors = CORRUPTION_PARAMETERS.jpeg.values.map(error)
    expect(errors[0]).toBeGreaterThan(0)
    expect(errors[4]).toBeGreaterThan(errors[0]!)
  })

  it('is what corrupt() gives for a gray image at every severity; colour images still go through sharp', async () => {
    const face = faceImage(48, 48, 1, 11)
    for (let severity = 1; severity <= 5; severity++) {
      const out = await corrupt(face, 'jpeg', severity, corruptionRandom(1, 'jpeg', 'face'))
      expect(firstDifference(out.data, await sharpJpeg(face, CORRUPTION_PARAMETERS.jpeg.values[severity - 1]!))).toBe(
        '',
      )
    }
    const colour = faceImage(20, 20, 3, 3)
    expect(jpegGrayCovers(colour)).toBe(false)
    const viaSharp = await corrupt(colour, 'jpeg', 2, corruptionRandom(1, 'jpeg', 'colour'))
    expect(viaSharp.channels).toBe(3)
    expect(() => jpegGray(colour, 18)).toThrow(/one-channel/)
  })

  it('leaves to sharp the sizes sharp refuses to encode', () => {
    const gray = (width: number, height: number): RawImage => ({ data: new Uint8Array(0), width, height, channels: 1 })
    expect(jpegGrayCovers(gray(65500, 1))).toBe(true)
    expect(jpegGrayCovers(gray(65501, 1))).toBe(false)
    expect(jpegGrayCovers(gray(1, 65501))).toBe(false)
    expect(jpegGrayCovers(gray(16384, 16384))).toBe(false)
    expect(jpegGrayCovers(gray(16383, 16383))).toBe(true)
  })
})
