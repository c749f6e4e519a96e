import type { RawImage } from '../base/image.js'
import { lazyKernel } from './wasm/kernelInstance.js'
import { WASM_BASE64 } from './wasm/rotateModule.js'

/**
 * The rotation corruption in JavaScript, byte for byte what sharp 0.35 (libvips 8.18) gives for
 * `rotate(angle, {background})` on a raw 8-bit image followed by a centre crop back to the input
 * size. libvips' `vips_rotate` is `vips_affine` with the matrix [cos, −sin; sin, cos] (angle
 * clockwise, in degrees), its default bilinear interpolator and a background extend:
 *
 * - output canvas: the input rectangle's four corners mapped forward, the bounding box rounded
 *   half away from zero (left/top and width/height separately, as libvips' transform_rect does);
 * - the input is embedded in a 1-pixel background border on the left/top and 2 on the right/bottom;
 *   an output pixel whose back-mapped position (in that embedded image) floors to 0 ≤ fx ≤ W,
 *   0 ≤ fy ≤ H is interpolated, any other is the background;
 * - the back-mapped position of each row starts from the inverse matrix at the region's left
 *   edge and then adds the inverse matrix's column per pixel (floating-point accumulation,
 *   restarted at every 128-pixel tile, libvips' small-tile width: done here as libvips' source
 *   does it, though no byte was seen to depend on it — a single sum along the whole row gave the
 *   same bytes for 4,000 angles on a 600×600 image);
 * - bilinear for uchar in fixed point: fractions truncated to 1/4096, c4 = (Y·X) >> 12,
 *   c2 = ((4096 − Y)·X) >> 12, c3 = Y − c4, c1 = 4096 − Y − c2, result (Σ c·p + 2048) >> 12;
 * - the background double converted to the image's format by libvips' linear (single precision)
 *   and cast (truncation); sharp turns a background colour into grey for one-band images as
 *   0.2126·r + 0.7152·g + 0.0722·b.
 *
 * The interpolation runs in WebAssembly (src/robust/wasm/rotate.c) from the same plans where it
 * can, in this JavaScript where it cannot (rotateCentreCropJs, rotateCanvasJs): the same bytes.
 * tests/robust/rotate.test.ts compares both with sharp on many images, sizes and angles.
 */

/** libvips' small-tile width: the region width its memory sink asks the affine for. */
const TILE_WIDTH = 128
const INTERPOLATE_SHIFT = 12
const INTERPOLATE_SCALE = 1 << INTERPOLATE_SHIFT
const HALF = INTERPOLATE_SCALE >> 1

/** libvips' VIPS_ROUND_INT: half away from zero, then truncated toward zero. */
function roundInt(r: number): number {
  return Math.trunc(r > 0 ? r + 0.5 : r - 0.5)
}

/** A background value as libvips writes it into an 8-bit pixel: single-precision linear, then truncated and clipped. */
function inkByte(value: number): number {
  return Math.min(255, Math.max(0, Math.trunc(Math.fround(value))))
}

/**
 * The background pixel libvips paints for sharp's background colour (r, g, b) on an image of
 * `channels` bands: one band gets sharp's sRGB-to-grey weights.
 */
export function rotationInk(channels: 1 | 3, rgb: readonly [number, number, number]): Uint8Array {
  const [r, g, b] = rgb
  if (channels === 1) return Uint8Array.of(inkByte(0.2126 * r + 0.7152 * g + 0.0722 * b))
  return Uint8Array.of(inkByte(r), inkByte(g), inkByte(b))
}

/** A renderer of a window of the rotated canvas: render (WebAssembly where it runs) or renderJs. */
type Render = typeof renderJs

/**
 * `image` rotated clockwise by `angleDegrees` on libvips' enlarged canvas with `rgb` as the
 * background, then its centre `width`×`height` window (offset ⌊(canvas − size) / 2⌋) — or
 * undefined when the rotated canvas is narrower or shorter than the input (an oblong turned far,
 * e.g. 100×1 by 25°): then the window is not inside the canvas (see rotateCanvas).
 */
export function rotateCentreCrop(
  image: RawImage,
  angleDegrees: number,
  rgb: readonly [number, number, number],
): RawImage | undefined {
  return centreCrop(image, angleDegrees, rgb, render)
}

/** rotateCentreCrop computed in JavaScript alone (the reference, and the fallback without WebAssembly). */
export function rotateCentreCropJs(
  image: RawImage,
  angleDegrees: number,
  rgb: readonly [number, number, number],
): RawImage | undefined {
  return centreCrop(image, angleDegrees, rgb, renderJs)
}

