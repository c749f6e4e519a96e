import type { RawImage } from '../base/image.js'

/**
 * The stored pixels turned upright as the EXIF orientation tag says (TIFF/EXIF 2.32, tag 0x0112):
 *   2 mirrored left–right · 3 rotated 180° · 4 mirrored top–bottom · 5 transposed (mirror + 90° anticlockwise)
 *   6 rotated 90° clockwise · 7 transversed (mirror + 90° clockwise) · 8 rotated 90° anticlockwise
 * A lossless permutation of the pixels (5–8 swap width and height); 1 and unknown values return
 * the image itself. out(x, y) = src(sx, sy) with (sx, sy) from the table in `sourceOf`.
 */
export function applyOrientation(image: RawImage, orientation: number): RawImage {
  if (!Number.isInteger(orientation) || orientation < 2 || orientation > 8) return image
  const { width: W, height: H, channels: c, data } = image
  const swap = orientation >= 5
  const outW = swap ? H : W
  const outH = swap ? W : H
  const out = new Uint8Array(data.length)
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      let sx: number
      let sy: number
      switch (orientation) {
        case 2:
          sx = W - 1 - x
          sy = y
          break
        case 3:
          sx = W - 1 - x
          sy = H - 1 - y
          break
        case 4:
          sx = x
          sy = H - 1 - y
          break
        case 5:
          sx = y
          sy = x
          break
        case 6:
          sx = y
          sy = H - 1 - x
          break
        case 7:
          sx = W - 1 - y
          sy = H - 1 - x
          break
        default:
          sx = W - 1 - y
          sy = x
      }
      const from = (sy * W + sx) * c
      const to = (y * outW + x) * c
      for (let k = 0; k < c; k++) out[to + k] = data[from + k]!
    }
  }
  return { data: out, width: outW, height: outH, channels: c }
}
