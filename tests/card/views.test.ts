import { describe, expect, it } from 'vitest'
import type { RawImage } from '../../src/base/image.js'
import type { CardFile, ModelCard } from '../../src/card/schema.js'
import { resolveCard } from '../../src/card/resolve.js'
import { prepareViews, viewCount, writeTensor } from '../../src/card/tensor.js'
import { withTta } from '../../src/card/tta.js'

function card(over: Partial<ModelCard> & { input: ModelCard['input'] }): ModelCard {
  return {
    scale: 'raw255',
    resize: 'bilinear',
    tta: 'none',
    ttaAverage: 'logits',
    labels: ['neutral', 'happiness'],
    output: 'logits',
    origin: { source: 'test', inferred: [] },
    ...over,
  }
}

/** All views of one sample as one float tensor, the way the pipeline feeds them. */
async function tensorOf(image: RawImage, c: ModelCard): Promise<Float32Array> {
  const views = await prepareViews(image, c)
  const row = c.input.height * c.input.width * c.input.channels
  const out = new Float32Array(views.length * row)
  views.forEach((v, i) => writeTensor(v, c, out, i * row))
  return out
}

/** Independent: the window [left, left+s) × [top, top+s) of a gray image given as value(x, y), optionally mirrored. */
function windowValues(
  value: (x: number, y: number) => number,
  left: number,
  top: number,
  s: number,
  mirrored: boolean,
): number[] {
  const out: number[] = []
  for (let y = 0; y < s; y++) for (let x = 0; x < s; x++) out.push(value(left + (mirrored ? s - 1 - x : x), top + y))
  return out
}

describe('writeTensor: scale modes and layouts', () => {
  const rgb: RawImage = {
    data: Uint8Array.from([0, 51, 102, 153, 204, 255, 255, 0, 128, 10, 20, 30]),
    width: 2,
    height: 2,
    channels: 3,
  }
  const px = (p: number, c: number): number => rgb.data[p * 3 + c]!
  const mean = [0.5, 0.4, 0.3]
  const std = [0.2, 0.25, 0.5]
  const scales: Record<string, (x: number, c: number) => number> = {
    raw255: (x) => x,
    unit: (x) => x / 255,
    symmetric: (x) => (x / 255 - 0.5) * 2,
    meanstd: (x, c) => (x / 255 - mean[c]!) / std[c]!,
  }
  for (const [scale, f] of Object.entries(scales)) {
    for (const layout of ['NCHW', 'NHWC'] as const) {
      it(`${scale} ${layout}`, () => {
        const c = card({
          input: { height: 2, width: 2, channels: 3, layout, name: 'x' },
          scale: scale as ModelCard['scale'],
          mean,
          std,
        })
        const out = new Float32Array(12 + 1)
        writeTensor(rgb, c, out, 1)
        const expected: number[] = []
        if (layout === 'NCHW')
          for (let ch = 0; ch < 3; ch++) for (let p = 0; p < 4; p++) expected.push(f(px(p, ch), ch))
        else for (let p = 0; p < 4; p++) for (let ch = 0; ch < 3; ch++) expected.push(f(px(p, ch), ch))
        expect(out[0]).toBe(0)
        Array.from(out.subarray(1)).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5))
      })
    }
  }
})

