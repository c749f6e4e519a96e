import type { RawImage } from '../base/image.js'
import { type IntegerPass, type Mask, passFor, UNROLLED } from './blurPasses.js'
import { gaussianBlurWasm, wasmKernel, wasmMotion } from './wasm/blurKernels.js'

export { gaussianMask } from './blurPasses.js'

/**
 * The blur corruptions in JavaScript, byte for byte what sharp 0.35 (libvips 8.18) gives on raw
 * 8-bit images (any number of bands, each filtered on its own). Both extend the image by copying
 * its edge pixels (libvips' `vips_embed` with VIPS_EXTEND_COPY), so a tap outside the image reads
 * the nearest edge pixel: done here by filtering a copy of the image padded with its edges.
 * tests/robust/convolve.test.ts compares both with sharp.
 *
 * gaussianBlur and motionBlurs run the same arithmetic in WebAssembly SIMD (src/robust/wasm/convolve.c)
 * where WebAssembly can run; gaussianBlurJs and motionBlursJs are the JavaScript kernels, kept as the
 * fallback and as the reference the tests compare the WebAssembly kernel with.
 */

/**
 * The image with `padX` copies of its first and last column on either side and `padY` copies of
 * its first and last row above and below, in a buffer reused from call to call (the functions
 * here are synchronous and keep nothing).
 */
function padded(image: RawImage, padX: number, padY: number): Uint8Array {
  const { width, height, channels, data } = image
  const row = width * channels
  const paddedRow = (width + 2 * padX) * channels
  const length = (height + 2 * padY) * paddedRow
  if (padBuffer.length < length) padBuffer = new Uint8Array(length)
  const out = padBuffer
  for (let y = 0; y < height; y++) {
    const at = (padY + y) * paddedRow
    out.set(data.subarray(y * row, (y + 1) * row), at + padX * channels)
    for (let c = 0; c < channels; c++) {
      const first = data[y * row + c]!
      const last = data[(y + 1) * row - channels + c]!
      for (let k = 0; k < padX; k++) {
        out[at + k * channels + c] = first
        out[at + (padX + width + k) * channels + c] = last
      }
    }
  }
  for (let k = 0; k < padY; k++) {
    out.copyWithin(k * paddedRow, padY * paddedRow, (padY + 1) * paddedRow)
    out.copyWithin((padY + height + k) * paddedRow, (padY + height - 1) * paddedRow, (padY + height) * paddedRow)
  }
  return out
}

let padBuffer = new Uint8Array(8192)

/**
 * sharp's `convolve(mask)`: libvips' `vips_conv` at its default (float) precision, i.e. `vips_convf`.
 * The coefficients divided by the scale in double precision; per output value a double sum that
 * starts at the offset (0) and adds coefficient × pixel over the mask's non-zero coefficients in
 * row order (the mask is not flipped: a correlation centred on ⌊size / 2⌋); the sum stored as a
 * float; sharp's cast to uchar clips to 0–255 and truncates toward zero.
 */
export function convolveFloat(image: RawImage, mask: Mask): RawImage {
  const { width, height, channels } = image
  const padX = Math.floor(mask.width / 2)
  const padY = Math.floor(mask.height / 2)
  const paddedRow = (width + 2 * padX) * channels
  const size = mask.width * mask.height
  if (tapCoefficients.length < size) {
    tapCoefficients = new Float64Array(size)
    tapOffsets = new Int32Array(size)
  }
  let taps = 0
  for (let i = 0; i < size; i++) {
    const coefficient = mask.kernel[i]! / mask.scale
    if (coefficient === 0) continue
    tapCoefficients[taps] = coefficient
    // from the output value's own place in the padded image to the tap's
    tapOffsets[taps++] = (Math.floor(i / mask.width) - padY) * paddedRow + ((i % mask.width) - padX) * channels
  }
  if (taps === 0) {
    tapCoefficients[0] = 0 // libvips keeps one zero coefficient
    tapOffsets[0] = 0
    taps = 1
  }
  const source = padded(image, padX, padY)
  const out = new Uint8Array(image.data.length)
  const row = width * channels
  for (let y = 0; y < height; y++) {
    const from = (padY + y) * paddedRow + padX * channels
    const to = y * row
    for (let x = 0; x < row; x++) {
      const at = from + x
      let sum = 0
      for (let t = 0; t < taps; t++) sum += tapCoefficients[t]! * source[at + tapOffsets[t]!]!
      const v = Math.fround(sum)
      out[to + x] = Math.min(255, Math.max(0, v)) // a Uint8Array store truncates toward zero
    }
  }
  return { ...image, data: out }
}

