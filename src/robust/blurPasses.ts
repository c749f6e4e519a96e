/**
 * The Gaussian masks and integer passes of the blur corruption (libvips' `vips_gaussmat` and
 * `vips_convi`): what gaussianBlur's JavaScript kernel (src/robust/convolve.ts) and its WebAssembly
 * glue (src/robust/wasm/blurKernels.ts) both run from.
 */

/** A convolution mask: `width`×`height` coefficients row by row, the sum divided by `scale`. */
export interface Mask {
  width: number
  height: number
  kernel: readonly number[]
  scale: number
}

/** C's rint() in the default rounding mode: to the nearest integer, halves to even. */
function rint(v: number): number {
  const r = Math.round(v) // halves up
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r
}

/** libvips' MASK_SANITY: the largest Gaussian mask radius vips_gaussmat makes. */
const MASK_SANITY = 5000

/**
 * libvips' `vips_gaussmat(sigma, minAmpl, separable, precision integer)`: the one-row mask
 * rint(20 · exp(−x² / 2σ²)) for x out to the last x whose exp(…) reaches minAmpl, scale = its sum.
 * Undefined where libvips refuses (a radius of 5,000 or more).
 */
export function gaussianMask(sigma: number, minAmpl: number): Mask | undefined {
  const sig2 = 2 * sigma * sigma
  const maxX = Math.trunc(Math.max(0, Math.min(MASK_SANITY, 8 * sigma)))
  let x = 0
  for (; x < maxX; x++) if (Math.exp(-(x * x) / sig2) < minAmpl) break
  if (x >= MASK_SANITY) return undefined
  const width = 2 * Math.max(x - 1, 0) + 1
  const kernel: number[] = []
  let sum = 0
  for (let i = 0; i < width; i++) {
    const xo = i - Math.floor(width / 2)
    const v = rint(20 * Math.exp(-(xo * xo) / sig2))
    kernel.push(v)
    sum += v
  }
  return { width, height: 1, kernel, scale: sum === 0 ? 1 : sum }
}

/**
 * One pass of libvips' `vips_convi` on uchar with a symmetric one-dimensional mask of 2·half + 1
 * integer coefficients: value = clip(((start + Σ coefficient · pixel) >> shift)) on the vector
 * path (divisor 0), clip(trunc((Σ coefficient · pixel + rounding) / divisor)) on the C path.
 */
export interface IntegerPass {
  /** coefficients[k] weighs the pixels k before and k after (coefficients[0] the centre). */
  coefficients: Int32Array
  /** The coefficients followed by zeros up to index max(half, UNROLLED) (runPass's straight-line taps). */
  unrolled: Int32Array
  half: number
  start: number
  shift: number
  divisor: number
  rounding: number
  /**
   * How the WebAssembly kernel runs the pass (convolve.c, tap_row): NARROW in wrapping 16-bit lanes
   * where no sum can reach 2^16, WIDE in 32-bit lanes, DIVIDED on the C path; undefined where a
   * coefficient does not fit 16 bits or a sum 31 (never for a Gaussian mask): then in JavaScript.
   */
  wasmMode: number | undefined
}

/** convolve.c's pass arithmetics (tap_row's mode). */
const NARROW = 0
const WIDE = 1
const DIVIDED = 2

/**
 * How `vips_convi` convolves uchar pixels with a symmetric one-dimensional mask. libvips built
 * with Highway (sharp's is) takes its vector path when `vips_convi_intize` accepts the mask: the
 * coefficients divided by the scale, all sharing the exponent shift = ⌈log2(max) + 1⌉, each made
 * an 8-bit mantissa rint(128 · c · 2^−shift); a value is (2^(exp−1) + Σ mantissa · pixel) >> exp
 * with exp = 7 − shift, clipped to 0–255 (integer arithmetic, the same in its vector and scalar
 * loops). It refuses a shift outside −24…6, more than 1,024 coefficients, a mantissa outside
 * −128…127 or a sum more than 2 levels off; then the C path: the coefficients rounded to
 * integers, the scale adjusted by `vips__image_intize`, (Σ + ⌊scale / 2⌋) / scale truncated.
 * Zero coefficients, which libvips leaves out, add nothing to a sum here.
 */
function integerPass(mask: Mask): IntegerPass {
  const pass = vectorPass(mask) ?? dividedPass(mask)
  pass.unrolled.set(pass.coefficients)
  pass.wasmMode = wasmMode(pass)
  return pass
}

