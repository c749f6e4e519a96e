import type { RawImage } from '../base/image.js'
import { downPlans, INTERPOLATE_SHIFT, MAX_PLANS, type ReducePlan, upColumns, upScales } from './lowResolutionPlans.js'
import { lowResolutionWasm } from './wasm/lowResolutionKernel.js'

export { lowResolutionWasm }

/**
 * The low-resolution corruption in JavaScript, byte for byte what sharp 0.35.5 (libvips 8.18.7)
 * gives for `resize(w, h, { fit: 'fill' })` (lanczos3) followed by
 * `resize(W, H, { fit: 'fill', kernel: 'linear' })` on 8-bit images of 1 or 3 channels.
 *
 * What libvips does there (libvips/resample/resize.c, reducev.cpp, reduceh.cpp, shrinkv.c,
 * shrinkh.c, templates.h, affine.c, interpolate.c):
 * - down: sharp asks vips_resize for scales 1/(W/w) and 1/(H/h); vips_resize reduces vertically
 *   first, then horizontally. A reduction by in/out ≥ 4 (twice the default `gap` of 2) starts
 *   with a box shrink by ⌊in/out/2⌋ (the mean of that many pixels, rounded through a 2³²
 *   fixed-point reciprocal; the last box filled by repeating the edge); then a lanczos3 filter of
 *   2·rint(3·f′)+1 taps for the residual factor f′, its weights truncated to 12-bit fixed point
 *   in 65 tables of sub-pixel phase, edges extended by copying;
 * - up: an affine transform with the bilinear interpolator, 12-bit fixed-point weights, input
 *   displaced by half a pixel, edges extended by copying.
 * libvips sums a reduction's sub-pixel positions in double precision from the first row (column)
 * of each region it computes, so for some sizes a tap's phase depends on where regions start:
 * this follows the regions libvips uses in these pipelines (full-width strips of 16 rows;
 * 128×128 tiles when a vertical box shrink is in the pipeline, their rows asked for 16 at a time
 * when a horizontal box shrink follows). What this does not reproduce (an output size libvips
 * would round differently; none for sides up to 1,200 pixels at the five severities) returns
 * undefined and the caller uses sharp.
 * src/robust/wasm/lowResolution.c computes the same integer steps in WebAssembly SIMD from the
 * plans and tables of src/robust/lowResolutionPlans.ts (lowResolutionWasm, in
 * src/robust/wasm/lowResolutionKernel.ts); lowResolutionJs is the JavaScript kernel.
 * tests/robust/lowResolution.test.ts compares both with sharp on many images, sizes and factors.
 */

const INTERPOLATE_HALF = 1 << (INTERPOLATE_SHIFT - 1)

/** The box shrink of libvips (shrinkv/shrinkh, ceil mode) along one axis, as a pixel operation. */
function boxMean(sum: number, box: number): number {
  const multiplier = Math.floor(2 ** 32 / (256 * box))
  return Math.floor(((sum + (box >> 1)) * multiplier) / 2 ** 24)
}

/** boxMean(sum, box) for every sum 0…255 · box, per box factor (a run meets a few). */
const boxTables = new Map<number, Uint8Array>()

function boxTable(box: number): Uint8Array {
  let table = boxTables.get(box)
  if (!table) {
    table = new Uint8Array(255 * box + 1)
    for (let sum = 0; sum < table.length; sum++) table[sum] = boxMean(sum, box)
    if (boxTables.size >= MAX_PLANS) boxTables.clear()
    boxTables.set(box, table)
  }
  return table
}

/**
 * Scratch buffers for the intermediate images of one lowResolution call, one per step (the
 * steps are synchronous and only `up`'s output leaves the module), grown as needed.
 */
const scratch: Uint8Array[] = [new Uint8Array(0), new Uint8Array(0), new Uint8Array(0), new Uint8Array(0)]
const BOX_V = 0
const REDUCE_V = 1
const BOX_H = 2
const REDUCE_H = 3

function scratchBytes(slot: number, length: number): Uint8Array {
  if (scratch[slot]!.length < length) scratch[slot] = new Uint8Array(Math.max(length, 2 * scratch[slot]!.length))
  return scratch[slot]!
}

/** An Int32 scratch row of the lanczos passes, grown as needed. */
let sumsBuffer = new Int32Array(256)

function rowSums(length: number): Int32Array {
  if (sumsBuffer.length < length) sumsBuffer = new Int32Array(Math.max(length, 2 * sumsBuffer.length))
  return sumsBuffer
}

/** A lanczos sum in 12-bit fixed point back to a pixel: >> 12, clipped to 0–255. */
function clipShift(sum: number): number {
  const v = sum >> INTERPOLATE_SHIFT
  return Math.max(0, Math.min(255, v))
}