/** convolveFloat's taps: coefficients and offsets, reused from call to call (grown as needed). */
let tapCoefficients = new Float64Array(128)
let tapOffsets = new Int32Array(128)

/**
 * One pass over `rows` rows of `row` values: out[to + x] from source[from + x ± k · step] (the
 * source padded by at least max(half, UNROLLED) steps, so every tap is inside it), rows
 * `sourceRow` and `outRow` apart. Integer sums in any order are the same sums, so on the vector
 * path the taps are added in whatever order runs fastest: one pair, up to UNROLLED pairs (zero
 * coefficients past the mask's half add nothing), or UNROLLED pairs and then a sweep per further pair.
 */
function runPass(
  pass: IntegerPass,
  source: Uint8Array,
  from: number,
  sourceRow: number,
  out: Uint8Array,
  to: number,
  outRow: number,
  rows: number,
  row: number,
  step: number,
): void {
  if (pass.divisor !== 0) {
    runDividedPass(pass, source, from, sourceRow, out, to, outRow, rows, row, step)
    return
  }
  const { half, start, shift, unrolled: c } = pass
  const c0 = c[0]!
  const c1 = c[1]!
  const c2 = c[2]!
  const c3 = c[3]!
  const o1 = step
  const o2 = 2 * step
  const o3 = 3 * step
  if (half <= 1) {
    for (let y = 0; y < rows; y++) {
      const a = from + y * sourceRow
      const b = to + y * outRow
      for (let x = 0; x < row; x++) {
        const at = a + x
        const v = (start + c0 * source[at]! + c1 * (source[at - o1]! + source[at + o1]!)) >> shift
        out[b + x] = Math.min(255, Math.max(0, v))
      }
    }
    return
  }
  if (half <= UNROLLED) {
    for (let y = 0; y < rows; y++) {
      const a = from + y * sourceRow
      const b = to + y * outRow
      for (let x = 0; x < row; x++) {
        const at = a + x
        const v =
          (start +
            c0 * source[at]! +
            c1 * (source[at - o1]! + source[at + o1]!) +
            c2 * (source[at - o2]! + source[at + o2]!) +
            c3 * (source[at - o3]! + source[at + o3]!)) >>
          shift
        out[b + x] = Math.min(255, Math.max(0, v))
      }
    }
    return
  }
  const sums = rowSums(row)
  for (let y = 0; y < rows; y++) {
    const a = from + y * sourceRow
    const b = to + y * outRow
    for (let x = 0; x < row; x++) {
      const at = a + x
      sums[x] =
        start +
        c0 * source[at]! +
        c1 * (source[at - o1]! + source[at + o1]!) +
        c2 * (source[at - o2]! + source[at + o2]!) +
        c3 * (source[at - o3]! + source[at + o3]!)
    }
    for (let k = UNROLLED + 1; k <= half; k++) {
      const ck = c[k]!
      const lo = a - k * step
      const hi = a + k * step
      for (let x = 0; x < row; x++) sums[x]! += ck * (source[lo + x]! + source[hi + x]!)
    }
    for (let x = 0; x < row; x++) {
      const v = sums[x]! >> shift
      out[b + x] = Math.min(255, Math.max(0, v))
    }
  }
}

/** runPass on the C path: (Σ coefficient · pixel + rounding) / divisor, truncated and clipped. */
function runDividedPass(
  pass: IntegerPass,
  source: Uint8Array,
  from: number,
  sourceRow: number,
  out: Uint8Array,
  to: number,
  outRow: number,
  rows: number,
  row: number,
  step: number,
): void {
  const { coefficients, half, divisor, rounding } = pass
  for (let y = 0; y < rows; y++) {
    const a = from + y * sourceRow
    const b = to + y * outRow
    for (let x = 0; x < row; x++) {
      const at = a + x
      let sum = coefficients[0]! * source[at]!
      for (let k = 1, o = step; k <= half; k++, o += step) sum += coefficients[k]! * (source[at - o]! + source[at + o]!)
      const v = Math.trunc((sum + rounding) / divisor)
      out[b + x] = Math.min(255, Math.max(0, v))
    }
  }
}

