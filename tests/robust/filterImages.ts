import sharp from 'sharp'
import type { Sharp } from 'sharp'
import type { RawImage } from '../../src/base/image.js'

/** Seeded test images for the filter corruptions (tests/robust/linear.test.ts, convolve.test.ts). */

/** A seeded linear congruential generator of bytes. */
export function bytes(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0
    return (s >>> 16) & 255
  }
}

/** Uniform noise: every level likely, neighbours unrelated, so every weight shows. */
export function noiseImage(width: number, height: number, channels: 1 | 3, seed: number): RawImage {
  const next = bytes(seed)
  const data = new Uint8Array(width * height * channels)
  for (let i = 0; i < data.length; i++) data[i] = next()
  return { data, width, height, channels }
}

/** A face-like image: a shaded oval on a darker ground, two eyes and a mouth, a little noise. */
export function faceImage(width: number, height: number, channels: 1 | 3, seed: number): RawImage {
  const next = bytes(seed)
  const data = new Uint8Array(width * height * channels)
  const cx = width / 2
  const cy = height / 2
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const u = (x + 0.5 - cx) / (0.4 * width)
      const v = (y + 0.5 - cy) / (0.48 * height)
      let level = u * u + v * v < 1 ? 150 + 60 * (1 - v * v) : 40 + (30 * y) / height
      const eye = (ex: number): boolean => Math.hypot(x - ex * width, y - 0.42 * height) < 0.06 * width
      if (eye(0.33) || eye(0.67)) level = 20
      if (Math.abs(y - 0.75 * height) < 0.04 * height && Math.abs(x - cx) < 0.18 * width) level = 70
      for (let c = 0; c < channels; c++)
        data[(y * width + x) * channels + c] = Math.min(
          255,
          Math.max(0, Math.round(level * (1 - 0.1 * c) + (next() >> 4) - 8)),
        )
    }
  return { data, width, height, channels }
}

/** Extreme contrast: a 0/255 checkerboard of `cell`-pixel cells (sums at both ends of the range). */
export function checkerImage(width: number, height: number, channels: 1 | 3, cell: number): RawImage {
  const data = new Uint8Array(width * height * channels)
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      data.fill(
        (Math.floor(x / cell) + Math.floor(y / cell)) % 2 ? 255 : 0,
        (y * width + x) * channels,
        (y * width + x + 1) * channels,
      )
  return { data, width, height, channels }
}

/** A gray image stored in three equal bands (its three channel means are equal). */
export function grayAsColour(image: RawImage): RawImage {
  const data = new Uint8Array(image.width * image.height * 3)
  for (let i = 0; i < image.width * image.height; i++) data.fill(image.data[i]!, 3 * i, 3 * i + 3)
  return { data, width: image.width, height: image.height, channels: 3 }
}

/** The sizes the filters are compared at: tiny, odd, the FER sizes and a larger oblong. */
export const SIZES: readonly (readonly [number, number])[] = [
  [1, 1],
  [2, 3],
  [5, 1],
  [37, 53],
  [48, 48],
  [100, 100],
  [300, 200],
]

/** Noise, face-like and checkerboard images of every size in SIZES for a channel count. */
export function testImages(channels: 1 | 3, seed: number): RawImage[] {
  return SIZES.flatMap(([w, h], k) => [
    noiseImage(w, h, channels, seed + 2 * k),
    faceImage(w, h, channels, seed + 2 * k + 1),
    checkerImage(w, h, channels, 1 + (k % 4)),
  ])
}

/**
 * The old pipeline, as src/robust/corruptions.ts ran every filter through sharp: the raw image,
 * `op`, back to the image's colourspace as raw 8-bit pixels.
 */
export async function viaSharp(image: RawImage, op: (p: Sharp) => Sharp): Promise<Uint8Array> {
  const { data, info } = await op(
    sharp(Buffer.from(image.data), { raw: { width: image.width, height: image.height, channels: image.channels } }),
  )
    .toColourspace(image.channels === 1 ? 'b-w' : 'srgb')
    .raw()
    .toBuffer({ resolveWithObject: true })
  if (info.width !== image.width || info.height !== image.height || info.channels !== image.channels)
    throw new Error(`sharp gave ${info.width}×${info.height}×${info.channels}`)
  return new Uint8Array(data)
}

/** The first differing byte as a readable line, or '' when equal. */
export function firstDifference(got: Uint8Array, want: Uint8Array): string {
  if (got.length !== want.length) return `length ${got.length} vs ${want.length}`
  for (let i = 0; i < got.length; i++) if (got[i] !== want[i]) return `byte ${i}: ${got[i]} vs sharp ${want[i]}`
  return ''
}

/** The number of bytes that differ. */
export function differing(a: Uint8Array, b: Uint8Array): number {
  let n = 0
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++
  return n
}

/** Each band's mean over the image. */
export function channelMeans(image: RawImage): number[] {
  const sums = new Array<number>(image.channels).fill(0)
  for (let i = 0; i < image.data.length; i++) sums[i % image.channels]! += image.data[i]!
  return sums.map((s) => s / (image.width * image.height))
}
