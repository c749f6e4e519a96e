import type { RawImage } from '../base/image.js'
import { type KernelInstance, lazyKernel } from './wasm/kernelInstance.js'
import { WASM_BASE64 } from './wasm/lowResolutionModule.js'

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
 * plans and tables made here (lowResolutionWasm); lowResolutionJs is the JavaScript kernel.
 * tests/robust/lowResolution.test.ts compares both with sharp on many images, sizes and factors.
 */

const TRANSFORM_SCALE = 64
const INTERPOLATE_SHIFT = 12
const INTERPOLATE_HALF = 1 << (INTERPOLATE_SHIFT - 1)
/** libvips' tile geometry (libvips/include/vips/private.h, vips_get_tile_size). */
const FATSTRIP_HEIGHT = 16
const TILE_SIZE = 128
/** vips_resize's default reducing gap (sharp does not set it). */
const GAP = 2

/** C's rint in the default rounding mode: halves to even. */
function rint(x: number): number {
  const r = Math.round(x)
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r
}

function lanczos3(x: number): number {
  if (x < -3 || x > 3) return 0
  return sinc(x) * sinc(x / 3)
}

function sinc(x: number): number {
  if (x === 0) return 1
  const px = x * Math.PI
  return Math.sin(px) / px
}

/** libvips' calculate_coefficients for lanczos3 at phase x, then truncated to 12-bit fixed point. */
function fixedMask(points: number, shrink: number, x: number): Int32Array {
  const half = x + points / 2 - 1
  const c = new Float64Array(points)
  let sum = 0
  for (let i = 0; i < points; i++) {
    const l = lanczos3((i - half) / shrink)
    c[i] = l
    sum += l
  }
  const out = new Int32Array(points)
  for (let i = 0; i < points; i++) out[i] = Math.trunc((c[i]! / sum) * (1 << INTERPOLATE_SHIFT))
  return out
}

/** One axis of a lanczos3 reduction: the box shrink before it and, per output index, its taps. */
interface ReducePlan {
  /** The box shrink factor (1: none) and the length after it. */
  box: number
  boxLength: number
  outLength: number
  /** 0 when the box shrink alone gives the output. */
  points: number
  /** Per output index: the input index of its first tap (may be < 0: edges are copied). */
  first: Int32Array
  /** Per output index: its weights (points of them). */
  masks: Int32Array[]
}

/** The box shrink a reduction by `shrink` starts with (1: none): ⌊in / out / gap⌋. */
function boxFactor(inLength: number, shrink: number): number {
  const outLength = Math.trunc(inLength / shrink + 0.5)
  return outLength > 0 ? Math.max(1, Math.floor(inLength / outLength / GAP)) : 1
}

const plans = new Map<string, ReducePlan | null>()
const MAX_PLANS = 256

/**
 * The reduction of one axis of `inLength` pixels by `shrink` (as vips_reducev/reduceh get it),
 * with positions summed from the start of each tile of `tile` pixels along the axis, or null
 * where libvips' output length would differ.
 */
function reducePlan(inLength: number, shrink: number, tile: number): ReducePlan | null {
  const key = `${inLength} ${shrink} ${tile}`
  const known = plans.get(key)
  if (known !== undefined) return known
  const plan = makeReducePlan(inLength, shrink, tile)
  if (plans.size >= MAX_PLANS) plans.clear() // images of many sizes: keep memory bounded
  plans.set(key, plan)
  return plan
}

function makeReducePlan(inLength: number, shrink: number, tile: number): ReducePlan | null {
  const outLength = Math.trunc(inLength / shrink + 0.5)
  if (outLength <= 0) return null
  let extra = outLength * shrink - inLength
  let residual = shrink
  const box = boxFactor(inLength, shrink)
  if (box > 1) {
    extra /= box
    residual /= box
  }
  const boxLength = box > 1 ? Math.ceil(inLength / box) : inLength
  if (residual === 1) {
    if (boxLength !== outLength) return null
    return { box, boxLength, outLength, points: 0, first: new Int32Array(0), masks: [] }
  }
  const points = 2 * rint(3 * residual) + 1
  const offset = (1 + extra) / 2 - 1
  const tables: Int32Array[] = []
  for (let t = 0; t <= TRANSFORM_SCALE; t++) tables.push(fixedMask(points, residual, t / TRANSFORM_SCALE))
  const edge = Math.ceil(points / 2) - 1
  const first = new Int32Array(outLength)
  const phases = new Int32Array(outLength)
  // positions are summed from the first index of each region libvips computes (tile rows/columns)
  let position = 0
  for (let j = 0; j < outLength; j++) {
    if (j % tile === 0) position = (j + 0.5) * residual - 0.5 - offset
    const index = Math.trunc(position)
    first[j] = index - edge
    phases[j] = ((Math.trunc(position * TRANSFORM_SCALE * 2) & (TRANSFORM_SCALE * 2 - 1)) + 1) >> 1
    position += residual
  }
  return { box, boxLength, outLength, points, first, masks: Array.from(phases, (p) => tables[p]!) }
}

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

