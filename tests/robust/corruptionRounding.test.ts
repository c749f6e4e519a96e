import { describe, expect, it } from 'vitest'
import type { RawImage } from '../../src/base/image.js'
import { corrupt, occlusionBox } from '../../src/robust/corruptions.js'

/** A 64×64 gray image of seeded pseudo-random values (a linear congruential generator), every level 0–255 likely present. */
function noiseImage(): RawImage {
  const side = 64
  const data = new Uint8Array(side * side)
  let s = 7
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0
    data[i] = (s >>> 16) & 255
  }
  return { data, width: side, height: side, channels: 1 }
}

const img = noiseImage()
const mean = img.data.reduce((a, b) => a + b, 0) / img.data.length
/** A "random" source at 0.5: motion blur's angle is (0.5 − 0.5)·90° = 0, a horizontal line. */
const half = (): number => 0.5

describe('the rounding of each corruption, as docs/beyond-accuracy.md states it', () => {
  it('brightness truncates: x + 0.1·255 = x + 25.5 becomes x + 25, clipped at 255', async () => {
    const out = await corrupt(img, 'brightness', 1, half)
    for (let i = 0; i < img.data.length; i++) expect(out.data[i]).toBe(Math.min(255, Math.floor(img.data[i]! + 25.5)))
    expect([...img.data].some((v) => v + 25.5 < 255)).toBe(true)
  })

  it('contrast truncates: (x − mean)·factor + mean, rounded down', async () => {
    for (const [severity, factor] of [
      [1, 0.4],
      [5, 0.05],
    ] as const) {
      const out = await corrupt(img, 'contrast', severity, half)
      let differsFromRounding = 0
      for (let i = 0; i < img.data.length; i++) {
        const exact = (img.data[i]! - mean) * factor + mean
        expect(out.data[i]).toBe(Math.floor(exact))
        if (Math.floor(exact) !== Math.round(exact)) differsFromRounding++
      }
      expect(differsFromRounding).toBeGreaterThan(100) // the test can tell truncation from rounding
    }
  })

  it('motion blur truncates: the mean along the line kernel, rounded down', async () => {
    // severity 1 on a 64-px side: length max(2, round(4 · 64 / 100)) = 3, horizontal at angle 0
    const out = await corrupt(img, 'motion-blur', 1, half)
    for (let y = 0; y < 64; y++)
      for (let x = 1; x < 63; x++) {
        const i = y * 64 + x
        expect(out.data[i]).toBe(Math.floor((img.data[i - 1]! + img.data[i]! + img.data[i + 1]!) / 3))
      }
  })

  it('occlusion rounds the box edges to whole pixels and writes exact zeros', async () => {
    // severity 2 on 64×64: eye band height 0.14·64 = 8.96 centred on 0.42·64 = 26.88 → y0 = round(22.4) = 22, rows 22..30
    expect(occlusionBox('occlusion-eyes', 2, 64, 64)).toEqual([6, 22, 57, 31])
    const out = await corrupt(img, 'occlusion-eyes', 2, half)
    expect(out.data[22 * 64 + 6]).toBe(0)
    expect(out.data[30 * 64 + 56]).toBe(0)
    expect(out.data[21 * 64 + 6]).toBe(img.data[21 * 64 + 6])
  })
})
