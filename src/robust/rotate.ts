import type { RawImage } from '../base/image.js'
import {
  INTERPOLATE_SCALE,
  INTERPOLATE_SHIFT,
  MAX_PLANNED_PIXELS,
  MAX_PLANS,
  planRows,
  type RenderArgs,
  type RenderPlan,
  type Rotation,
  rotation,
  rotationInk,
} from './rotatePlans.js'
import { renderWasm, wasmKernel } from './wasm/rotateKernel.js'

export { rotationInk }

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

const HALF = INTERPOLATE_SCALE >> 1

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

const plans = new Map<string, RenderPlan>()

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
  ...[image, angleDegrees, geometry, rgb, windowLeft, windowTop, windowWidth, windowHeight]: RenderArgs
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

/**
 * The window of the rotated canvas, by the WebAssembly kernel where it runs (renderWasm), else by
 * renderJs.
 */
function render(...args: RenderArgs): Uint8Array {
  const k = wasmKernel()
  return k ? renderWasm(k, ...args) : renderJs(...args)
}
