import { loadSharp } from '../base/sharpModule.js'
import { withSharp } from '../base/sharpGate.js'
import type { RawImage } from '../base/image.js'
import type { ResizeKind } from './schema.js'
import { resample } from './resample.js'

/** ITU-R BT.601 luma, the formula ferbench uses for RGB → gray: Y = 0.299 R + 0.587 G + 0.114 B, rounded. */
export function toGray(image: RawImage): RawImage {
  if (image.channels === 1) return image
  const n = image.width * image.height
  const out = new Uint8Array(n)
  const d = image.data
  for (let i = 0, j = 0; i < n; i++, j += 3) out[i] = Math.round(0.299 * d[j]! + 0.587 * d[j + 1]! + 0.114 * d[j + 2]!)
  return { data: out, width: image.width, height: image.height, channels: 1 }
}

/** Gray → RGB by replicating the one channel (what FER2013 models trained on 3-channel input expect). */
export function toRgb(image: RawImage): RawImage {
  if (image.channels === 3) return image
  const n = image.width * image.height
  const out = new Uint8Array(n * 3)
  for (let i = 0, j = 0; i < n; i++, j += 3) {
    const v = image.data[i]!
    out[j] = v
    out[j + 1] = v
    out[j + 2] = v
  }
  return { data: out, width: image.width, height: image.height, channels: 3 }
}

/** RGB → BGR (the channel order cv2.imread gives): swaps the first and third channel. */
function toBgr(image: RawImage): RawImage {
  const rgb = toRgb(image)
  const out = new Uint8Array(rgb.data.length)
  const d = rgb.data
  for (let j = 0; j < d.length; j += 3) {
    out[j] = d[j + 2]!
    out[j + 1] = d[j + 1]!
    out[j + 2] = d[j]!
  }
  return { data: out, width: rgb.width, height: rgb.height, channels: 3 }
}

/**
 * The image in the channels the card's input takes: gray (1 channel, BT.601), RGB (gray images
 * replicated), BGR (channels swapped), or `gray` for a 3-channel input (luma replicated).
 */
export function toInputChannels(image: RawImage, input: { channels: 1 | 3; channelOrder?: 'BGR' | 'gray' }): RawImage {
  if (input.channels === 1) return toGray(image)
  if (input.channelOrder === 'BGR') return toBgr(image)
  if (input.channelOrder === 'gray') return toRgb(toGray(image))
  return toRgb(image)
}

/**
 * Resizes to width×height (aspect not kept, like cv2.resize / torchvision Resize((h, w))); returns
 * the image itself when the size already matches. nearest, bilinear and bicubic follow OpenCV's
 * cv2.resize conventions exactly (src/card/resample.ts); lanczos3 is sharp's (libvips,
 * antialiased) kernel.
 */
export async function resize(image: RawImage, width: number, height: number, kernel: ResizeKind): Promise<RawImage> {
  if (image.width === width && image.height === height) return image
  if (kernel !== 'lanczos3') return resample(image, width, height, kernel)
  const sharp = await loadSharp()
  let pipeline = sharp(image.data, {
    raw: { width: image.width, height: image.height, channels: image.channels },
  }).resize(width, height, {
    kernel: 'lanczos3',
    fit: 'fill',
  })
  // libvips widens a one-band raw image to sRGB on output; keep the single band.
  if (image.channels === 1) pipeline = pipeline.extractChannel(0)
  const { data, info } = await withSharp(() => pipeline.raw().toBuffer({ resolveWithObject: true }))
  if (info.channels !== image.channels) throw new Error(`resize changed channels ${image.channels} → ${info.channels}`)
  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    width,
    height,
    channels: image.channels,
  }
}

function roundHalfEven(x: number): number {
  const r = Math.round(x)
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r
}

/** The window (left, top) of side `size` at one of the five ten-crop positions. */
export function cropWindow(
  image: RawImage,
  size: number,
  at: 'center' | 'tl' | 'tr' | 'bl' | 'br',
): { left: number; top: number } {
  const maxLeft = image.width - size
  const maxTop = image.height - size
  if (maxLeft < 0 || maxTop < 0)
    throw new Error(`crop ${size}×${size} is larger than the ${image.width}×${image.height} image`)
  switch (at) {
    case 'center':
      // torchvision center_crop: int(round(margin / 2.0)) with Python's round-half-to-even.
      return { left: roundHalfEven(maxLeft / 2), top: roundHalfEven(maxTop / 2) }
    case 'tl':
      return { left: 0, top: 0 }
    case 'tr':
      return { left: maxLeft, top: 0 }
    case 'bl':
      return { left: 0, top: maxTop }
    case 'br':
      return { left: maxLeft, top: maxTop }
  }
}

export function crop(image: RawImage, left: number, top: number, width: number, height: number): RawImage {
  const c = image.channels
  const out = new Uint8Array(width * height * c)
  for (let y = 0; y < height; y++) {
    const from = ((top + y) * image.width + left) * c
    out.set(image.data.subarray(from, from + width * c), y * width * c)
  }
  return { data: out, width, height, channels: image.channels }
}

export function flipHorizontal(image: RawImage): RawImage {
  const c = image.channels
  const out = new Uint8Array(image.data.length)
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const from = (y * image.width + x) * c
      const to = (y * image.width + (image.width - 1 - x)) * c
      for (let k = 0; k < c; k++) out[to + k] = image.data[from + k]!
    }
  }
  return { data: out, width: image.width, height: image.height, channels: image.channels }
}
