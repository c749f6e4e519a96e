/**
 * The WebAssembly glue of the rotation corruption (src/robust/wasm/rotate.c): the kernel instance,
 * the packed plans cached in its memory and renderWasm's calls into it.
 */
import {
  INTERPOLATE_SCALE,
  MAX_PLANNED_PIXELS,
  MAX_PLANS,
  planRows,
  type RenderArgs,
  type RenderPlan,
  rotationInk,
} from '../rotatePlans.js'
import { lazyKernel } from './kernelInstance.js'
import { WASM_BASE64 } from './rotateModule.js'

/** src/robust/wasm/rotate.c: the border embedding and the interpolation from plans in its memory. */
export const wasmKernel = lazyKernel<{
  rotate_embed(src: number, width: number, height: number, channels: number, ink: number, padded: number): void
  rotate_apply1(
    sources: number,
    w12: number,
    w34: number,
    groups: number,
    padded: number,
    stride: number,
    out: number,
  ): void
  rotate_apply3(
    sources: number,
    w12: number,
    w34: number,
    count: number,
    padded: number,
    stride: number,
    out: number,
  ): void
}>(WASM_BASE64)
type RotateKernel = NonNullable<ReturnType<typeof wasmKernel>>

/**
 * The plans in the kernel's memory, by cachedPlan's key: each the byte offset from the heap base
 * of `n` = the window's pixels rounded up to 8 entries as three int32 arrays one after another —
 * the padded image's pixel index of the top-left tap, c1 | c2 << 16 and c3 | c4 << 16 (each
 * coefficient 0…4096, so an int16 pair) — a background pixel as the bottom-right border pixel
 * (whose four taps are all background) with c1 = 4096: (4096 · ink + 2048) >> 12 is the ink
 * itself. They take the memory from the heap base up to wasmPlansEnd; each call's scratch follows.
 */
const wasmPlans = new Map<string, number>()
let wasmPlansEnd = 0

/** Entries of a kernel plan of `pixels` pixels: whole groups of 8 (96 bytes, so plans stay 16-byte aligned). */
const planEntries = (pixels: number): number => Math.ceil(pixels / 8) * 8

/** The JavaScript plan kernel plans are made in (then packed): as large as a cached plan, or a band of a wider window. */
let planScratch: RenderPlan | undefined

/** Packs plan entries 0…count − 1 of `plan`, and background entries up to n, into `packed` (3n int32). */
function packPlan(plan: RenderPlan, count: number, n: number, corner: number, packed: Int32Array): void {
  const { sources, weights } = plan
  for (let k = 0; k < n; k++) {
    const source = k < count ? sources[k]! : -1
    if (source < 0) {
      packed[k] = corner
      packed[n + k] = INTERPOLATE_SCALE
      packed[2 * n + k] = 0
    } else {
      packed[k] = source
      packed[n + k] = weights[4 * k]! | (weights[4 * k + 1]! << 16)
      packed[2 * n + k] = weights[4 * k + 2]! | (weights[4 * k + 3]! << 16)
    }
  }
}

/**
 * renderJs's window from the same plans (planRows), interpolated by rotate.c: the image is copied
 * into the kernel's memory, embedded there in its border, and each output pixel is Σ c·p over the
 * same taps with the same coefficients, (Σ + 2048) >> 12, in int32 lanes.
 */
export function renderWasm(
  k: RotateKernel,
  ...[image, angleDegrees, geometry, rgb, windowLeft, windowTop, windowWidth, windowHeight]: RenderArgs
): Uint8Array {
  const { width, height, channels, data } = image
  const ink = rotationInk(channels, rgb)
  const inkWord = channels === 1 ? ink[0]! : ink[0]! | (ink[1]! << 8) | (ink[2]! << 16)
  const paddedWidth = width + 3
  const corner = (height + 1) * paddedWidth + width + 1
  const pixels = windowWidth * windowHeight
  // a window over MAX_PLANNED_PIXELS: planned a band of rows at a time (no band under one row)
  const banded = pixels > MAX_PLANNED_PIXELS
  const bandRows = banded ? Math.max(1, Math.floor(MAX_PLANNED_PIXELS / windowWidth)) : windowHeight
  const scratchPixels = Math.max(MAX_PLANNED_PIXELS, bandRows * windowWidth)
  if (!planScratch || planScratch.sources.length < scratchPixels)
    planScratch = { sources: new Int32Array(scratchPixels), weights: new Int32Array(4 * scratchPixels) }
  // the whole window's plan, cached
  let planAt = -1
  if (!banded) {
    const key = `${width} ${height} ${angleDegrees} ${windowLeft} ${windowTop} ${windowWidth} ${windowHeight}`
    const cached = wasmPlans.get(key)
    if (cached !== undefined) planAt = cached
    else {
      if (wasmPlans.size >= MAX_PLANS) {
        wasmPlans.clear() // images of many sizes: keep memory bounded
        wasmPlansEnd = 0
      }
      const n = planEntries(pixels)
      planAt = wasmPlansEnd
      wasmPlansEnd += 12 * n
      const base = k.reserve(wasmPlansEnd)
      planRows(width, height, geometry, windowLeft, windowTop, windowWidth, 0, windowHeight, planScratch)
      packPlan(planScratch, pixels, n, corner, k.int32(base + planAt, 3 * n))
      wasmPlans.set(key, planAt)
    }
  }
  const bandN = banded ? planEntries(bandRows * windowWidth) : 0
  // this call's scratch after the plans: a band's plan, the image, the padded image, the window
  // (the reads and writes of whole groups pass the ends by under 16 bytes)
  const bandAt = wasmPlansEnd
  const srcAt = bandAt + 12 * bandN
  const imageBytes = width * height * channels
  const paddedAt = srcAt + imageBytes + 15 - ((srcAt + imageBytes + 15) % 16)
  const outAt = paddedAt + paddedWidth * (height + 3) * channels + 16
  const outBytes = pixels * channels
  const base = k.reserve(outAt + outBytes + 16)
  k.bytes.set(data.length === imageBytes ? data : data.subarray(0, imageBytes), base + srcAt)
  k.exports.rotate_embed(base + srcAt, width, height, channels, inkWord, base + paddedAt)
  const rowStride = paddedWidth * channels
  // plan entries 0…count − 1 at `at` (arrays of n entries) into `out`: one channel in whole groups of 8
  const apply = (at: number, n: number, count: number, out: number): void => {
    if (channels === 1)
      k.exports.rotate_apply1(at, at + 4 * n, at + 8 * n, planEntries(count) / 8, base + paddedAt, rowStride, out)
    else k.exports.rotate_apply3(at, at + 4 * n, at + 8 * n, count, base + paddedAt, rowStride, out)
  }
  if (!banded) apply(base + planAt, planEntries(pixels), pixels, base + outAt)
  else
    for (let rowStart = 0; rowStart < windowHeight; rowStart += bandRows) {
      const rowEnd = Math.min(windowHeight, rowStart + bandRows)
      const count = (rowEnd - rowStart) * windowWidth
      planRows(width, height, geometry, windowLeft, windowTop, windowWidth, rowStart, rowEnd, planScratch)
      packPlan(planScratch, count, bandN, corner, k.int32(base + bandAt, 3 * bandN))
      apply(base + bandAt, bandN, count, base + outAt + rowStart * windowWidth * channels)
    }
  // a fresh array filled from the kernel's memory (cheaper than slice for these sizes)
  const out = new Uint8Array(outBytes)
  out.set(k.bytes.subarray(base + outAt, base + outAt + outBytes))
  return out
}