describe('ten-crop, flip and crop semantics', () => {
  const value = (x: number, y: number): number => 10 + y * 6 + x
  const six: RawImage = {
    data: Uint8Array.from({ length: 36 }, (_, i) => value(i % 6, Math.floor(i / 6))),
    width: 6,
    height: 6,
    channels: 1,
  }

  it('tencrop of a 6×6 image, crop 4, gray → 3 channels NCHW: the exact 10 windows in TenCrop order', async () => {
    const c = card({
      input: { height: 4, width: 4, channels: 3, layout: 'NCHW', name: 'x' },
      scale: 'unit',
      crop: { size: 4 },
      tta: 'tencrop',
    })
    expect(viewCount(c)).toBe(10)
    const got = await tensorOf(six, c)
    const corners: Array<[number, number]> = [
      [0, 0],
      [2, 0],
      [0, 2],
      [2, 2],
      [1, 1],
    ]
    const expected: number[] = []
    for (const mirrored of [false, true]) {
      for (const [left, top] of corners) {
        const plane = windowValues(value, left, top, 4, mirrored).map((v) => v / 255)
        expected.push(...plane, ...plane, ...plane)
      }
    }
    expect(got.length).toBe(10 * 3 * 16)
    Array.from(got).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6))
  })

  it('crop.from resizes first: 3×3 → 6×6 (nearest) then ten 4×4 windows, NHWC raw', async () => {
    const three: RawImage = { data: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), width: 3, height: 3, channels: 1 }
    const c = card({
      input: { height: 4, width: 4, channels: 1, layout: 'NHWC', name: 'x' },
      resize: 'nearest',
      crop: { size: 4, from: 6 },
      tta: 'tencrop',
    })
    const up = (x: number, y: number): number => three.data[Math.floor(y / 2) * 3 + Math.floor(x / 2)]!
    const expected: number[] = []
    for (const mirrored of [false, true])
      for (const [l, t] of [
        [0, 0],
        [2, 0],
        [0, 2],
        [2, 2],
        [1, 1],
      ])
        expected.push(...windowValues(up, l!, t!, 4, mirrored))
    expect(Array.from(await tensorOf(three, c))).toEqual(expected)
  })

  it('center crop with an odd margin rounds like torchvision (round half to even)', async () => {
    const seven: RawImage = { data: Uint8Array.from({ length: 49 }, (_, i) => i), width: 7, height: 7, channels: 1 }
    const c = card({ input: { height: 4, width: 4, channels: 1, layout: 'NCHW', name: 'x' }, crop: { size: 4 } })
    // margin 3 → round(1.5) = 2
    expect(Array.from(await tensorOf(seven, c))).toEqual(windowValues((x, y) => y * 7 + x, 2, 2, 4, false))
    const five: RawImage = { data: Uint8Array.from({ length: 25 }, (_, i) => i), width: 5, height: 5, channels: 1 }
    // margin 1 → round(0.5) = 0
    expect(Array.from(await tensorOf(five, c))).toEqual(windowValues((x, y) => y * 5 + x, 0, 0, 4, false))
  })

  it('flip without a crop: the image, then its mirror', async () => {
    const c = card({ input: { height: 6, width: 6, channels: 1, layout: 'NCHW', name: 'x' }, tta: 'flip' })
    expect(Array.from(await tensorOf(six, c))).toEqual([
      ...windowValues(value, 0, 0, 6, false),
      ...windowValues(value, 0, 0, 6, true),
    ])
  })

  it('flip with a crop: the center window and its mirror', async () => {
    const c = card({
      input: { height: 4, width: 4, channels: 1, layout: 'NCHW', name: 'x' },
      crop: { size: 4 },
      tta: 'flip',
    })
    expect(Array.from(await tensorOf(six, c))).toEqual([
      ...windowValues(value, 1, 1, 4, false),
      ...windowValues(value, 1, 1, 4, true),
    ])
  })

  it('an image smaller than the crop is a data error naming both sizes', async () => {
    const c = card({ input: { height: 8, width: 8, channels: 1, layout: 'NCHW', name: 'x' }, crop: { size: 8 } })
    await expect(prepareViews(six, c)).rejects.toThrow(/6×6 is smaller than the card's 8×8 crop/)
  })
})

describe('card checks for crop and --tta', () => {
  const base: CardFile = {
    input: {},
    scale: 'unit',
    resize: 'bilinear',
    tta: 'none',
    labels: ['neutral', 'happiness'],
    output: 'logits',
  }
  const input = { name: 'x', shape: ['N', 3, 44, 44] }

  it('crop.size must equal the input side', () => {
    expect(() => resolveCard({ ...base, crop: { size: 40, from: 48 } }, input, 'c.json')).toThrow(
      /crop.size 40 must equal the input size 44×44/,
    )
    expect(resolveCard({ ...base, crop: { size: 44, from: 48 } }, input, 'c.json').crop).toEqual({ size: 44, from: 48 })
  })

  it('crop.from smaller than crop.size is refused', () => {
    expect(() => resolveCard({ ...base, crop: { size: 44, from: 40 } }, input, 'c.json')).toThrow(
      /crop.from 40 is smaller/,
    )
  })

  it('tencrop without a crop is refused in the card and on the command line', () => {
    expect(() => resolveCard({ ...base, tta: 'tencrop' }, input, 'c.json')).toThrow(/tencrop' needs "crop"/)
    const resolved = resolveCard(base, input, 'c.json')
    expect(() => withTta(resolved, 'tencrop')).toThrow(/--tta tencrop/)
    expect(withTta(resolved, 'flip').tta).toBe('flip')
    expect(withTta(resolved, undefined)).toBe(resolved)
  })
})
