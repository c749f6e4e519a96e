import { readdirSync } from 'node:fs'
import path from 'node:path'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import type { RawImage } from '../../src/base/image.js'
import { corruptBatch } from '../../src/robust/corruptBatch.js'
import { CORRUPTION_PARAMETERS, corrupt, corruptionRandom } from '../../src/robust/corruptions.js'
import { lowResolution, lowResolutionJs, lowResolutionWasm } from '../../src/robust/lowResolution.js'

/**
 * The oracle: the low-resolution corruption as sharp computes it (the pipeline src/robust/corruptions.ts
 * ran before src/robust/lowResolution.ts existed), written out here: down to round(W/v) × round(H/v)
 * with sharp's default lanczos3, back to W × H with its linear kernel, both `fit: 'fill'`.
 */
async function viaSharp(image: RawImage, v: number): Promise<Uint8Array> {
  const { width, height, channels } = image
  const w = Math.max(1, Math.round(width / v))
  const h = Math.max(1, Math.round(height / v))
  const space = channels === 1 ? 'b-w' : 'srgb'
  const small = await sharp(Buffer.from(image.data), { raw: { width, height, channels } })
    .resize(w, h, { fit: 'fill' })
    .toColourspace(space)
    .raw()
    .toBuffer({ resolveWithObject: true })
  expect([small.info.width, small.info.height, small.info.channels]).toEqual([w, h, channels])
  const back = await sharp(small.data, { raw: { width: w, height: h, channels } })
    .resize(width, height, { fit: 'fill', kernel: 'linear' })
    .toColourspace(space)
    .raw()
    .toBuffer({ resolveWithObject: true })
  expect([back.info.width, back.info.height, back.info.channels]).toEqual([width, height, channels])
  return new Uint8Array(back.data)
}

function generator(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0
    return s >>> 24
  }
}

/** Seeded images: uniform noise (every pixel unlike its neighbours) or smooth shading plus a little noise. */
function seeded(width: number, height: number, channels: 1 | 3, kind: 'noise' | 'smooth', seed: number): RawImage {
  const next = generator(seed)
  const data = new Uint8Array(width * height * channels)
  for (let i = 0; i < data.length; i++) {
    const x = Math.floor(i / channels) % width
    const y = Math.floor(i / (width * channels))
    data[i] =
      kind === 'noise'
        ? next()
        : Math.min(255, Math.round(110 + 90 * Math.sin(x / 5 + (i % channels)) * Math.cos(y / 7)) + (next() >> 4))
  }
  return { data, width, height, channels }
}

/** The repository's photographed faces, decoded by sharp at a size and channel count. */
async function faces(width: number, height: number, channels: 1 | 3): Promise<RawImage[]> {
  const folder = path.join(import.meta.dirname, '..', '..', 'fixtures', 'faces')
  const files = readdirSync(folder).filter((f) => f.endsWith('.jpg'))
  expect(files.length).toBeGreaterThan(3)
  return Promise.all(
    files.map(async (f) => {
      let p = sharp(path.join(folder, f)).resize(width, height, { fit: 'fill' }).removeAlpha()
      p = channels === 1 ? p.greyscale() : p.toColourspace('srgb')
      const { data, info } = await p.raw().toBuffer({ resolveWithObject: true })
      expect(info.channels).toBe(channels)
      return { data: new Uint8Array(data), width, height, channels }
    }),
  )
}

/** Whether lowResolution keeps the image's size (a copy, which the WebAssembly kernel leaves to JavaScript). */
function keepsSize(image: RawImage, v: number): boolean {
  return (
    Math.max(1, Math.round(image.width / v)) === image.width &&
    Math.max(1, Math.round(image.height / v)) === image.height
  )
}

/**
 * Compares lowResolution, its JavaScript kernel and its WebAssembly kernel with sharp; describes
 * the cases that are not byte-equal, and those the WebAssembly kernel leaves to JavaScript
 * (other than copies).
 */