function centreCrop(
  image: RawImage,
  angleDegrees: number,
  rgb: readonly [number, number, number],
  renderWith: Render,
): RawImage | undefined {
  const { width, height, channels } = image
  const geometry = rotation(width, height, angleDegrees)
  if (geometry.areaWidth < width || geometry.areaHeight < height) return undefined
  const left = Math.floor((geometry.areaWidth - width) / 2)
  const top = Math.floor((geometry.areaHeight - height) / 2)
  return { data: renderWith(image, angleDegrees, geometry, rgb, left, top, width, height), width, height, channels }
}

/** The whole canvas libvips' rotate returns for `image` (its size follows from the size and angle). */
export function rotateCanvas(image: RawImage, angleDegrees: number, rgb: readonly [number, number, number]): RawImage {
  return canvas(image, angleDegrees, rgb, render)
}

/** rotateCanvas computed in JavaScript alone. */
export function rotateCanvasJs(
  image: RawImage,
  angleDegrees: number,
  rgb: readonly [number, number, number],
): RawImage {
  return canvas(image, angleDegrees, rgb, renderJs)
}

function canvas(
  image: RawImage,
  angleDegrees: number,
  rgb: readonly [number, number, number],
  renderWith: Render,
): RawImage {
  const geometry = rotation(image.width, image.height, angleDegrees)
  const { areaWidth, areaHeight } = geometry
  const data = renderWith(image, angleDegrees, geometry, rgb, 0, 0, areaWidth, areaHeight)
  return { data, width: areaWidth, height: areaHeight, channels: image.channels }
}

/** libvips' inverse matrix and output area for a rotation of a `width`×`height` image. */
interface Rotation {
  ia: number
  ib: number
  ic: number
  id: number
  areaLeft: number
  areaTop: number
  areaWidth: number
  areaHeight: number
}

function rotation(width: number, height: number, angleDegrees: number): Rotation {
  const radians = (angleDegrees / 360) * 2 * Math.PI
  const a = Math.cos(radians)
  const b = -Math.sin(radians)
  const c = -b
  const d = a
  const det = a * d - b * c
  const tmp = 1 / det

  // output area: the forward-mapped corners' bounding box (transform_rect)
  const xs = [0, 0, width, width]
  const ys = [0, height, 0, height]
  let left = Number.POSITIVE_INFINITY
  let right = Number.NEGATIVE_INFINITY
  let top = Number.POSITIVE_INFINITY
  let bottom = Number.NEGATIVE_INFINITY
  for (let k = 0; k < 4; k++) {
    const ox = a * xs[k]! + b * ys[k]! + 0
    const oy = c * xs[k]! + d * ys[k]! + 0
    left = Math.min(left, ox)
    right = Math.max(right, ox)
    top = Math.min(top, oy)
    bottom = Math.max(bottom, oy)
  }
  return {
    ia: tmp * d,
    ib: -tmp * b,
    ic: -tmp * c,
    id: tmp * a,
    areaLeft: roundInt(left),
    areaTop: roundInt(top),
    areaWidth: roundInt(right - left),
    areaHeight: roundInt(bottom - top),
  }
}

/**
 * Where each pixel of a window of the rotated canvas comes from, for rows `rowStart`…`rowEnd` − 1:
 * sources[k] is the padded input's pixel index of its top-left tap (−1: the background) and
 * weights[4k…4k + 3] its bilinear coefficients c1…c4. It depends only on the size, the angle and
 * the window, not on the pixels, so a robust run's ten angles per size are worked out once.
 */
interface RenderPlan {
  sources: Int32Array
  weights: Int32Array
}

/** Output pixels a cached plan may cover (20 bytes each): larger windows are planned in bands of rows. */
const MAX_PLANNED_PIXELS = 128 * 128
const MAX_PLANS = 64
const plans = new Map<string, RenderPlan>()

/**
 * Fills `plan` for the window's rows `rowStart`…`rowEnd` − 1 (plan index 0 = the first pixel of
 * `rowStart`): the back-mapped positions as libvips accumulates them, per row and 128-pixel tile.
 */
