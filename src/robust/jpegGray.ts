import type { RawImage } from '../base/image.js'
import { type Tables, tables } from './jpegGrayTables.js'
import { jpegGrayQualitiesWasm, wasmKernel } from './wasm/jpegGrayKernel.js'

/**
 * The JPEG corruption of a one-channel image in JavaScript: byte for byte what sharp 0.35.5 gives for
 * `jpeg({ quality })` then decoding (libvips 8.18 with mozjpeg, as sharp bundles them; `sharp.versions`).
 * A gray JPEG is one component, so what survives the round trip is decided by four integer steps of
 * libjpeg (mozjpeg's jcparam.c, jcdctmgr.c, jfdctint.c, jidctint.c), reproduced here; the Huffman
 * coding between them is lossless and skipped:
 *  - the quantization table: Annex K's luminance table scaled by jpeg_quality_scaling(quality) and
 *    limited to 1..255 (libvips sets mozjpeg's JCP_FASTEST profile: no trellis, no deringing, table 0);
 *  - per 8×8 block (the right and bottom edge blocks padded by repeating the last column and row, as
 *    the encoder does), the accurate integer forward DCT (jpeg_fdct_islow) of the samples less 128;
 *  - quantization with the reciprocals of compute_reciprocal (what libjpeg-turbo's SIMD and C
 *    quantize both compute);
 *  - dequantization and the accurate integer inverse DCT (jpeg_idct_islow), limited to 0..255.
 * tests/robust/jpegGray.test.ts compares it with sharp on many images, sizes and qualities.
 */

const FIX_0_298631336 = 2446
const FIX_0_390180644 = 3196
const FIX_0_541196100 = 4433
const FIX_0_765366865 = 6270
const FIX_0_899976223 = 7373
const FIX_1_175875602 = 9633
const FIX_1_501321110 = 12299
const FIX_1_847759065 = 15137
const FIX_1_961570560 = 16069
const FIX_2_053119869 = 16819
const FIX_2_562915447 = 20995
const FIX_3_072711026 = 25172
const CONST_BITS = 13
const PASS1_BITS = 2

/** libjpeg's largest side (JPEG_MAX_DIMENSION), and sharp's default limitInputPixels (0x3FFF²). */
const MAX_SIDE = 65500
const MAX_PIXELS = 0x3fff * 0x3fff

/**
 * Whether jpegGray gives what sharp gives: one channel, within the sizes sharp encodes (beyond them
 * sharp fails, and that error is the corruption's outcome: the caller goes to sharp).
 */
export function jpegGrayCovers(image: RawImage): boolean {
  return (
    image.channels === 1 &&
    image.width <= MAX_SIDE &&
    image.height <= MAX_SIDE &&
    image.width * image.height <= MAX_PIXELS
  )
}

/** A JPEG round trip of a one-channel 8-bit image at `quality` (1–100), as sharp encodes and decodes it. */
export function jpegGray(image: RawImage, quality: number): RawImage {
  if (image.channels !== 1) throw new Error('jpegGray: one-channel images only')
  const { width, height, data } = image
  const t = tables(Math.round(quality))
  const out = new Uint8Array(width * height)
  // samples limited to 0..255 as the SIMD code does (and the C code's table, within its range)
  const limited = new Uint8ClampedArray(out.buffer)
  const block = new Int32Array(64)
  for (let by = 0; by < height; by += 8) {
    for (let bx = 0; bx < width; bx += 8) {
      if (bx + 8 <= width && by + 8 <= height) {
        for (let y = 0, k = 0; y < 8; y++) {
          const row = (by + y) * width + bx
          for (let x = 0; x < 8; x++, k++) block[k] = data[row + x]! - 128
        }
      } else {
        for (let y = 0; y < 8; y++) {
          const row = Math.min(by + y, height - 1) * width
          for (let x = 0; x < 8; x++) block[y * 8 + x] = data[row + Math.min(bx + x, width - 1)]! - 128
        }
      }
      forwardDct(block)
      quantizeRoundTrip(block, t)
      inverseDct(block)
      const h = Math.min(8, height - by)
      const w = Math.min(8, width - bx)
      for (let y = 0; y < h; y++) {
        const at = (by + y) * width + bx
        for (let x = 0; x < w; x++) limited[at + x] = block[y * 8 + x]!
      }
    }
  }
  return { data: out, width, height, channels: 1 }
}

