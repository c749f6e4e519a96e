/**
 * The geometry and interpolation plans of the rotation corruption (src/robust/rotate.ts): libvips'
 * inverse matrix and output area, the background ink and the per-pixel taps and weights, as both
 * the JavaScript kernel and the WebAssembly glue (src/robust/wasm/rotateKernel.ts) use them.
 */
import type { RawImage } from '../base/image.js'

/** libvips' small-tile width: the region width its memory sink asks the affine for. */
const TILE_WIDTH = 128
export const INTERPOLATE_SHIFT = 12
export const INTERPOLATE_SCALE = 1 << INTERPOLATE_SHIFT

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

/** libvips' inverse matrix and output area for a rotation of a `width`×`height` image. */
export interface Rotation {
  ia: number
  ib: number
  ic: number
  id: number
  areaLeft: number
  areaTop: number
  areaWidth: number
  areaHeight: number
}

/**
 * What a renderer of a window of the rotated canvas takes (rotate.ts render and renderJs,
 * wasm/rotateKernel.ts renderWasm): the image, the angle, its geometry, the background, and the
 * `windowWidth`×`windowHeight` window at (windowLeft, windowTop) of the canvas.
 */
export type RenderArgs = [
  image: RawImage,
  angleDegrees: number,
  geometry: Rotation,
  rgb: readonly [number, number, number],
  windowLeft: number,
  windowTop: number,
  windowWidth: number,
  windowHeight: number,
]

export function rotation(width: number, height: number, angleDegrees: number): Rotation {
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
export interface RenderPlan {
  sources: Int32Array
  weights: Int32Array
}

/** Output pixels a cached plan may cover (20 bytes each): larger windows are planned in bands of rows. */
export const MAX_PLANNED_PIXELS = 128 * 128
export const MAX_PLANS = 64

/**
 * Fills `plan` for the window's rows `rowStart`…`rowEnd` − 1 (plan index 0 = the first pixel of
 * `rowStart`): the back-mapped positions as libvips accumulates them, per row and 128-pixel tile.
 */
export function planRows(
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