async function mismatches(cases: Array<{ image: RawImage; v: number }>): Promise<string[]> {
  const bad: string[] = []
  for (const { image, v } of cases) {
    const expected = await viaSharp(image, v)
    const wasm = lowResolutionWasm(image, v)
    const label = `${image.width}×${image.height}×${image.channels} v=${v}`
    if (wasm === 'js' && !keepsSize(image, v)) bad.push(`${label}: left to JavaScript by the WebAssembly kernel`)
    const kernels = [
      ['lowResolution', lowResolution(image, v)],
      ['lowResolutionJs', lowResolutionJs(image, v)],
      ['lowResolutionWasm', wasm === 'js' ? lowResolutionJs(image, v) : wasm],
    ] as const
    for (const [name, got] of kernels) {
      if (!got) {
        bad.push(`${label} ${name}: not covered`)
        continue
      }
      expect([got.width, got.height, got.channels]).toEqual([image.width, image.height, image.channels])
      let differing = 0
      for (let i = 0; i < expected.length; i++) if (got.data[i] !== expected[i]) differing++
      if (differing > 0 || got.data.length !== expected.length)
        bad.push(`${label} ${name}: ${differing} of ${expected.length} bytes differ`)
    }
  }
  // the first few in full, then the count (a failing run can list hundreds)
  return bad.length <= 12 ? bad : [...bad.slice(0, 12), `… ${bad.length} cases in all`]
}

const SEVERITY_FACTORS = CORRUPTION_PARAMETERS['low-resolution'].values
const OTHER_FACTORS = [1.2, 2.5, 4.5, 5, 7, 8, 13]