/** The reductions of sharp's `resize(w, h, { fit: 'fill' })` (lanczos3), vertical then horizontal. */
interface DownPlans {
  /** Undefined where the axis keeps its length. */
  vertical: ReducePlan | undefined
  horizontal: ReducePlan | undefined
}

/** The plans of sharp's `resize(w, h, { fit: 'fill' })` of a width × height image, or undefined. */
function downPlans(width: number, height: number, w: number, h: number): DownPlans | undefined {
  // sharp: shrink factors W/w and H/h, passed to vips_resize as scales 1/f; vips_resize keeps
  // each axis at least 1 pixel and hands reducev/reduceh the factor 1/scale
  const hscale = Math.max(1 / (width / w), 1 / width)
  const vscale = Math.max(1 / (height / h), 1 / height)
  if (hscale > 1 || vscale > 1) return undefined
  // libvips computes the output in tiles: full-width strips of 16 rows, or 128×128 tiles once a
  // vertical box shrink is in the pipeline (shrinkv asks for small tiles); a horizontal box
  // shrink (after the vertical reduction) asks for its input 16 rows at a time
  const smallTiles = vscale < 1 && boxFactor(height, 1 / vscale) > 1
  const horizontalBox = hscale < 1 && boxFactor(width, 1 / hscale) > 1
  let vertical: ReducePlan | undefined
  let horizontal: ReducePlan | undefined
  if (vscale < 1) {
    const plan = reducePlan(height, 1 / vscale, smallTiles && !horizontalBox ? TILE_SIZE : FATSTRIP_HEIGHT)
    if (!plan || plan.outLength !== h) return undefined
    vertical = plan
  } else if (height !== h) return undefined
  if (hscale < 1) {
    const plan = reducePlan(width, 1 / hscale, smallTiles ? TILE_SIZE : Number.POSITIVE_INFINITY)
    if (!plan || plan.outLength !== w) return undefined
    horizontal = plan
  } else if (width !== w) return undefined
  return { vertical, horizontal }
}

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

/**
 * The inverse scales of sharp's `resize(W, H, { fit: 'fill', kernel: 'linear' })` of a w × h
 * image (horizontal ia, vertical id), 'copy' where it keeps the size, or undefined.
 */
