import { describe, expect, it } from 'vitest'
import type { RawImage } from '../../src/base/image.js'
import { resize, toGray, toRgb } from '../../src/card/pixels.js'

/**
 * Expected values are computed here, point by point, from cv2.resize's definitions (half-pixel
 * centres, replicated edges) — not with ferbench's separable resampler.
 */
const gray = (width: number, height: number, values: number[]): RawImage => ({
  data: Uint8Array.from(values),
  width,
  height,
  channels: 1,
})

function srcCoord(x: number, src: number, dst: number): number {
  return (x + 0.5) * (src / dst) - 0.5
}

function cv2Bilinear(img: RawImage, W: number, H: number): number[] {
  const at = (x: number, y: number, c: number): number => img.data[(y * img.width + x) * img.channels + c]!
  const out: number[] = []
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++)
      for (let c = 0; c < img.channels; c++) {
        const axis = (d: number, src: number, dst: number): [number, number, number] => {
          const f = srcCoord(d, src, dst)
          let s = Math.floor(f)
          let t = f - s
          if (s < 0) [s, t] = [0, 0]
          if (s >= src - 1) [s, t] = [src - 1, 0]
          return [s, Math.min(s + 1, src - 1), t]
        }
        const [x0, x1, tx] = axis(x, img.width, W)
        const [y0, y1, ty] = axis(y, img.height, H)
        const v =
          (1 - ty) * ((1 - tx) * at(x0, y0, c) + tx * at(x1, y0, c)) +
          ty * ((1 - tx) * at(x0, y1, c) + tx * at(x1, y1, c))
        out.push(Math.min(255, Math.max(0, Math.round(v))))
      }
  return out
}

function keys(t: number): number {
  const a = -0.75
  const x = Math.abs(t)
  if (x <= 1) return (a + 2) * x ** 3 - (a + 3) * x ** 2 + 1
  if (x < 2) return a * x ** 3 - 5 * a * x ** 2 + 8 * a * x - 4 * a
  return 0
}

function cv2Bicubic(img: RawImage, W: number, H: number): number[] {
  const clamp = (i: number, n: number): number => Math.min(n - 1, Math.max(0, i))
  const out: number[] = []
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const fx = srcCoord(x, img.width, W)
      const fy = srcCoord(y, img.height, H)
      const sx = Math.floor(fx)
      const sy = Math.floor(fy)
      let v = 0
      for (let j = -1; j <= 2; j++)
        for (let i = -1; i <= 2; i++) {
          v +=
            keys(fx - (sx + i)) *
            keys(fy - (sy + j)) *
            img.data[clamp(sy + j, img.height) * img.width + clamp(sx + i, img.width)]!
        }
      out.push(Math.min(255, Math.max(0, Math.round(v))))
    }
  return out
}

describe('resize kernels (cv2.resize conventions)', () => {
  it('bilinear enlarges a row exactly as cv2.INTER_LINEAR', async () => {
    const out = await resize(gray(4, 1, [0, 100, 200, 40]), 8, 1, 'bilinear')
    // cv2.resize(np.uint8([[0, 100, 200, 40]]), (8, 1)) by the half-pixel rule:
    expect(Array.from(out.data)).toEqual([0, 25, 75, 125, 175, 160, 80, 40])
  })

  it('bilinear matches the point-wise definition in 2-D, up and down, gray and RGB', async () => {
    const src = gray(5, 3, [10, 200, 30, 90, 255, 0, 60, 120, 180, 240, 33, 77, 111, 155, 199])
    for (const [W, H] of [
      [8, 7],
      [3, 2],
      [7, 3],
    ] as const) {
      expect(Array.from((await resize(src, W, H, 'bilinear')).data), `${W}×${H}`).toEqual(cv2Bilinear(src, W, H))
    }
    const rgb: RawImage = {
      data: Uint8Array.from({ length: 4 * 3 * 3 }, (_, i) => (i * 37) % 256),
      width: 4,
      height: 3,
      channels: 3,
    }
    const out = await resize(rgb, 6, 5, 'bilinear')
    expect(out.channels).toBe(3)
    expect(Array.from(out.data)).toEqual(cv2Bilinear(rgb, 6, 5))
  })

  it('bilinear halving averages neighbour pairs (no antialias filter, like cv2)', async () => {
    const out = await resize(gray(8, 1, [0, 10, 20, 30, 40, 50, 60, 70]), 4, 1, 'bilinear')
    expect(Array.from(out.data)).toEqual([5, 25, 45, 65])
  })

  it('bicubic matches the Keys a=-0.75 definition (cv2.INTER_CUBIC), clamped to 0-255', async () => {
    const src = gray(4, 4, [0, 255, 0, 255, 10, 20, 30, 40, 200, 100, 50, 25, 255, 255, 0, 0])
    for (const [W, H] of [
      [7, 5],
      [6, 6],
      [3, 2],
    ] as const) {
      expect(Array.from((await resize(src, W, H, 'bicubic')).data), `${W}×${H}`).toEqual(cv2Bicubic(src, W, H))
    }
  })

  it('nearest takes source index floor(x·src/dst) (cv2.INTER_NEAREST)', async () => {
    expect(Array.from((await resize(gray(2, 2, [1, 2, 3, 4]), 4, 4, 'nearest')).data)).toEqual([
      1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4,
    ])
    expect(Array.from((await resize(gray(8, 1, [0, 10, 20, 30, 40, 50, 60, 70]), 3, 1, 'nearest')).data)).toEqual([
      0, 20, 50,
    ])
  })

  it('lanczos3 (sharp) keeps the channel count and a flat image flat', async () => {
    const flatGray = await resize(gray(6, 6, new Array(36).fill(123)), 9, 4, 'lanczos3')
    expect([flatGray.width, flatGray.height, flatGray.channels, flatGray.data.length]).toEqual([9, 4, 1, 36])
    expect(new Set(flatGray.data)).toEqual(new Set([123]))
    const flatRgb = await resize(
      { data: Uint8Array.from({ length: 48 }, (_, i) => [10, 20, 30][i % 3]!), width: 4, height: 4, channels: 3 },
      8,
      8,
      'lanczos3',
    )
    expect(flatRgb.channels).toBe(3)
    expect(Array.from(flatRgb.data.subarray(0, 6))).toEqual([10, 20, 30, 10, 20, 30])
  })

  it('returns the image unchanged when the size already matches', async () => {
    const img = gray(2, 1, [5, 6])
    expect(await resize(img, 2, 1, 'bicubic')).toBe(img)
  })
})

describe('channel conversion', () => {
  it('RGB → gray is BT.601 luma, rounded', () => {
    const rgb: RawImage = {
      data: Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 200, 90]),
      width: 4,
      height: 1,
      channels: 3,
    }
    const expected = [
      [255, 0, 0],
      [0, 255, 0],
      [0, 0, 255],
      [10, 200, 90],
    ].map(([r, g, b]) => Math.round(0.299 * r! + 0.587 * g! + 0.114 * b!))
    expect(Array.from(toGray(rgb).data)).toEqual(expected)
    expect(expected).toEqual([76, 150, 29, 131])
  })

  it('gray → 3 channels replicates the value', () => {
    expect(Array.from(toRgb(gray(2, 1, [7, 250])).data)).toEqual([7, 7, 7, 250, 250, 250])
  })
})