/**
 * jpegGray at each of `qualities`: result[k] is jpegGray(image, qualities[k]), computed by the
 * WebAssembly kernel (one forward DCT per block for all the qualities, four lanes at a time), or by
 * jpegGray where WebAssembly cannot run.
 */
export function jpegGrayQualities(image: RawImage, qualities: readonly number[]): RawImage[] {
  const k = wasmKernel()
  if (!k || qualities.length === 0) return qualities.map((q) => jpegGray(image, q))
  return jpegGrayQualitiesWasm(k, image, qualities)
}

/** Quantizes (the encoder's reciprocal division, rounding half away from zero) and dequantizes in place. */
function quantizeRoundTrip(block: Int32Array, t: Tables): void {
  for (let i = 0; i < 64; i++) {
    const v = block[i]!
    const a = v < 0 ? -v : v
    const q = ((a + t.corr[i]!) * t.recip[i]!) >>> t.shift[i]!
    block[i] = (v < 0 ? -q : q) * t.quant[i]!
  }
}

/** jpeg_fdct_islow on the block (samples less 128): the coefficients scaled up by 8. */
function forwardDct(d: Int32Array): void {
  // pass 1, rows: the even outputs scaled up by 2^PASS1_BITS, the others descaled by CONST_BITS − PASS1_BITS
  for (let r = 0; r < 64; r += 8) fdct1(d, r, 1, 1 << PASS1_BITS, 0, CONST_BITS - PASS1_BITS)
  // pass 2, columns: PASS1_BITS removed (rounded), the others descaled by CONST_BITS + PASS1_BITS
  for (let c = 0; c < 8; c++) fdct1(d, c, 8, 1, PASS1_BITS, CONST_BITS + PASS1_BITS)
}

/**
 * One 8-point forward DCT of d[at + k * step], k = 0..7, in place: outputs 0 and 4 times `up`, then
 * rounded down by `down` bits; the others descaled (rounded) by `n` bits.
 */
function fdct1(d: Int32Array, at: number, step: number, up: number, down: number, n: number): void {
  const i0 = d[at]!
  const i1 = d[at + step]!
  const i2 = d[at + 2 * step]!
  const i3 = d[at + 3 * step]!
  const i4 = d[at + 4 * step]!
  const i5 = d[at + 5 * step]!
  const i6 = d[at + 6 * step]!
  const i7 = d[at + 7 * step]!
  const tmp0 = i0 + i7
  const tmp7 = i0 - i7
  const tmp1 = i1 + i6
  const tmp6 = i1 - i6
  const tmp2 = i2 + i5
  const tmp5 = i2 - i5
  const tmp3 = i3 + i4
  const tmp4 = i3 - i4
  const tmp10 = tmp0 + tmp3
  const tmp13 = tmp0 - tmp3
  const tmp11 = tmp1 + tmp2
  const tmp12 = tmp1 - tmp2
  const roundDown = down > 0 ? 1 << (down - 1) : 0
  d[at] = ((tmp10 + tmp11) * up + roundDown) >> down
  d[at + 4 * step] = ((tmp10 - tmp11) * up + roundDown) >> down
  const half = 1 << (n - 1)
  const e1 = (tmp12 + tmp13) * FIX_0_541196100
  d[at + 2 * step] = (e1 + tmp13 * FIX_0_765366865 + half) >> n
  d[at + 6 * step] = (e1 - tmp12 * FIX_1_847759065 + half) >> n
  // the odd part
  const z5 = (tmp4 + tmp6 + tmp5 + tmp7) * FIX_1_175875602
  const z1 = (tmp4 + tmp7) * -FIX_0_899976223
  const z2 = (tmp5 + tmp6) * -FIX_2_562915447
  const z3 = (tmp4 + tmp6) * -FIX_1_961570560 + z5
  const z4 = (tmp5 + tmp7) * -FIX_0_390180644 + z5
  d[at + 7 * step] = (tmp4 * FIX_0_298631336 + z1 + z3 + half) >> n
  d[at + 5 * step] = (tmp5 * FIX_2_053119869 + z2 + z4 + half) >> n
  d[at + 3 * step] = (tmp6 * FIX_3_072711026 + z2 + z3 + half) >> n
  d[at + step] = (tmp7 * FIX_1_501321110 + z1 + z4 + half) >> n
}