let sumBuffer = new Int32Array(1024)

/** The module's Int32 scratch row (runPass and motionBlurs: synchronous, neither keeps it), at least `length` long. */
function rowSums(length: number): Int32Array {
  if (sumBuffer.length < length) sumBuffer = new Int32Array(length)
  return sumBuffer
}

let middleBuffer = new Uint8Array(8192)

/**
 * sharp's `blur(sigma)` (precision integer, minimum amplitude 0.2): libvips' `vips_gaussblur`, a
 * one-row integer Gaussian mask from `gaussianMask`, run by `vips_convsep` as two `vips_convi`
 * passes, along the rows and then along the columns, each back to uchar. Below σ = 0.2 libvips
 * copies the image. Undefined where libvips refuses the mask (a radius over 5,000: σ over about
 * 2,780; sharp takes σ up to 1,000).
 *
 * The passes run in the WebAssembly kernel (convolve.c, gaussian_blur: the same integer sums,
 * sixteen values at a time), or in gaussianBlurJs where WebAssembly cannot run.
 */
export function gaussianBlur(image: RawImage, sigma: number, minAmpl = 0.2): RawImage | undefined {
  const k = wasmKernel()
  if (!k || sigma < 0.2) return gaussianBlurJs(image, sigma, minAmpl)
  const pass = passFor(sigma, minAmpl)
  if (!pass) return undefined
  const mode = pass.wasmMode
  if (mode === undefined) return gaussianBlurJs(image, sigma, minAmpl)
  return gaussianBlurWasm(k, image, pass, mode)
}

/** gaussianBlur in JavaScript. */
export function gaussianBlurJs(image: RawImage, sigma: number, minAmpl = 0.2): RawImage | undefined {
  if (sigma < 0.2) return { ...image, data: new Uint8Array(image.data) }
  const pass = passFor(sigma, minAmpl)
  if (!pass) return undefined
  const { width, height, channels } = image
  const pad = Math.max(pass.half, UNROLLED)
  const row = width * channels
  // along the rows of the image padded at its sides, into the middle of a column-padded image
  const wide = padded(image, pad, 0)
  const wideRow = (width + 2 * pad) * channels
  const length = (height + 2 * pad) * row
  if (middleBuffer.length < length) middleBuffer = new Uint8Array(length)
  const middle = middleBuffer
  runPass(pass, wide, pad * channels, wideRow, middle, pad * row, row, height, row, channels)
  for (let k = 0; k < pad; k++) {
    middle.copyWithin(k * row, pad * row, (pad + 1) * row)
    middle.copyWithin((pad + height + k) * row, (pad + height - 1) * row, (pad + height) * row)
  }
  // then along the columns
  const out = new Uint8Array(image.data.length)
  runPass(pass, middle, pad * row, row, out, 0, row, height, row, row)
  return { ...image, data: out }
}

/** The longest line motionBlurs sums in integers (its scale, the line's length, stays ≤ this). */
const MAX_LINE = 4096

