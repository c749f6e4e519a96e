/**
 * The WebAssembly glue of the low-resolution corruption (src/robust/wasm/lowResolution.c): the
 * kernel instance, the jobs laid out in its memory and lowResolutionWasm's call into it.
 */
import type { RawImage } from '../../base/image.js'
import { downPlans, INTERPOLATE_SHIFT, MAX_PLANS, type ReducePlan, upColumns, upScales } from '../lowResolutionPlans.js'
import { type KernelInstance, lazyKernel } from './kernelInstance.js'
import { WASM_BASE64 } from './lowResolutionModule.js'

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