/**
 * The WebAssembly arithmetic that gives a pass's int32 sums exactly: its largest sum is
 * |start| + |rounding| + 255 · (|c0| + 2 · Σ |ck|). In 16-bit lanes, which wrap, the sums are
 * exact where every coefficient is ≥ 0 (no sum below 0) and the largest sum is below 2^16; the
 * shift must then be below 16 (a lane shift counts modulo 16).
 */
function wasmMode(pass: IntegerPass): number | undefined {
  const { coefficients, start, shift, divisor, rounding } = pass
  let total = Math.abs(coefficients[0]!)
  for (let k = 1; k < coefficients.length; k++) total += 2 * Math.abs(coefficients[k]!)
  const largest = Math.abs(start) + Math.abs(rounding) + 255 * total
  if (coefficients.some((c) => c < -32768 || c > 32767) || largest >= 2 ** 31) return undefined
  if (divisor !== 0) return DIVIDED
  return coefficients.every((c) => c >= 0) && largest < 2 ** 16 && shift < 16 ? NARROW : WIDE
}

/** A pass's `unrolled` before integerPass fills it. */
function unrolledFor(half: number): Int32Array {
  return new Int32Array(Math.max(half, UNROLLED) + 1)
}

/** `vips_convi_intize`'s 8-bit mantissas, or undefined where it refuses the mask. */
function vectorPass(mask: Mask): IntegerPass | undefined {
  const n = mask.width * mask.height
  const scaled = mask.kernel.map((k) => k / mask.scale)
  const mx = Math.max(...scaled)
  // a maximum ≤ 0 makes libvips' shift out of range; ⌈log2(n)⌉ ≤ 10: at most 1,024 coefficients
  if (!(mx > 0) || n > 1024) return undefined
  // shift = ceil(log2(mx) + 1): the least integer s with mx ≤ 2^(s − 1), found exactly
  let shift = Math.ceil(Math.log2(mx) + 1)
  while (mx <= 2 ** (shift - 2)) shift--
  while (mx > 2 ** (shift - 1)) shift++
  if (shift > 6 || shift < -24) return undefined
  const exp = 7 - shift
  const mantissas = scaled.map((s) => rint(128 * s * 2 ** -shift))
  if (mantissas.some((m) => m < -128 || m > 127)) return undefined
  let trueSum = 0
  let intSum = 0
  mantissas.forEach((m, i) => {
    if (m === 0) return
    trueSum += 128 * scaled[i]!
    intSum += 128 * m
  })
  const trueValue = Math.trunc(Math.max(0, Math.min(255, trueSum)))
  const intValue = Math.max(0, Math.min(255, (intSum + 2 ** (exp - 1)) >> exp))
  if (Math.abs(trueValue - intValue) > 2) return undefined
  const half = Math.floor(n / 2)
  return {
    coefficients: Int32Array.from(mantissas.slice(half)),
    unrolled: unrolledFor(half),
    half,
    start: 2 ** (exp - 1),
    shift: exp,
    divisor: 0,
    rounding: 0,
    wasmMode: undefined,
  }
}

/** The C path: `vips__image_intize`'s integer coefficients and adjusted scale, then (sum + rounding) / scale. */
function dividedPass(mask: Mask): IntegerPass {
  const ints = mask.kernel.map(rint)
  let scale = rint(mask.scale) || 1
  const doubleResult = mask.kernel.reduce((a, b) => a + b, 0) / mask.scale
  let intResult = 0
  for (const v of ints) intResult = Math.trunc(intResult + v)
  intResult = Math.trunc(intResult / scale)
  scale = rint(scale + (intResult - doubleResult)) || 1
  const half = Math.floor(ints.length / 2)
  return {
    coefficients: Int32Array.from(ints.slice(half)),
    unrolled: unrolledFor(half),
    half,
    start: 0,
    shift: 0,
    divisor: scale,
    rounding: Math.trunc(scale / 2),
    wasmMode: undefined,
  }
}

/** Pairs of taps summed in straight-line code before a second sweep adds the rest (the source is padded for them). */
export const UNROLLED = 3

/** The last few σ's passes per minimum amplitude (a robust run asks for the same five σ for every image of a size). */
const passes = new Map<number, Map<number, IntegerPass>>()

/** gaussianBlur's pass for σ ≥ 0.2 (cached), undefined where libvips refuses the mask. */
export function passFor(sigma: number, minAmpl: number): IntegerPass | undefined {
  let known = passes.get(minAmpl)
  if (!known) {
    known = new Map()
    passes.set(minAmpl, known)
  }
  let pass = known.get(sigma)
  if (!pass) {
    const mask = gaussianMask(sigma, minAmpl)
    if (!mask) return undefined
    pass = integerPass(mask)
    if (known.size >= 64) known.clear()
    known.set(sigma, pass)
  }
  return pass
}