function upScales(w: number, h: number, W: number, H: number): { ia: number; id: number } | 'copy' | undefined {
  const hscale = Math.max(1 / (w / W), 1 / w)
  const vscale = Math.max(1 / (h / H), 1 / h)
  if (hscale < 1 || vscale < 1) return undefined
  if (hscale === 1 && vscale === 1) return 'copy'
  // vips_affine with matrix [a 0; 0 d] (a scale of 1 passed as 1): its inverse, output area and
  // input displacement
  const a = hscale
  const d = vscale
  const inverse = 1 / (a * d)
  if (Math.trunc(a * w + 0.5) !== W || Math.trunc(d * h + 0.5) !== H) return undefined
  return { ia: inverse * d, id: inverse * a }
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

/** Per output column of an enlargement: its two input columns (element offsets) and 12-bit weight. */
interface UpColumns {
  x0: Int32Array
  x1: Int32Array
  fx: Int32Array
}

/** The last enlargements' column tables (a robust run asks for the same five per image size). */
const upPlans = new Map<string, UpColumns>()

function upColumns(w: number, W: number, ia: number, channels: number): UpColumns {
  const key = `${w} ${W} ${ia} ${channels}`
  const known = upPlans.get(key)
  if (known) return known
  const x0 = new Int32Array(W)
  const x1 = new Int32Array(W)
  const fx = new Int32Array(W)
  let ix = 0.5 // ia·0 − idx, idx = 0.5 − 1 after the one-pixel border affine adds
  for (let x = 0; x < W; x++) {
    const i = Math.trunc(ix)
    fx[x] = Math.trunc((ix - i) * (1 << INTERPOLATE_SHIFT))
    // the input is embedded with a one-pixel border of copied edges: column e is e − 1
    x0[x] = Math.min(w - 1, Math.max(0, i - 1)) * channels
    x1[x] = Math.min(w - 1, Math.max(0, i)) * channels
    ix += ia
  }
  const columns = { x0, x1, fx }
  if (upPlans.size >= MAX_PLANS) upPlans.clear() // images of many sizes: keep memory bounded
  upPlans.set(key, columns)
  return columns
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

/** src/robust/wasm/lowResolution.c: the whole corruption of one image by a job laid out below. */
const wasmKernel = lazyKernel<{
  low_resolution(job: number, src: number, a: number, b: number, dst: number): void
}>(WASM_BASE64)

/** The kernel's limits (lowResolution.c): box sums in 16 bits, a fixed array of lanczos taps. */
const WASM_MAX_BOX = 256
const WASM_MAX_POINTS = 64
/** Slack past each image buffer of the kernel (its rows read and written 16 values at a time). */
const WASM_SLACK = 64

/**
 * Jobs by `width height channels v`: the address of each one's Job struct, laid out in the kernel's
 * memory from its heap base on (up to `tablesEnd`), 'js' where the JavaScript kernel runs (a copy, or a plan beyond the kernel's
 * limits), 'none' where lowResolutionJs gives undefined. Forgotten all at once, memory included,
 * when many sizes have come (as the JavaScript plans are).
 */
const wasmJobs = new Map<string, number | 'js' | 'none'>()
let tablesEnd = 0
const MAX_TABLE_BYTES = 16 << 20

const align16 = (n: number) => (n + 15) & ~15

/**
 * The job of lowResolutionJs(image, v) for the kernel: the same decisions (sizes, plans, scales)
 * from the same functions, the plans and the enlargement's tables written into the kernel's memory.
 */
function wasmJob(k: KernelInstance<unknown>, width: number, height: number, channels: number, v: number) {
  const w = Math.max(1, Math.round(width / v))
  const h = Math.max(1, Math.round(height / v))
  if (w > width || h > height) return 'none'
  if (w === width && h === height) return 'js' // a copy of the image
  const plans = downPlans(width, height, w, h)
  if (!plans) return 'none'
  const scales = upScales(w, h, width, height)
  if (scales === undefined) return 'none'
  if (scales === 'copy') return 'js'
  const reductions = [plans.vertical, plans.horizontal]
  for (const plan of reductions)
    if (
      plan &&
      (plan.box > WASM_MAX_BOX ||
        plan.points > WASM_MAX_POINTS ||
        plan.masks.some((m) => m.some((x) => x !== (x << 16) >> 16)))
    )
      return 'js'
  const span = width * channels
  // the layout: Job, then per reduction its Reduce, first and masks, then Enlarge, rows, columns, weights
  const reduceBytes = (plan: ReducePlan | undefined) =>
    plan ? 32 + align16(4 * plan.outLength) + align16(2 * plan.outLength * (plan.points + (plan.points & 1))) : 0
  const chunks = 2 * Math.ceil(span / 16)
  const bytes =
    32 +
    reduceBytes(plans.vertical) +
    reduceBytes(plans.horizontal) +
    32 +
    align16(12 * height) +
    align16(4 * chunks) +
    32 * chunks
  if (tablesEnd === 0 || wasmJobs.size >= MAX_PLANS || tablesEnd + bytes - k.heapBase > MAX_TABLE_BYTES) {
    wasmJobs.clear()
    tablesEnd = align16(k.heapBase)
  }
  k.reserve(tablesEnd + bytes - k.heapBase)
  const memory = k.bytes.buffer
  const i32 = new Int32Array(memory)
  const i16 = new Int16Array(memory)
  let at = tablesEnd
  const take = (n: number) => {
    const start = at
    at += align16(n)
    return start
  }
  const job = take(32)
  const writeReduce = (plan: ReducePlan | undefined): number => {
    if (!plan) return 0
    const struct = take(32)
    const first = take(4 * plan.outLength)
    const points = plan.points + (plan.points & 1) // an odd tap count made even by a zero weight
    const masks = take(2 * plan.outLength * points)
    i32.set(
      [plan.box, plan.boxLength, plan.outLength, points, Math.floor(2 ** 32 / (256 * plan.box)), first, masks],
      struct >> 2,
    )
    i32.set(plan.first, first >> 2)
    i16.fill(0, masks >> 1, (masks >> 1) + plan.outLength * points)
    for (let o = 0; o < plan.outLength && points > 0; o++) i16.set(plan.masks[o]!, (masks >> 1) + o * points)
    return struct
  }
  const vertical = writeReduce(plans.vertical)
  const horizontal = writeReduce(plans.horizontal)
  // the enlargement: per output row its two input rows and weight, as up() computes them
  const enlarge = take(32)
  const rows = take(12 * height)
  for (let y = 0; y < height; y++) {
    const iy = scales.id * y + 0.5
    const j = Math.trunc(iy)
    i32[(rows >> 2) + 3 * y] = Math.min(h - 1, Math.max(0, j - 1))
    i32[(rows >> 2) + 3 * y + 1] = Math.min(h - 1, Math.max(0, j))
    i32[(rows >> 2) + 3 * y + 2] = Math.trunc((iy - j) * (1 << INTERPOLATE_SHIFT))
  }
  // per chunk of 8 output values: the first input pixel it reads, and its values' two inputs from
  // there (within 16 bytes for an enlargement of up to 5 channels, else the JavaScript kernel);
  // the chunks past the row's end read the row's first value, their lanes never kept
  const { x0, x1, fx } = upColumns(w, width, scales.ia, channels)
  const bases = take(4 * chunks)
  const swizzles = take(16 * chunks)
  const weights = take(16 * chunks)
  const memoryBytes = new Uint8Array(memory)
  memoryBytes.fill(0, swizzles, swizzles + 16 * chunks)
  i16.fill(0, weights >> 1, (weights >> 1) + 8 * chunks)
  for (let chunk = 0; chunk < chunks; chunk++) {
    let base = 0
    for (let o = 8 * chunk; o < Math.min(span, 8 * chunk + 8); o++) {
      const x = Math.trunc(o / channels)
      const c = o - x * channels
      if (o === 8 * chunk) base = x0[x]!
      const from = x0[x]! + c - base
      const to = x1[x]! + c - base
      if (from < 0 || to > 15) return 'js'
      memoryBytes[swizzles + 16 * chunk + 2 * (o - 8 * chunk)] = from
      memoryBytes[swizzles + 16 * chunk + 2 * (o - 8 * chunk) + 1] = to
      i16[(weights >> 1) + o] = fx[x]!
    }
    i32[(bases >> 2) + chunk] = base
  }
  i32.set([rows, bases, swizzles, weights, w * channels], enlarge >> 2)
  i32.set([width, height, channels, vertical, horizontal, enlarge], job >> 2)
  tablesEnd = at
  return job
}

/**
 * lowResolutionJs(image, v) by the WebAssembly kernel (src/robust/wasm/lowResolution.c), the same
 * bytes from the same plans, or 'js' for what the kernel does not compute: WebAssembly unavailable,
 * an image kept at its size (a copy), a plan beyond the kernel's limits.
 */
export function lowResolutionWasm(image: RawImage, v: number): RawImage | undefined | 'js' {
  const k = wasmKernel()
  if (!k) return 'js'
  const { width, height, channels } = image
  const key = `${width} ${height} ${channels} ${v}`
  let job = wasmJobs.get(key)
  if (job === undefined) {
    job = wasmJob(k as KernelInstance<unknown>, width, height, channels, v)
    wasmJobs.set(key, job)
  }
  if (job === 'none') return undefined
  if (job === 'js') return 'js'
  const n = width * height * channels
  // the input, two scratch images and the output, each with slack, after the tables
  const slot = align16(n) + WASM_SLACK
  const src = align16(tablesEnd)
  k.reserve(src + 4 * slot - k.heapBase)
  k.bytes.set(image.data.subarray(0, n), src)
  k.exports.low_resolution(job, src, src + slot, src + 2 * slot, src + 3 * slot)
  return { data: k.bytes.slice(src + 3 * slot, src + 3 * slot + n), width, height, channels }
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