/** jpeg_idct_islow on dequantized coefficients: the samples, not yet limited to 0–255. */
function inverseDct(d: Int32Array): void {
  // pass 1: columns, kept scaled by 2^PASS1_BITS
  for (let c = 0; c < 8; c++) idct1(d, c, 8, CONST_BITS - PASS1_BITS, 0)
  // pass 2: rows, descaled by CONST_BITS + PASS1_BITS + 3 and shifted by 128 (the caller limits them to 0..255)
  for (let r = 0; r < 64; r += 8) idct1(d, r, 1, CONST_BITS + PASS1_BITS + 3, 128)
}

/** One 8-point inverse DCT of d[at + k * step], k = 0..7, in place, descaled by `n` bits, plus `offset`. */
function idct1(d: Int32Array, at: number, step: number, n: number, offset: number): void {
  const half = 1 << (n - 1)
  const i0 = d[at]!
  const i1 = d[at + step]!
  const i2 = d[at + 2 * step]!
  const i3 = d[at + 3 * step]!
  const i4 = d[at + 4 * step]!
  const i5 = d[at + 5 * step]!
  const i6 = d[at + 6 * step]!
  const i7 = d[at + 7 * step]!
  const e1 = (i2 + i6) * FIX_0_541196100
  const e2 = e1 - i6 * FIX_1_847759065
  const e3 = e1 + i2 * FIX_0_765366865
  const e0 = (i0 + i4) * (1 << CONST_BITS) + half
  const e4 = (i0 - i4) * (1 << CONST_BITS) + half
  const tmp10 = e0 + e3
  const tmp13 = e0 - e3
  const tmp11 = e4 + e2
  const tmp12 = e4 - e2
  const z5 = (i7 + i3 + i5 + i1) * FIX_1_175875602
  const z1 = (i7 + i1) * -FIX_0_899976223
  const z2 = (i5 + i3) * -FIX_2_562915447
  const z3 = (i7 + i3) * -FIX_1_961570560 + z5
  const z4 = (i5 + i1) * -FIX_0_390180644 + z5
  const o0 = i7 * FIX_0_298631336 + z1 + z3
  const o1 = i5 * FIX_2_053119869 + z2 + z4
  const o2 = i3 * FIX_3_072711026 + z2 + z3
  const o3 = i1 * FIX_1_501321110 + z1 + z4
  d[at] = ((tmp10 + o3) >> n) + offset
  d[at + 7 * step] = ((tmp10 - o3) >> n) + offset
  d[at + step] = ((tmp11 + o2) >> n) + offset
  d[at + 6 * step] = ((tmp11 - o2) >> n) + offset
  d[at + 2 * step] = ((tmp12 + o1) >> n) + offset
  d[at + 5 * step] = ((tmp12 - o1) >> n) + offset
  d[at + 3 * step] = ((tmp13 + o0) >> n) + offset
  d[at + 4 * step] = ((tmp13 - o0) >> n) + offset
}