/**
 * Reduces a `width`×`height` image (`channels` interleaved) along one axis by a plan, into
 * this module's scratch buffers (the result's first outW · outH · channels values).
 */
function reduceAxis(
  data: Uint8Array,
  width: number,
  height: number,
  channels: number,
  vertical: boolean,
  plan: ReducePlan,
): Uint8Array {
  let src = data
  let srcWidth = width
  let srcHeight = height
  if (plan.box > 1) {
    const outW = vertical ? width : plan.boxLength
    const outH = vertical ? plan.boxLength : height
    const out = scratchBytes(vertical ? BOX_V : BOX_H, outW * outH * channels)
    const rowIn = width * channels
    const rowOut = outW * channels
    const b = plan.box
    const table = boxTable(b)
    if (vertical) {
      // per output row: b input rows (the last repeated past the bottom) summed value by value
      const sums = rowSums(rowIn)
      for (let y = 0; y < outH; y++) {
        sums.fill(0, 0, rowIn)
        for (let i = 0; i < b; i++) {
          const from = Math.min(height - 1, y * b + i) * rowIn
          for (let z = 0; z < rowIn; z++) sums[z]! += data[from + z]!
        }
        const o = y * rowOut
        for (let z = 0; z < rowIn; z++) out[o + z] = table[sums[z]!]!
      }
    } else {
      for (let y = 0; y < outH; y++) {
        const r = y * rowIn
        const o = y * rowOut
        for (let x = 0; x < outW; x++) {
          // b input columns, the last repeated past the right edge
          const full = Math.min(b, width - x * b)
          for (let c = 0; c < channels; c++) {
            let sum = 0
            for (let i = 0; i < b; i++) sum += data[r + (i < full ? x * b + i : width - 1) * channels + c]!
            out[o + x * channels + c] = table[sum]!
          }
        }
      }
    }
    src = out
    srcWidth = outW
    srcHeight = outH
  }
  if (plan.points === 0) return src
  const { points, first, masks, outLength } = plan
  const outW = vertical ? srcWidth : outLength
  const outH = vertical ? outLength : srcHeight
  const out = scratchBytes(vertical ? REDUCE_V : REDUCE_H, outW * outH * channels)
  const rowIn = srcWidth * channels
  const rowOut = outW * channels
  if (vertical) {
    // per output row: the weighted input rows summed into one accumulator row
    const sums = rowSums(rowIn)
    const last = srcHeight - 1
    for (let y = 0; y < outH; y++) {
      const mask = masks[y]!
      const top = first[y]!
      sums.fill(INTERPOLATE_HALF, 0, rowIn)
      // integer sums in any order are the same sums: the taps two at a time, then the odd one
      let i = 0
      for (; i + 1 < points; i += 2) {
        const w0 = mask[i]!
        const w1 = mask[i + 1]!
        const a = Math.min(last, Math.max(0, top + i)) * rowIn
        const b = Math.min(last, Math.max(0, top + i + 1)) * rowIn
        for (let z = 0; z < rowIn; z++) sums[z]! += src[a + z]! * w0 + src[b + z]! * w1
      }
      if (i < points) {
        const w0 = mask[i]!
        const a = Math.min(last, Math.max(0, top + i)) * rowIn
        for (let z = 0; z < rowIn; z++) sums[z]! += src[a + z]! * w0
      }
      const o = y * rowOut
      for (let z = 0; z < rowIn; z++) out[o + z] = clipShift(sums[z]!)
    }
  } else {
    // each input row copied between `pad` copies of its edge pixels, so that no tap needs clamping
    const pad = Math.max(0, -first[0]!, first[outLength - 1]! + points - srcWidth)
    if (paddedRow.length < (srcWidth + 2 * pad) * channels) paddedRow = new Uint8Array((srcWidth + 2 * pad) * channels)
    const padded = paddedRow
    for (let y = 0; y < outH; y++) {
      const rowStart = y * rowIn
      padded.set(src.subarray(rowStart, rowStart + rowIn), pad * channels)
      for (let k = 0; k < pad; k++)
        for (let c = 0; c < channels; c++) {
          padded[k * channels + c] = src[rowStart + c]!
          padded[(pad + srcWidth + k) * channels + c] = src[rowStart + rowIn - channels + c]!
        }
      const o = y * rowOut
      if (channels === 1)
        for (let x = 0; x < outW; x++) {
          const mask = masks[x]!
          const base = first[x]! + pad
          let sum = INTERPOLATE_HALF
          for (let i = 0; i < points; i++) sum += padded[base + i]! * mask[i]!
          out[o + x] = clipShift(sum)
        }
      else
        for (let x = 0; x < outW; x++) {
          const mask = masks[x]!
          const base = (first[x]! + pad) * channels
          for (let c = 0; c < channels; c++) {
            let sum = INTERPOLATE_HALF
            for (let i = 0, at = base + c; i < points; i++, at += channels) sum += padded[at]! * mask[i]!
            out[o + x * channels + c] = clipShift(sum)
          }
        }
    }
  }
  return out
}

