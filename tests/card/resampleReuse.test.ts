import { describe, expect, it } from 'vitest'
import type { RawImage } from '../../src/base/image.js'
import { resample } from '../../src/card/resample.js'

/**
 * resample keeps a tap-table cache and one reused intermediate buffer (speed, issue 4). A result must
 * not depend on what was resampled before: each output here is compared with the bilinear value
 * computed point by point (cv2 half-pixel rule, separable float sum) in the test.
 */
function image(width: number, height: number, channels: 1 | 3, seed: number): RawImage {
  return {
    data: Uint8Array.from({ length: width * height * channels }, (_, i) => (i * 131 + seed * 17) % 256),
    width,
    height,
    channels,
  }
}

function bilinearAxis(d: number, src: number, dst: number): [number, number, number] {
  const f = (d + 0.5) * (src / dst) - 0.5
  let s = Math.floor(f)
  let t = f - s
  if (s < 0) [s, t] = [0, 0]
  if (s >= src - 1) [s, t] = [src - 1, 0]
  return [s, Math.min(s + 1, src - 1), t]
}

function expected(img: RawImage, W: number, H: number): number[] {
  const c = img.channels
  const at = (x: number, y: number, k: number): number => img.data[(y * img.width + x) * c + k]!
  const out: number[] = []
  for (let y = 0; y < H; y++) {
    const [y0, y1, ty] = bilinearAxis(y, img.height, H)
    for (let x = 0; x < W; x++) {
      const [x0, x1, tx] = bilinearAxis(x, img.width, W)
      for (let k = 0; k < c; k++) {
        const top = at(x0, y0, k) * (1 - tx) + at(x1, y0, k) * tx
        const bottom = at(x0, y1, k) * (1 - tx) + at(x1, y1, k) * tx
        out.push(Math.min(255, Math.max(0, Math.round(top * (1 - ty) + bottom * ty))))
      }
    }
  }
  return out
}

describe('resample: cache and buffer reuse', () => {
  it('alternating sizes and channel counts give the point-wise bilinear values every time', () => {
    const cases: Array<[RawImage, number, number]> = [
      [image(48, 48, 1, 1), 64, 64],
      [image(9, 5, 3, 2), 4, 11],
      [image(48, 48, 1, 3), 44, 44],
      [image(64, 64, 1, 4), 48, 48],
      [image(48, 48, 1, 5), 64, 64],
      [image(2, 2, 3, 6), 7, 7],
    ]
    for (let round = 0; round < 2; round++) {
      for (const [img, W, H] of cases) {
        expect(
          Array.from(resample(img, W, H, 'bilinear').data),
          `${img.width}×${img.height}×${img.channels} → ${W}×${H}`,
        ).toEqual(expected(img, W, H))
      }
    }
  })
})