function planRows(
  width: number,
  height: number,
  geometry: Rotation,
  windowLeft: number,
  windowTop: number,
  windowWidth: number,
  rowStart: number,
  rowEnd: number,
  plan: RenderPlan,
): void {
  const { ia, ib, ic, id, areaLeft, areaTop } = geometry
  const { sources, weights } = plan
  const paddedWidth = width + 3
  const inputOffsetX = -1 // libvips' idx after the 1-pixel border: subtracted below
  const inputOffsetY = -1
  const windowRight = windowLeft + windowWidth
  for (let row = rowStart; row < rowEnd; row++) {
    const oy = row + windowTop + areaTop
    let q = (row - rowStart) * windowWidth
    for (let tileLeft = windowLeft - (windowLeft % TILE_WIDTH); tileLeft < windowRight; tileLeft += TILE_WIDTH) {
      const ox = tileLeft + areaLeft
      let ix = ia * ox + ib * oy
      let iy = ic * ox + id * oy
      ix -= inputOffsetX
      iy -= inputOffsetY
      const tileRight = Math.min(tileLeft + TILE_WIDTH, windowRight)
      // the tile's pixels left of the window only advance the position, one addition each as in libvips
      const first = Math.max(windowLeft, tileLeft)
      for (let x = tileLeft; x < first; x++) {
        ix += ia
        iy += ic
      }
      for (let x = first; x < tileRight; x++) {
        // ⌊ix⌋ in 0…width and ⌊iy⌋ in 0…height, as libvips clips, written as a range test so
        // the truncations below are floors
        if (ix >= 0 && ix < width + 1 && iy >= 0 && iy < height + 1) {
          const fx = ix | 0
          const fy = iy | 0
          const fracX = ((ix - fx) * INTERPOLATE_SCALE) | 0
          const fracY = ((iy - fy) * INTERPOLATE_SCALE) | 0
          const fracYd = INTERPOLATE_SCALE - fracY
          const c4 = (fracY * fracX) >> INTERPOLATE_SHIFT
          const c2 = (fracYd * fracX) >> INTERPOLATE_SHIFT
          sources[q] = fy * paddedWidth + fx
          weights[4 * q] = fracYd - c2
          weights[4 * q + 1] = c2
          weights[4 * q + 2] = fracY - c4
          weights[4 * q + 3] = c4
        } else sources[q] = -1
        q++
        ix += ia
        iy += ic
      }
    }
  }
}

/** The cached plan of a whole window, or undefined for a window over MAX_PLANNED_PIXELS. */
function cachedPlan(
  width: number,
  height: number,
  angleDegrees: number,
  geometry: Rotation,
  windowLeft: number,
  windowTop: number,
  windowWidth: number,
  windowHeight: number,
): RenderPlan | undefined {
  const pixels = windowWidth * windowHeight
  if (pixels > MAX_PLANNED_PIXELS) return undefined
  const key = `${width} ${height} ${angleDegrees} ${windowLeft} ${windowTop} ${windowWidth} ${windowHeight}`
  let plan = plans.get(key)
  if (!plan) {
    plan = { sources: new Int32Array(pixels), weights: new Int32Array(4 * pixels) }
    planRows(width, height, geometry, windowLeft, windowTop, windowWidth, 0, windowHeight, plan)
    if (plans.size >= MAX_PLANS) plans.clear() // images of many sizes: keep memory bounded
    plans.set(key, plan)
  }
  return plan
}

/** The input embedded in the background (1 pixel left/top, 2 right/bottom), in a buffer reused from call to call. */
function embedded(image: RawImage, ink: Uint8Array): Uint8Array {
  const { width, height, channels, data } = image
  const paddedWidth = width + 3
  const length = paddedWidth * (height + 3) * channels
  if (paddedBuffer.length < length) paddedBuffer = new Uint8Array(length)
  const padded = paddedBuffer.subarray(0, length)
  const row = width * channels
  const paddedRow = paddedWidth * channels
  const paint = (from: number, to: number): void => {
    if (channels === 1) padded.fill(ink[0]!, from, to)
    else for (let i = from; i < to; i += channels) padded.set(ink, i)
  }
  paint(0, paddedRow) // the row above
  for (let y = 0; y < height; y++) {
    const at = (y + 1) * paddedRow
    // one background pixel left, the row, two background pixels right
    paint(at, at + channels)
    padded.set(data.subarray(y * row, (y + 1) * row), at + channels)
    paint(at + channels + row, at + paddedRow)
  }
  paint((height + 1) * paddedRow, length) // the two rows below
  return padded
}

let paddedBuffer = new Uint8Array(4096)

/**
 * Interpolates plan pixels 0…count − 1 into `out` from `at` on: bilinear for uchar in fixed
 * point, (Σ c·p + 2048) >> 12, or the background.
 */
