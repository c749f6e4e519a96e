import { describe, expect, it } from 'vitest'
import sharp from 'sharp'
import type { RawImage } from '../../src/base/image.js'
import { CORRUPTION_PARAMETERS, corrupt, corruptionRandom, occlusionBox } from '../../src/robust/corruptions.js'
import { CORRUPTIONS, type Corruption } from '../../src/results/robustDocument.js'

/** A 48×48 gray face-like test image: a smooth gradient with a fine checkerboard (high frequencies) on top. */
function testImage(channels: 1 | 3 = 1): RawImage {
  const side = 48
  const data = new Uint8Array(side * side * channels)
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const v = 60 + x * 2 + y + ((x + y) % 2 === 0 ? 40 : 0)
      for (let c = 0; c < channels; c++) data[(y * side + x) * channels + c] = Math.min(255, v + c * 5)
    }
  }
  return { data, width: side, height: side, channels }
}

/** Sum of squared differences between horizontal and vertical neighbours: high-frequency energy. */
function highFrequencyEnergy(img: RawImage): number {
  let e = 0
  const { width: w, height: h, channels: ch, data } = img
  for (let y = 0; y < h - 1; y++) {
    for (let x = 0; x < w - 1; x++) {
      const i = (y * w + x) * ch
      e += (data[i]! - data[i + ch]!) ** 2 + (data[i]! - data[i + w * ch]!) ** 2
    }
  }
  return e
}

const run = (img: RawImage, c: Corruption, s: number, id = 'row-1', seed = 15): Promise<RawImage> =>
  corrupt(img, c, s, corruptionRandom(seed, c, id))