describe('lowResolution gives the bytes sharp gives', () => {
  it('the five severities and other factors, on seeded images of many sizes, one and three channels', async () => {
    const sizes: Array<[number, number]> = [
      [48, 48],
      [100, 100],
      [37, 53],
      [1, 1],
      [5, 3],
      [2, 3],
      [1, 9],
      [11, 1],
      [64, 17],
    ]
    const cases: Array<{ image: RawImage; v: number }> = []
    let seed = 1
    for (const [w, h] of sizes)
      for (const channels of [1, 3] as const)
        for (const kind of ['noise', 'smooth'] as const)
          for (const v of [...SEVERITY_FACTORS, ...OTHER_FACTORS])
            cases.push({ image: seeded(w, h, channels, kind, seed++), v })
    expect(cases).toHaveLength(9 * 2 * 2 * 12)
    expect(await mismatches(cases)).toEqual([])
  })

  it('the five severities on photographed faces at 48×48, 100×100 and 61×75, gray and colour', async () => {
    const cases: Array<{ image: RawImage; v: number }> = []
    for (const [w, h] of [
      [48, 48],
      [100, 100],
      [61, 75],
    ] as const)
      for (const channels of [1, 3] as const)
        for (const image of await faces(w, h, channels)) for (const v of SEVERITY_FACTORS) cases.push({ image, v })
    expect(await mismatches(cases)).toEqual([])
  })

  it('sizes where the result depends on how libvips splits the image into tiles', async () => {
    // For these, libvips' summed sub-pixel positions cross a table boundary at some tile start:
    // rows in 16-row strips (7×383 by 2, 7×575 by 3), in 128-row tiles after a vertical box shrink
    // (7×385 by 4), in 16-row chunks again when a horizontal box shrink follows (7×385 by 6,
    // 7×479 by 5), columns from each 128-column tile after a vertical box shrink (719×64 by 4.5,
    // 767×64 by 4, 799×64 by 5), and whole rows otherwise (383×5 by 2, 639×9 by 2). Summing from
    // the image's start alone, or using 16-row tiles throughout, fails some of them.
    const cases: Array<[number, number, number]> = [
      [7, 383, 2],
      [7, 575, 3],
      [7, 639, 2],
      [7, 767, 4],
      [7, 479, 2.5],
      [7, 385, 4],
      [7, 431, 4.5],
      [7, 445, 7],
      [7, 385, 6],
      [7, 479, 5],
      [719, 64, 4.5],
      [767, 64, 4],
      [799, 64, 5],
      [383, 5, 2],
      [481, 5, 2.5],
      [577, 5, 3],
      [639, 9, 2],
      [383, 64, 2],
    ]
    let seed = 1000
    const all = cases.flatMap(([w, h, v]) =>
      ([1, 3] as const).map((channels) => ({ image: seeded(w, h, channels, 'noise', seed++), v })),
    )
    expect(await mismatches(all)).toEqual([])
  })

  it('seeded random sizes up to 300 pixels and factors from 1.1 to 12', async () => {
    const next = generator(77)
    const cases = Array.from({ length: 120 }, (_, k) => {
      const w = 1 + (((next() << 8) | next()) % 300)
      const h = 1 + (((next() << 8) | next()) % 300)
      const v = 1.1 + (next() / 255) * 10.9
      return { image: seeded(w, h, k % 2 === 0 ? 1 : 3, k % 3 === 0 ? 'smooth' : 'noise', 5000 + k), v }
    })
    expect(await mismatches(cases)).toEqual([])
  })

  it('the WebAssembly kernel gives the JavaScript kernel’s bytes: random sizes up to 100×100, one and three channels, many factors', () => {
    // more distinct sizes and factors than the kernel keeps tables for, so its tables are also
    // forgotten and laid out again along the way
    const next = generator(2_025)
    const factors = [...SEVERITY_FACTORS, ...OTHER_FACTORS]
    let compared = 0
    for (let k = 0; k < 400; k++) {
      const w = k < 16 ? 1 + (k % 4) : 1 + (((next() << 8) | next()) % 100)
      const h = k < 16 ? 1 + (k >> 2) : 1 + (((next() << 8) | next()) % 100)
      const channels = k % 2 === 0 ? 1 : 3
      const v = k % 3 === 0 ? 1.05 + (next() / 255) * 14 : factors[next() % factors.length]!
      const data = new Uint8Array(w * h * channels)
      for (let i = 0; i < data.length; i++) data[i] = next()
      const image: RawImage = { data, width: w, height: h, channels }
      const label = `${w}×${h}×${channels} v=${v}`
      const want = lowResolutionJs(image, v)
      const got = lowResolutionWasm(image, v)
      if (got === 'js') {
        expect(keepsSize(image, v), label).toBe(true)
        continue
      }
      expect(got === undefined, label).toBe(want === undefined)
      if (!got || !want) continue
      expect([got.width, got.height, got.channels], label).toEqual([w, h, channels])
      expect(Buffer.from(got.data).equals(Buffer.from(want.data)), label).toBe(true)
      compared++
    }
    expect(compared).toBeGreaterThan(350)
  })

  it('changes the image (so equality with sharp is not equality with the input)', async () => {
    const image = seeded(48, 48, 1, 'noise', 9)
    for (const v of SEVERITY_FACTORS) {
      const got = lowResolution(image, v)!
      let differing = 0
      for (let i = 0; i < image.data.length; i++) if (got.data[i] !== image.data[i]) differing++
      expect(differing).toBeGreaterThan(image.data.length / 2)
    }
  })
})

describe('the low-resolution corruption uses it', () => {
  it('corrupt and corruptBatch give sharp’s bytes at every severity, images of mixed sizes and channels', async () => {
    const images = [
      ...(await faces(48, 48, 1)).slice(0, 3),
      seeded(48, 48, 1, 'smooth', 41),
      seeded(100, 100, 3, 'noise', 42),
      seeded(37, 53, 1, 'noise', 43),
      seeded(5, 3, 3, 'smooth', 44),
      seeded(1, 1, 1, 'noise', 45),
    ]
    const ids = images.map((_, i) => `img${i}`)
    const conditions = [1, 2, 3, 4, 5].map((severity) => ({ corruption: 'low-resolution' as const, severity }))
    const batch = await corruptBatch(images, ids, conditions, 7)
    for (const [i, image] of images.entries())
      for (const [c, { severity }] of conditions.entries()) {
        const expected = await viaSharp(image, SEVERITY_FACTORS[severity - 1]!)
        const one = await corrupt(image, 'low-resolution', severity, corruptionRandom(7, 'low-resolution', ids[i]!))
        expect(Buffer.from(one.data).equals(Buffer.from(expected))).toBe(true)
        const cell = batch[i]![c]!
        expect('image' in cell && Buffer.from(cell.image.data).equals(Buffer.from(expected))).toBe(true)
      }
  })
})