function applyPlan(
  plan: RenderPlan,
  count: number,
  padded: Uint8Array,
  rowStride: number,
  channels: number,
  ink: Uint8Array,
  out: Uint8Array,
  at: number,
): void {
  const { sources, weights } = plan
  if (channels === 1) {
    const background = ink[0]!
    for (let k = 0; k < count; k++) {
      const p1 = sources[k]!
      if (p1 < 0) {
        out[at + k] = background
        continue
      }
      const p3 = p1 + rowStride
      const w = 4 * k
      out[at + k] =
        (weights[w]! * padded[p1]! +
          weights[w + 1]! * padded[p1 + 1]! +
          weights[w + 2]! * padded[p3]! +
          weights[w + 3]! * padded[p3 + 1]! +
          HALF) >>
        INTERPOLATE_SHIFT
    }
    return
  }
  for (let k = 0, q = at; k < count; k++, q += channels) {
    const source = sources[k]!
    if (source < 0) {
      for (let z = 0; z < channels; z++) out[q + z] = ink[z]!
      continue
    }
    const p1 = source * channels
    const p3 = p1 + rowStride
    const c1 = weights[4 * k]!
    const c2 = weights[4 * k + 1]!
    const c3 = weights[4 * k + 2]!
    const c4 = weights[4 * k + 3]!
    for (let z = 0; z < channels; z++)
      out[q + z] =
        (c1 * padded[p1 + z]! +
          c2 * padded[p1 + channels + z]! +
          c3 * padded[p3 + z]! +
          c4 * padded[p3 + channels + z]! +
          HALF) >>
        INTERPOLATE_SHIFT
  }
}

/** The `windowWidth`×`windowHeight` window at (windowLeft, windowTop) of the rotated canvas, in JavaScript. */
function renderJs(
  image: RawImage,
  angleDegrees: number,
  geometry: Rotation,
  rgb: readonly [number, number, number],
  windowLeft: number,
  windowTop: number,
  windowWidth: number,
  windowHeight: number,
): Uint8Array {
  const { width, height, channels } = image
  const ink = rotationInk(channels, rgb)
  const padded = embedded(image, ink)
  const rowStride = (width + 3) * channels
  const out = new Uint8Array(windowWidth * windowHeight * channels)
  const whole = cachedPlan(width, height, angleDegrees, geometry, windowLeft, windowTop, windowWidth, windowHeight)
  if (whole) {
    applyPlan(whole, windowWidth * windowHeight, padded, rowStride, channels, ink, out, 0)
    return out
  }
  // a large window: planned and interpolated a band of rows at a time
  const bandRows = Math.max(1, Math.floor(MAX_PLANNED_PIXELS / windowWidth))
  const band = { sources: new Int32Array(bandRows * windowWidth), weights: new Int32Array(4 * bandRows * windowWidth) }
  for (let rowStart = 0; rowStart < windowHeight; rowStart += bandRows) {
    const rowEnd = Math.min(windowHeight, rowStart + bandRows)
    planRows(width, height, geometry, windowLeft, windowTop, windowWidth, rowStart, rowEnd, band)
    applyPlan(
      band,
      (rowEnd - rowStart) * windowWidth,
      padded,
      rowStride,
      channels,
      ink,
      out,
      rowStart * windowWidth * channels,
    )
  }
  return out
}

/** src/robust/wasm/rotate.c: the border embedding and the interpolation from plans in its memory. */
const wasmKernel = lazyKernel<{
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
 * The window of the rotated canvas, by the WebAssembly kernel where it runs (renderWasm), else by
 * renderJs.
 */
function render(
  image: RawImage,
  angleDegrees: number,
  geometry: Rotation,
  rgb: readonly [number, number, number],
  windowLeft: number,
  windowTop: number,
  windowWidth: number,
  windowHeight: number,
): Uint8Array {
  const k = wasmKernel()
  if (!k) return renderJs(image, angleDegrees, geometry, rgb, windowLeft, windowTop, windowWidth, windowHeight)
  return renderWasm(k, image, angleDegrees, geometry, rgb, windowLeft, windowTop, windowWidth, windowHeight)
}

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
function renderWasm(
  k: RotateKernel,
  image: RawImage,
  angleDegrees: number,
  geometry: Rotation,
  rgb: readonly [number, number, number],
  windowLeft: number,
  windowTop: number,
  windowWidth: number,
  windowHeight: number,
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