describe('corruptions', () => {
  it.each(CORRUPTIONS)('%s: severity 0 is the identity; severities 1–5 keep size and channels', async (c) => {
    for (const channels of [1, 3] as const) {
      const img = testImage(channels)
      const same = await run(img, c, 0)
      expect(Buffer.from(same.data).equals(Buffer.from(img.data))).toBe(true)
      for (const s of [1, 3, 5]) {
        const out = await run(img, c, s)
        expect([out.width, out.height, out.channels, out.data.length]).toEqual([
          img.width,
          img.height,
          channels,
          img.data.length,
        ])
      }
    }
  })

  it.each(CORRUPTIONS)(
    '%s: the same (seed, sample) gives the same bytes; corrupted images differ from the clean one at severity 5',
    async (c) => {
      const img = testImage()
      const a = await run(img, c, 5, 'row-7')
      const b = await run(img, c, 5, 'row-7')
      expect(Buffer.from(a.data).equals(Buffer.from(b.data))).toBe(true)
      expect(Buffer.from(a.data).equals(Buffer.from(img.data))).toBe(false)
    },
  )

  it('gaussian noise depends on the sample id and the seed', async () => {
    const img = testImage()
    const a = await run(img, 'gaussian-noise', 3, 'row-1')
    expect(Buffer.from(a.data).equals(Buffer.from((await run(img, 'gaussian-noise', 3, 'row-2')).data))).toBe(false)
    expect(Buffer.from(a.data).equals(Buffer.from((await run(img, 'gaussian-noise', 3, 'row-1')).data))).toBe(true)
    expect(Buffer.from(a.data).equals(Buffer.from((await run(img, 'gaussian-noise', 3, 'row-1', 16)).data))).toBe(false)
  })

  /** A seeded random texture (white noise around a gradient). */
  const texture = (): RawImage => {
    const random = corruptionRandom(2, 'gaussian-noise', 'texture')
    return {
      data: new Uint8Array(48 * 48).map((_, i) => Math.round(40 + (i % 48) * 2 + 80 * random())),
      width: 48,
      height: 48,
      channels: 1,
    }
  }

  it('motion blur lowers the high-frequency energy at every severity, and severity 5 below severity 1', async () => {
    // not strictly monotone step by step: a line kernel at a slant, rounded to the pixel grid, can
    // leave more neighbour differences at length 9 than at 7 (measured: 576,285 → 682,899 for one sample)
    const img = texture()
    for (const id of ['row-1', 'row-2', 'row-3']) {
      const energies: number[] = []
      for (let s = 1; s <= 5; s++) energies.push(highFrequencyEnergy(await run(img, 'motion-blur', s, id)))
      for (const e of energies) expect(e).toBeLessThan(highFrequencyEnergy(img) / 1.5)
      expect(energies[4]!).toBeLessThan(energies[0]!)
    }
  })

  it('gaussian blur lowers the high-frequency energy monotonically with severity', async () => {
    const c = 'gaussian-blur'
    const img = texture()
    for (const id of ['row-1', 'row-2', 'row-3']) {
      const energies = [highFrequencyEnergy(img)]
      for (let s = 1; s <= 5; s++) energies.push(highFrequencyEnergy(await run(img, c, s, id)))
      for (let s = 1; s <= 5; s++) expect(energies[s]!).toBeLessThan(energies[s - 1]!)
    }
  })

  it('low resolution removes high-frequency energy at every severity', async () => {
    const img = testImage()
    for (let s = 1; s <= 5; s++)
      expect(highFrequencyEnergy(await run(img, 'low-resolution', s))).toBeLessThan(highFrequencyEnergy(img) / 2)
  })

  it('JPEG: the documented quality per severity (25, 18, 15, 10, 7) gives fewer bytes at each higher severity', async () => {
    // a textured 96×96 image, so the quantisation of every quality level matters
    const random = corruptionRandom(1, 'jpeg', 'texture')
    const texture = new Uint8Array(96 * 96).map((_, i) => Math.round(128 + 60 * Math.sin(i / 7) + 50 * random()))
    const bytes: number[] = []
    for (const q of CORRUPTION_PARAMETERS.jpeg.values) {
      bytes.push(
        (
          await sharp(Buffer.from(texture), { raw: { width: 96, height: 96, channels: 1 } })
            .jpeg({ quality: q })
            .toBuffer()
        ).length,
      )
    }
    expect(CORRUPTION_PARAMETERS.jpeg.values).toEqual([25, 18, 15, 10, 7])
    for (let i = 1; i < bytes.length; i++) expect(bytes[i]!).toBeLessThan(bytes[i - 1]!)
    const img = testImage()
    // and the decoded images move further from the original as severity grows (severity 1 vs 5)
    const err = async (s: number): Promise<number> => {
      const out = await run(img, 'jpeg', s)
      return out.data.reduce((sum, v, i) => sum + (v - img.data[i]!) ** 2, 0)
    }
    expect(await err(5)).toBeGreaterThan(await err(1))
  })

  it.each(['occlusion-eyes', 'occlusion-mouth'] as const)(
    '%s: black exactly inside the documented box, untouched outside',
    async (c) => {
      const img = testImage()
      for (let s = 1; s <= 5; s++) {
        const out = await run(img, c, s)
        const [x0, y0, x1, y1] = occlusionBox(c, s, 48, 48)
        for (let y = 0; y < 48; y++) {
          for (let x = 0; x < 48; x++) {
            const inside = x >= x0 && x < x1 && y >= y0 && y < y1
            expect(out.data[y * 48 + x]).toBe(inside ? 0 : img.data[y * 48 + x])
          }
        }
      }
    },
  )

  it('occlusion boxes: eye band centred on row 0.42·h across 0.1–0.9 of the width; mouth centred on row 0.75·h', () => {
    // severity 5, 100×100 (RAF-DB aligned): eyes 26 rows centred on 42 → rows 29..54, columns 10..89
    expect(occlusionBox('occlusion-eyes', 5, 100, 100)).toEqual([10, 29, 90, 55])
    // mouth at severity 1: height 10 centred on 75 → rows 70..79, width 0.3·100 = 30 centred → 35..64
    expect(occlusionBox('occlusion-mouth', 1, 100, 100)).toEqual([35, 70, 65, 80])
  })

  it('brightness adds 0.1·255 per severity step (clipped); contrast pulls pixels toward the mean', async () => {
    const img = testImage()
    const b2 = await run(img, 'brightness', 2)
    for (let i = 0; i < img.data.length; i++) expect(b2.data[i]).toBe(Math.min(255, img.data[i]! + 51))
    const c5 = await run(img, 'contrast', 5)
    const spread = (d: Uint8Array): number => Math.max(...d) - Math.min(...d)
    expect(spread(c5.data)).toBeLessThan(spread(img.data) * 0.1)
  })
})
