/**
 * The WebAssembly glue of the blur corruptions (src/robust/wasm/convolve.c): the kernel instance,
 * its memory layout and the calls of gaussianBlur and motionBlurs (src/robust/convolve.ts) into it.
 */
import type { RawImage } from '../../base/image.js'
import type { IntegerPass } from '../blurPasses.js'
import { WASM_BASE64 } from './convolveModule.js'
import { lazyKernel } from './kernelInstance.js'

/** The WebAssembly kernel (src/robust/wasm/convolve.c), undefined where WebAssembly cannot run. */
export const wasmKernel = lazyKernel<{
  gaussian_blur(
    src: number,
    width: number,
    height: number,
    channels: number,
    coefficients: number,
    half: number,
    mode: number,
    start: number,
    shift: number,
    divisor: number,
    rounding: number,
    taps: number,
    line: number,
    middle: number,
    dst: number,
  ): void
  motion_blurs(
    src: number,
    width: number,
    height: number,
    channels: number,
    half: number,
    steps: number,
    counts: number,
    lengths: number,
    levels: number,
    at: number,
    wide: number,
    dst: number,
    stride: number,
  ): void
}>(WASM_BASE64)

/** `bytes` rounded up to a multiple of 16. */
const align = (bytes: number): number => Math.ceil(bytes / 16) * 16

/**
 * gaussianBlur's two passes in the WebAssembly kernel (convolve.c, gaussian_blur), for a pass the
 * kernel runs in `mode` (IntegerPass.wasmMode).
 */
export function gaussianBlurWasm(
  k: NonNullable<ReturnType<typeof wasmKernel>>,
  image: RawImage,
  pass: IntegerPass,
  mode: number,
): RawImage {
  const { width, height, channels } = image
  const { half } = pass
  const plane = width * height * channels
  // the scratch, each part 16-byte aligned: coefficients, tap pointers, image, padded row, middle, result
  const taps = align(4 * (half + 1))
  const src = taps + align(4 * (2 * half + 1))
  const line = src + align(plane)
  const middle = line + align((width + 2 * half) * channels + 16)
  const dst = middle + align(plane + 16)
  const base = k.reserve(dst + plane + 16)
  k.int32(base, half + 1).set(pass.coefficients)
  k.bytes.set(image.data.subarray(0, plane), base + src)
  const { start, shift, divisor, rounding } = pass
  k.exports.gaussian_blur(
    base + src,
    width,
    height,
    channels,
    base,
    half,
    mode,
    start,
    shift,
    divisor,
    rounding,
    base + taps,
    base + line,
    base + middle,
    base + dst,
  )
  return { ...image, data: k.bytes.slice(base + dst, base + dst + plane) }
}

/**
 * The running sums in the WebAssembly kernel (convolve.c, motion_blurs): the line's steps listed
 * here in jsMotion's order, as (row, column) offsets placed as motionKernel places them, with the
 * number of steps each length sums; the kernel adds them sixteen values at a time and divides.
 */
export function wasmMotion(
  k: NonNullable<ReturnType<typeof wasmKernel>>,
  image: RawImage,
  angle: number,
  levels: readonly number[],
): Map<number, Uint8Array> {
  const { width, height, channels } = image
  const longest = levels[levels.length - 1]!
  const half = Math.floor(longest / 2)
  const plane = width * height * channels
  // the scratch, each part 16-byte aligned: steps, counts, lengths, step offsets, image, padded image, results
  const counts = align(8 * longest)
  const lengthsAt = counts + align(4 * levels.length)
  const at = lengthsAt + align(4 * levels.length)
  const src = at + align(4 * longest)
  const wide = src + align(plane)
  const dst = wide + align(height * (width + 2 * half) * channels + 16)
  const stride = align(plane + 16)
  const base = k.reserve(dst + levels.length * stride)
  // every step t of the longest line, each shorter line's first (they are among the longer lines' steps)
  const steps = k.int32(base, 2 * longest)
  const sin = Math.sin(angle)
  const cos = Math.cos(angle)
  const stepCounts = k.int32(base + counts, levels.length)
  let count = 0
  let low = 0
  let high = -1
  levels.forEach((length, l) => {
    const lineHalf = Math.floor(length / 2)
    for (let t = -lineHalf; t < length - lineHalf; t++) {
      if (t >= low && t <= high) continue
      steps[2 * count] = Math.round(t * sin)
      steps[2 * count + 1] = Math.round(t * cos)
      count++
    }
    low = Math.min(low, -lineHalf)
    high = Math.max(high, length - lineHalf - 1)
    stepCounts[l] = count
  })
  k.int32(base + lengthsAt, levels.length).set(levels)
  k.bytes.set(image.data.subarray(0, plane), base + src)
  k.exports.motion_blurs(
    base + src,
    width,
    height,
    channels,
    half,
    base,
    base + counts,
    base + lengthsAt,
    levels.length,
    base + at,
    base + wide,
    base + dst,
    stride,
  )
  const bytes = k.bytes
  const outputs = new Map<number, Uint8Array>()
  levels.forEach((length, l) => {
    const from = base + dst + l * stride
    outputs.set(length, bytes.slice(from, from + plane))
  })
  return outputs
}
