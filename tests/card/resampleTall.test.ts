import { describe, expect, it } from 'vitest'
import type { RawImage } from '../../src/base/image.js'
import { resample } from '../../src/card/resample.js'

/**
 * The resampler computes only the intermediate rows an output row reads, holding `taps` of them
 * (issue 22: a 1 × 16,000,000 image used to allocate source height × output row in float64). The
 * values must stay those of the point-wise definition (cv2 conventions), computed here directly.
 */
function image(width: number, height: number, channels: 1 | 3): RawImage {
  return {
    data: Uint8Array.from({ length: width * height * channels }, (_, i) => (i * 97 + (i >> 5) * 13) % 256),
    width,
    height,
    channels,
  }
}

/** Source taps and weights of destination index d along one axis (cv2 half-pixel rule, edges replicated). */
function axis(
  d: number,
  src: number,
  dst: number,
  kernel: 'nearest' | 'bilinear' | 'bicubic',
): Array<[number, number]> {
  const clamp = (i: number): number => Math.min(src - 1, Math.max(0, i))
  // x · (src/dst) in float64, as cv2 computes it (one rounding of the ratio first)
  if (kernel === 'nearest') return [[Math.min(Math.floor(d * (src / dst)), src - 1), 1]]
  const f = (d + 0.5) * (src / dst) - 0.5
  const s = Math.floor(f)
  const t = f - s
  if (kernel === 'bilinear') {
    if (s < 0) return [[0, 1]]
    if (s >= src - 1) return [[src - 1, 1]]
    return [
      [s, 1 - t],
      [s + 1, t],
    ]
  }
  const a = -0.75
  const w = (x: number): number => {
    const ax = Math.abs(x)
    if (ax <= 1) return (a + 2) * ax ** 3 - (a + 3) * ax ** 2 + 1
    if (ax < 2) return a * ax ** 3 - 5 * a * ax ** 2 + 8 * a * ax - 4 * a
    return 0
  }
  return [-1, 0, 1, 2].map((k): [number, number] => [clamp(s + k), w(t - k)])
}

function pointwise(img: RawImage, W: number, H: number, kernel: 'nearest' | 'bilinear' | 'bicubic'): number[] {
  const c = img.channels
  const out: number[] = []
  for (let y = 0; y < H; y++) {
    const ys = axis(y, img.height, H, kernel)
    for (let x = 0; x < W; x++) {
      const xs = axis(x, img.width, W, kernel)
      for (let k = 0; k < c; k++) {
        let sum = 0
        for (const [sy, wy] of ys) {
          let row = 0
          for (const [sx, wx] of xs) row += img.data[(sy * img.width + sx) * c + k]! * wx
          sum += row * wy
        }
        out.push(Math.min(255, Math.max(0, Math.round(sum))))
      }
    }
  }
  return out
}

describe('resample of extreme shapes', () => {
  const cases: Array<[RawImage, number, number]> = [
    [image(1, 200_000, 1), 48, 48],
    [image(3, 50_000, 3), 44, 44],
    [image(200_000, 1, 1), 48, 48],
    [image(9, 7, 3), 64, 64],
  ]
  for (const kernel of ['nearest', 'bilinear', 'bicubic'] as const) {
    for (const [img, W, H] of cases) {
      it(`${kernel}: ${img.width}×${img.height}×${img.channels} → ${W}×${H} equals the point-wise definition (±1 at a rounding edge for bicubic)`, () => {
        const got = Array.from(resample(img, W, H, kernel).data)
        const want = pointwise(img, W, H, kernel)
        expect(got.length).toBe(want.length)
        const worst = got.reduce((m, v, i) => Math.max(m, Math.abs(v - want[i]!)), 0)
        expect(worst).toBeLessThanOrEqual(kernel === 'bicubic' ? 1 : 0)
      })
    }
  }
})