/**
 * The motion blur of one image along one angle at several lengths: result[k] is exactly
 * convolveFloat(image, motionKernel(lengths[k], angle)) (src/robust/corruptions.ts), or undefined
 * for a length over MAX_LINE, which the caller leaves to convolveFloat.
 *
 * motionKernel's mask holds integer hit counts k ≥ 0 whose sum is its scale, the length L: one
 * hit per step t = −⌊L/2⌋ … L − 1 − ⌊L/2⌋ at (round(t · sin), round(t · cos)) from the centre. For
 * such a mask convolveFloat's double sum of (k / L) · pixel differs from S / L, S = Σ k · pixel an
 * integer, by less than (2 · taps + 1) · 255 · 2^−53 < 2^−31; S / L is either an integer m, which
 * the float rounding then gives back exactly (the float spacing near m ≥ 1 is at least 2^−24), or
 * at least 1 / L ≥ 2^−12 from every integer, more than the float rounding (at most 2^−17 below
 * 256) can cross. So its byte is ⌊S / L⌋, clipped to 255. A step t lands on the same pixel
 * whatever the length, and a shorter line's steps are among a longer one's, so one running sum
 * per pixel, grown step by step from the shortest line to the longest, gives every length's S:
 * max(L) additions per pixel instead of Σ L.
 *
 * The sums run in the WebAssembly kernel (convolve.c, motion_blurs: the same integer sums, sixteen
 * values at a time), or in motionBlursJs where WebAssembly cannot run.
 */
export function motionBlurs(image: RawImage, angle: number, lengths: readonly number[]): Array<RawImage | undefined> {
  const k = wasmKernel()
  if (!k) return motionBlursJs(image, angle, lengths)
  return motionResults(image, lengths, (levels) => wasmMotion(k, image, angle, levels))
}

/** motionBlurs in JavaScript. */
export function motionBlursJs(image: RawImage, angle: number, lengths: readonly number[]): Array<RawImage | undefined> {
  return motionResults(image, lengths, (levels) => jsMotion(image, angle, levels))
}

/**
 * motionBlurs' results from `blur`, which sums the distinct lengths it is given (those up to
 * MAX_LINE, shortest first) and returns each one's image data.
 */
function motionResults(
  image: RawImage,
  lengths: readonly number[],
  blur: (levels: number[]) => Map<number, Uint8Array>,
): Array<RawImage | undefined> {
  const levels = [...new Set(lengths.filter((length) => Number.isInteger(length) && length >= 1 && length <= MAX_LINE))]
  levels.sort((a, b) => a - b)
  const outputs = levels.length > 0 ? blur(levels) : new Map<number, Uint8Array>()
  // a length asked for twice gets its own copy
  const given = new Set<number>()
  return lengths.map((length) => {
    const data = outputs.get(length)
    if (!data) return undefined
    const fresh = given.has(length) ? new Uint8Array(data) : data
    given.add(length)
    return { ...image, data: fresh }
  })
}

/** The running sums in JavaScript, one Int32 row of sums at a time. */
function jsMotion(image: RawImage, angle: number, levels: readonly number[]): Map<number, Uint8Array> {
  const { width, height, channels } = image
  const outputs = new Map<number, Uint8Array>()
  const half = Math.floor(levels[levels.length - 1]! / 2)
  const paddedRow = (width + 2 * half) * channels
  const source = padded(image, half, half)
  const row = width * channels
  const sin = Math.sin(angle)
  const cos = Math.cos(angle)
  for (const length of levels) outputs.set(length, new Uint8Array(image.data.length))
  const sums = rowSums(row)
  for (let y = 0; y < height; y++) {
    const from = (half + y) * paddedRow + half * channels
    const to = y * row
    sums.fill(0, 0, row)
    // the steps taken so far: t from `low` to `high` inclusive (none yet)
    let low = 0
    let high = -1
    for (const length of levels) {
      const lineHalf = Math.floor(length / 2)
      for (let t = -lineHalf; t < length - lineHalf; t++) {
        if (t >= low && t <= high) continue
        // as motionKernel places step t: row round(t · sin), column round(t · cos) from the centre
        const at = from + Math.round(t * sin) * paddedRow + Math.round(t * cos) * channels
        for (let x = 0; x < row; x++) sums[x]! += source[at + x]!
      }
      low = Math.min(low, -lineHalf)
      high = Math.max(high, length - lineHalf - 1)
      const out = outputs.get(length)!
      // ⌊S / L⌋ as ⌊(S + ½) · (1 / L)⌋: (S + ½) / L is at least 1 / 2L from an integer, far more than
      // the two roundings move it; S ≤ 255 · L, so it is at most 255
      const reciprocal = 1 / length
      // (a Uint8Array store truncates toward zero)
      for (let x = 0; x < row; x++) out[to + x] = (sums[x]! + 0.5) * reciprocal
    }
  }
  return outputs
}