/** The horizontal pass's input row with its edges copied out (reused: reduceAxis is synchronous). */
let paddedRow = new Uint8Array(256)

/** sharp's `resize(w, h, { fit: 'fill' })` (lanczos3) for a reduction on both axes, or undefined. */
function down(image: RawImage, w: number, h: number): RawImage | undefined {
  const { width, height, channels } = image
  const plans = downPlans(width, height, w, h)
  if (!plans) return undefined
  let data = image.data
  let curHeight = height
  if (plans.vertical) {
    data = reduceAxis(data, width, height, channels, true, plans.vertical)
    curHeight = plans.vertical.outLength
  }
  if (plans.horizontal) data = reduceAxis(data, width, curHeight, channels, false, plans.horizontal)
  // data may be one of this module's scratch buffers, longer than the image: up() reads it and writes a new one
  return { data, width: w, height: h, channels }
}

/** sharp's `resize(W, H, { fit: 'fill', kernel: 'linear' })` for an enlargement, or undefined. */
function up(image: RawImage, W: number, H: number): RawImage | undefined {
  const { width: w, height: h, channels, data } = image
  const scales = upScales(w, h, W, H)
  if (scales === undefined) return undefined
  if (scales === 'copy') return { ...image, data: data.slice(0, w * h * channels) }
  const { ia, id } = scales
  const { x0, x1, fx } = upColumns(w, W, ia, channels)
  const out = new Uint8Array(W * H * channels)
  const row = w * channels
  for (let y = 0; y < H; y++) {
    const iy = id * y + 0.5
    const j = Math.trunc(iy)
    const Y = Math.trunc((iy - j) * (1 << INTERPOLATE_SHIFT))
    const r0 = Math.min(h - 1, Math.max(0, j - 1)) * row
    const r1 = Math.min(h - 1, Math.max(0, j)) * row
    const Yd = (1 << INTERPOLATE_SHIFT) - Y
    const o = y * W * channels
    if (channels === 1)
      for (let x = 0; x < W; x++) {
        const X = fx[x]!
        const c4 = (Y * X) >> INTERPOLATE_SHIFT
        const c2 = (Yd * X) >> INTERPOLATE_SHIFT
        const left = x0[x]!
        const right = x1[x]!
        out[o + x] =
          ((Yd - c2) * data[r0 + left]! +
            c2 * data[r0 + right]! +
            (Y - c4) * data[r1 + left]! +
            c4 * data[r1 + right]! +
            INTERPOLATE_HALF) >>
          INTERPOLATE_SHIFT
      }
    else
      for (let x = 0; x < W; x++) {
        const X = fx[x]!
        const c4 = (Y * X) >> INTERPOLATE_SHIFT
        const c2 = (Yd * X) >> INTERPOLATE_SHIFT
        const c3 = Y - c4
        const c1 = Yd - c2
        const p1 = r0 + x0[x]!
        const p2 = r0 + x1[x]!
        const p3 = r1 + x0[x]!
        const p4 = r1 + x1[x]!
        for (let c = 0; c < channels; c++)
          out[o + x * channels + c] =
            (c1 * data[p1 + c]! + c2 * data[p2 + c]! + c3 * data[p3 + c]! + c4 * data[p4 + c]! + INTERPOLATE_HALF) >>
            INTERPOLATE_SHIFT
      }
  }
  return { data: out, width: W, height: H, channels }
}

/** lowResolution in JavaScript: the reference of the WebAssembly kernel and its fallback. */
export function lowResolutionJs(image: RawImage, v: number): RawImage | undefined {
  const w = Math.max(1, Math.round(image.width / v))
  const h = Math.max(1, Math.round(image.height / v))
  if (w > image.width || h > image.height) return undefined
  const small = w === image.width && h === image.height ? image : down(image, w, h)
  if (!small) return undefined
  return up(small, image.width, image.height)
}

/**
 * The low-resolution corruption of an 8-bit image by factor `v`: down to
 * max(1, round(W/v)) × max(1, round(H/v)) with lanczos3, back up with linear, exactly as the
 * sharp pipeline in src/robust/corruptions.ts does it. Undefined where this does not reproduce
 * libvips (see above); the caller then runs sharp. Computed by the WebAssembly kernel where it can
 * (lowResolutionWasm), else by lowResolutionJs: the same bytes.
 */
export function lowResolution(image: RawImage, v: number): RawImage | undefined {
  const done = lowResolutionWasm(image, v)
  return done === 'js' ? lowResolutionJs(image, v) : done
}
