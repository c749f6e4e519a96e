import sharp, { type Sharp } from 'sharp'
import { describe, expect, it } from 'vitest'
import type { RawImage } from '../../src/base/image.js'
import { CORRUPTIONS } from '../../src/results/robustDocument.js'
import { corruptBatch } from '../../src/robust/corruptBatch.js'
import { CORRUPTION_PARAMETERS, corrupt, corruptionRandom } from '../../src/robust/corruptions.js'

/** Seeded images: smooth shading plus noise, so blur, JPEG and resizing all change them. */
function images(width: number, height: number, channels: 1 | 3, count: number, seed: number): RawImage[] {
  let s = seed
  const next = (): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0
    return (s >>> 16) & 255
  }
  return Array.from({ length: count }, (_, k) => {
    const data = new Uint8Array(width * height * channels)
    for (let i = 0; i < data.length; i++) {
      const y = Math.floor(i / (width * channels))
      data[i] = Math.min(255, ((y * (k + 3)) % 160) + (next() >> 2))
    }
    return { data, width, height, channels }
  })
}

/** What sharp gives for a raw image through `op`, back in the image's own channels. */
async function viaSharp(image: RawImage, op: (p: Sharp) => Sharp): Promise<Uint8Array> {
  const p = sharp(Buffer.from(image.data), {
    raw: { width: image.width, height: image.height, channels: image.channels },
  })
  const { data, info } = await op(p)
    .toColourspace(image.channels === 1 ? 'b-w' : 'srgb')
    .raw()
    .toBuffer({ resolveWithObject: true })
  expect(info.channels).toBe(image.channels)
  return new Uint8Array(data)
}

const mean = (image: RawImage, c: number): number => {
  let sum = 0
  for (let i = c; i < image.data.length; i += image.channels) sum += image.data[i]!
  return sum / (image.width * image.height)
}

describe('rotation without a second sharp call gives what sharp gives', () => {
  it('rotation: the centre crop of the rotated image is cut out in JavaScript, as sharp extract cuts it', async () => {
    for (const image of [...images(48, 48, 1, 3, 3), ...images(40, 30, 3, 3, 4)]) {
      for (const [severity, draw] of [
        [1, 0.2],
        [5, 0.7],
      ] as const) {
        const got = await corrupt(image, 'rotation', severity, () => draw)
        const v = CORRUPTION_PARAMETERS.rotation.values[severity - 1]!
        const angle = draw < 0.5 ? -v : v
        const grey = Math.round(
          Array.from({ length: image.channels }, (_, c) => mean(image, c)).reduce((a, m) => a + m, 0) / image.channels,
        )
        const rgb =
          image.channels === 1
            ? { r: grey, g: grey, b: grey }
            : { r: Math.round(mean(image, 0)), g: Math.round(mean(image, 1)), b: Math.round(mean(image, 2)) }
        const { data, info } = await sharp(Buffer.from(image.data), {
          raw: { width: image.width, height: image.height, channels: image.channels },
        })
          .rotate(angle, { background: { ...rgb, alpha: 1 } })
          .toColourspace(image.channels === 1 ? 'b-w' : 'srgb')
          .raw()
          .toBuffer({ resolveWithObject: true })
        // drop the alpha sharp adds, then extract the centre with sharp itself
        const n = info.width * info.height
        const rotated = new Uint8Array(n * image.channels)
        for (let i = 0; i < n; i++)
          for (let c = 0; c < image.channels; c++) rotated[i * image.channels + c] = data[i * info.channels + c]!
        const expected = await viaSharp(
          { data: rotated, width: info.width, height: info.height, channels: image.channels },
          (p) =>
            p.extract({
              left: Math.floor((info.width - image.width) / 2),
              top: Math.floor((info.height - image.height) / 2),
              width: image.width,
              height: image.height,
            }),
        )
        expect(got.data).toEqual(expected)
      }
    }
  })
})

describe('the corruptions computed in JavaScript give the bytes of their definition', () => {
  it('contrast of a gray image: what sharp linear(v, mean·(1 − v)) gives, for many sizes, value ranges and every severity', async () => {
    let s = 99
    const next = (): number => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0
      return s >>> 8
    }
    for (let k = 0; k < 120; k++) {
      const width = 17 + (next() % 50)
      const height = 13 + (next() % 50)
      const low = next() % 200
      const span = 1 + (next() % (256 - low))
      const data = new Uint8Array(width * height)
      for (let i = 0; i < data.length; i++) data[i] = low + (next() % span)
      const image: RawImage = { data, width, height, channels: 1 }
      const m = mean(image, 0)
      for (const severity of [1, 2, 3, 4, 5]) {
        const v = CORRUPTION_PARAMETERS.contrast.values[severity - 1]!
        const got = await corrupt(image, 'contrast', severity, () => 0.5)
        const expected = await viaSharp(image, (p) => p.linear(v, m * (1 - v)))
        expect(
          Buffer.from(got.data).equals(Buffer.from(expected)),
          `image ${k} ${width}×${height} severity ${severity}`,
        ).toBe(true)
      }
    }
  }, 60_000)

  it('gaussian noise: x + σ·g per value, g drawn by Box–Muller from the sample’s seeded stream, rounded and clipped', async () => {
    for (const image of [...images(48, 48, 1, 2, 11), ...images(31, 17, 3, 2, 12)]) {
      for (const severity of [1, 3, 5]) {
        const random = corruptionRandom(4, 'gaussian-noise', 'row-9')
        const sigma = CORRUPTION_PARAMETERS['gaussian-noise'].values[severity - 1]! * 255
        const expected = new Uint8Array(image.data.length)
        for (let i = 0; i < expected.length; i++) {
          const u = Math.max(random(), 1e-12)
          const g = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random())
          expected[i] = Math.min(255, Math.max(0, Math.round(image.data[i]! + sigma * g)))
        }
        const got = await corrupt(image, 'gaussian-noise', severity, corruptionRandom(4, 'gaussian-noise', 'row-9'))
        expect(Buffer.from(got.data).equals(Buffer.from(expected))).toBe(true)
      }
    }
  })
})

describe('corruptBatch: many images at once give what corrupt() gives one image at a time', () => {
  it('every corruption at every severity, for gray 48×48, odd-sized gray and colour images', async () => {
    const set = [
      ...images(48, 48, 1, 7, 5),
      ...images(37, 41, 1, 3, 6),
      ...images(64, 64, 3, 3, 7),
      ...images(50, 30, 3, 2, 8),
      ...images(31, 17, 3, 3, 2),
    ]
    const ids = set.map((_, i) => `sample-${i}`)
    const conditions = CORRUPTIONS.flatMap((corruption) =>
      [1, 2, 3, 4, 5].map((severity) => ({ corruption, severity })),
    )
    const batch = await corruptBatch(set, ids, conditions, 15)
    for (let i = 0; i < set.length; i++)
      for (let c = 0; c < conditions.length; c++) {
        const { corruption, severity } = conditions[c]!
        const one = await corrupt(set[i]!, corruption, severity, corruptionRandom(15, corruption, ids[i]!))
        const got = batch[i]![c]!
        expect('image' in got, `${corruption} ${severity} image ${i}`).toBe(true)
        if ('image' in got) {
          expect([got.image.width, got.image.height, got.image.channels]).toEqual([one.width, one.height, one.channels])
          expect(
            Buffer.from(got.image.data).equals(Buffer.from(one.data)),
            `${corruption} ${severity} image ${i}`,
          ).toBe(true)
        }
      }
  }, 120_000)
})
