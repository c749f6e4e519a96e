import type { RawImage } from '../base/image.js'

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
 * tests/robust/rotate.test.ts compares it with sharp on many images, sizes and angles.
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
  const { width, height, channels } = image
  const geometry = rotation(width, height, angleDegrees)
  if (geometry.areaWidth < width || geometry.areaHeight < height) return undefined
  const left = Math.floor((geometry.areaWidth - width) / 2)
  const top = Math.floor((geometry.areaHeight - height) / 2)
  return { data: render(image, geometry, rgb, left, top, width, height), width, height, channels }
}

/** The whole canvas libvips' rotate returns for `image` (its size follows from the size and angle). */
export function rotateCanvas(image: RawImage, angleDegrees: number, rgb: readonly [number, number, number]): RawImage {
  const geometry = rotation(image.width, image.height, angleDegrees)
  const { areaWidth, areaHeight } = geometry
  const data = render(image, geometry, rgb, 0, 0, areaWidth, areaHeight)
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

/** The `windowWidth`×`windowHeight` window at (windowLeft, windowTop) of the rotated canvas. */
function render(
  image: RawImage,
  geometry: Rotation,
  rgb: readonly [number, number, number],
  windowLeft: number,
  windowTop: number,
  windowWidth: number,
  windowHeight: number,
): Uint8Array {
  const { width, height, channels, data } = image
  const { ia, ib, ic, id, areaLeft, areaTop } = geometry

  // the input embedded in the background: 1 pixel left/top, 2 right/bottom
  const ink = rotationInk(channels, rgb)
  const paddedWidth = width + 3
  const paddedHeight = height + 3
  const padded = new Uint8Array(paddedWidth * paddedHeight * channels)
  if (channels === 1) padded.fill(ink[0]!)
  else for (let i = 0; i < padded.length; i += channels) padded.set(ink, i)
  for (let y = 0; y < height; y++)
    padded.set(data.subarray(y * width * channels, (y + 1) * width * channels), ((y + 1) * paddedWidth + 1) * channels)

  const out = new Uint8Array(windowWidth * windowHeight * channels)
  const rowStride = paddedWidth * channels
  const inputOffsetX = -1 // libvips' idx after the 1-pixel border: subtracted below
  const inputOffsetY = -1
  const windowRight = windowLeft + windowWidth
  for (let row = 0; row < windowHeight; row++) {
    const oy = row + windowTop + areaTop
    let q = row * windowWidth * channels
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
          const c3 = fracY - c4
          const c1 = fracYd - c2
          const p1 = fy * rowStride + fx * channels
          const p3 = p1 + rowStride
          if (channels === 1)
            out[q] =
              (c1 * padded[p1]! + c2 * padded[p1 + 1]! + c3 * padded[p3]! + c4 * padded[p3 + 1]! + HALF) >>
              INTERPOLATE_SHIFT
          else
            for (let z = 0; z < channels; z++)
              out[q + z] =
                (c1 * padded[p1 + z]! +
                  c2 * padded[p1 + channels + z]! +
                  c3 * padded[p3 + z]! +
                  c4 * padded[p3 + channels + z]! +
                  HALF) >>
                INTERPOLATE_SHIFT
        } else if (channels === 1) out[q] = ink[0]!
        else for (let z = 0; z < channels; z++) out[q + z] = ink[z]!
        q += channels
        ix += ia
        iy += ic
      }
    }
  }
  return out
}
