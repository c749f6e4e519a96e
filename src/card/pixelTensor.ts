import type { RawImage } from '../base/image.js'
import type { ModelCard } from './schema.js'

/**
 * How 8-bit pixels of the model's input size become its input floats: x · mul[c] + add[c] per
 * channel (single-precision constants), written in the card's layout. Plain data, so it can travel
 * with a batch of pixels to the runner process (src/runners/onnxProcessEntry.ts), which then writes
 * the floats itself: a quarter of the bytes through the IPC channel.
 */
export interface PixelScale {
  mul: number[]
  add: number[]
  channels: number
  /** height × width */
  plane: number
  layout: 'NCHW' | 'NHWC'
}

/** The scale of a card (its `scale` mode: raw255 x · unit x/255 · symmetric (x/255 − 0.5)·2 · meanstd (x/255 − mean[c]) / std[c]). */
export function pixelScale(card: ModelCard): PixelScale {
  const { height, width, channels, layout } = card.input
  const mul = new Float32Array(channels)
  const add = new Float32Array(channels)
  for (let c = 0; c < channels; c++) {
    switch (card.scale) {
      case 'raw255':
        mul[c] = 1
        add[c] = 0
        break
      case 'unit':
        mul[c] = 1 / 255
        add[c] = 0
        break
      case 'symmetric':
        mul[c] = 2 / 255
        add[c] = -1
        break
      case 'meanstd': {
        const mean = card.mean![c]!
        const std = card.std![c]!
        mul[c] = 1 / (255 * std)
        add[c] = -mean / std
        break
      }
    }
  }
  return { mul: Array.from(mul), add: Array.from(add), channels, plane: width * height, layout }
}

/** Throws when a view is not of the card's input size (a preprocessing bug, not bad data). */
export function checkInputSize(image: RawImage, card: ModelCard): void {
  const { height, width, channels } = card.input
  if (image.width !== width || image.height !== height || image.channels !== channels) {
    throw new Error(
      `internal: image ${image.width}×${image.height}×${image.channels} does not match input ${width}×${height}×${channels}`,
    )
  }
}

/** Writes one image's pixels (`d`, plane × channels values, channels interleaved) into `out` at `offset` as floats. */
export function writePixels(d: Uint8Array, scale: PixelScale, out: Float32Array, offset: number): void {
  const { mul, add, channels, plane, layout } = scale
  if (channels === 1) {
    // One channel: NHWC and NCHW are the same order (the same arithmetic, without the per-value channel lookup).
    const m = mul[0]!
    const a = add[0]!
    for (let i = 0; i < plane; i++) out[offset + i] = d[i]! * m + a
  } else if (layout === 'NHWC') {
    for (let i = 0, n = plane * channels; i < n; i++) {
      const c = i % channels
      out[offset + i] = d[i]! * mul[c]! + add[c]!
    }
  } else {
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < channels; c++) out[offset + c * plane + p] = d[p * channels + c]! * mul[c]! + add[c]!
    }
  }
}

/**
 * The floats of a batch given as pixels: `rows` images of `scale`'s size one after another in
 * `pixels`, in a batch of `floats` values (rows past `rows`, a fixed batch's padding, stay 0).
 * Bit for bit what writePixels writes for each image: a pixel value v of channel c becomes the
 * float of v · mul[c] + add[c], so the 256 floats of each channel are computed once per batch and
 * looked up (and raw 0–255 values, mul 1 and add 0, are converted by one typed-array copy).
 * `into`, when it holds exactly `floats` values, is written instead of a new array (a buffer reused
 * from batch to batch: fresh memory for every batch costs the kernel a page fault per 4 KiB).
 */
export function pixelsToBatch(
  pixels: Uint8Array,
  rows: number,
  scale: PixelScale,
  floats: number,
  into?: Float32Array,
): Float32Array {
  const { mul, add, channels, plane, layout } = scale
  const values = rows * plane * channels
  // A buffer given to reuse: its padding past `values` must read 0, as a new one's does.
  const batch = into?.length === floats ? into.fill(0, values) : new Float32Array(floats)
  if (mul.every((m) => m === 1) && add.every((a) => a === 0) && (channels === 1 || layout === 'NHWC')) {
    batch.set(pixels.subarray(0, values))
    return batch
  }
  const lut = new Float32Array(256 * channels)
  for (let c = 0; c < channels; c++) for (let v = 0; v < 256; v++) lut[c * 256 + v] = v * mul[c]! + add[c]!
  if (channels === 1) {
    for (let i = 0; i < values; i++) batch[i] = lut[pixels[i]!]!
  } else if (layout === 'NHWC') {
    for (let i = 0; i < values; i++) batch[i] = lut[(i % channels) * 256 + pixels[i]!]!
  } else {
    const rowValues = plane * channels
    for (let r = 0; r < rows; r++) {
      const at = r * rowValues
      for (let p = 0; p < plane; p++)
        for (let c = 0; c < channels; c++) batch[at + c * plane + p] = lut[c * 256 + pixels[at + p * channels + c]!]!
    }
  }
  return batch
}
