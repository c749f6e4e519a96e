import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import type { RawImage } from '../../src/base/image.js'
import { CORRUPTION_PARAMETERS, corrupt } from '../../src/robust/corruptions.js'
import {
  rotateCanvas,
  rotateCanvasJs,
  rotateCentreCrop,
  rotateCentreCropJs,
  rotationInk,
} from '../../src/robust/rotate.js'
import { bytes, checkerImage, faceImage, firstDifference, noiseImage } from './filterImages.js'

/** sharp's rotation of a raw image: its whole canvas, back in the image's colourspace as raw pixels. */
async function sharpCanvas(image: RawImage, angle: number, rgb: readonly [number, number, number]): Promise<RawImage> {
  const { data, info } = await sharp(Buffer.from(image.data), {
    raw: { width: image.width, height: image.height, channels: image.channels },
  })
    .rotate(angle, { background: { r: rgb[0], g: rgb[1], b: rgb[2], alpha: 1 } })
    .toColourspace(image.channels === 1 ? 'b-w' : 'srgb')
    .raw()
    .toBuffer({ resolveWithObject: true })
  expect(info.channels).toBe(image.channels)
  return { data: new Uint8Array(data), width: info.width, height: info.height, channels: image.channels }
}

/**
 * The oracle: the rotation as src/robust/corruptions.ts did it with sharp alone — sharp's canvas,
 * then the input-sized window at ⌊(rotated − input) / 2⌋ copied row by row with the old code's
 * `subarray` (whatever that gives where the window starts left of or above the canvas).
 */
async function sharpRotation(
  image: RawImage,
  angle: number,
  rgb: readonly [number, number, number],
): Promise<Uint8Array> {
  const rotated = await sharpCanvas(image, angle, rgb)
  const { width, height, channels } = image
  const left = Math.floor((rotated.width - width) / 2)
  const top = Math.floor((rotated.height - height) / 2)
  const out = new Uint8Array(width * height * channels)
  for (let y = 0; y < height; y++) {
    const from = ((top + y) * rotated.width + left) * channels
    out.set(rotated.data.subarray(from, from + width * channels), y * width * channels)
  }
  return out
}

const CORRUPTION_ANGLES = CORRUPTION_PARAMETERS.rotation.values.flatMap((v) => [v, -v])
const OTHER_ANGLES = [0.5, -1.25, 7.3, -33, 45, 60.7, -89, 135, -170]

async function expectSameAsSharp(
  images: readonly RawImage[],
  angles: readonly number[],
  backgrounds: (image: RawImage) => readonly [number, number, number],
): Promise<number> {
  let compared = 0
  for (const image of images)
    for (const angle of angles) {
      const rgb = backgrounds(image)
      const label = `${image.width}×${image.height}×${image.channels} at ${angle}°, background ${rgb.join(',')}`
      const want = await sharpRotation(image, angle, rgb)
      // the WebAssembly kernel (where it runs) and the JavaScript one
      for (const [name, rotate] of [
        ['wasm', rotateCentreCrop],
        ['js', rotateCentreCropJs],
      ] as const) {
        const got = rotate(image, angle, rgb)
        expect(got, `${name} ${label}`).toBeDefined()
        expect(firstDifference(got!.data, want), `${name} ${label}`).toBe('')
      }
      compared++
    }
  return compared
}

const SIZES: readonly [number, number][] = [
  [48, 48],
  [100, 100],
  [37, 53],
  [53, 37],
  [1, 1],
  [2, 3],
  [3, 2],
  [7, 5],
]

describe('rotateCentreCrop gives the bytes sharp gives', () => {
  for (const channels of [1, 3] as const)
    it(`${channels}-channel seeded noise, face-like and checkerboard images of many sizes, every corruption angle`, async () => {
      let seed = channels * 1000
      const images = SIZES.flatMap(([w, h]) => [
        noiseImage(w, h, channels, seed++),
        noiseImage(w, h, channels, seed++),
        faceImage(w, h, channels, seed++),
        checkerImage(w, h, channels, 1 + (seed++ % 4)),
      ])
      const next = bytes(seed)
      const compared = await expectSameAsSharp(images, CORRUPTION_ANGLES, () => [next(), next(), next()])
      expect(compared).toBe(SIZES.length * 4 * CORRUPTION_ANGLES.length)
    })

  it('other angles, small to steep, both channel counts', async () => {
    const squares = [noiseImage(48, 48, 1, 11), faceImage(48, 48, 3, 14), noiseImage(2, 2, 1, 15)]
    await expectSameAsSharp(squares, OTHER_ANGLES, () => [128, 64, 200])
    // an oblong's canvas turned past about 45° is shorter than the oblong: rotateCanvas covers those (below)
    const oblongs = [faceImage(41, 60, 1, 12), noiseImage(30, 22, 3, 13)]
    await expectSameAsSharp(
      oblongs,
      OTHER_ANGLES.filter((a) => Math.abs(a) <= 45),
      () => [128, 64, 200],
    )
  })

  it('canvases wider than one 128-pixel tile of libvips', async () => {
    const images = [noiseImage(130, 90, 1, 21), noiseImage(160, 140, 3, 22), faceImage(200, 120, 1, 23)]
    await expectSameAsSharp(images, [5, -13, 25, -25, 41.5], () => [90, 90, 90])
  })

  it('every grey background level becomes the pixel sharp paints', async () => {
    const image = noiseImage(9, 9, 1, 31)
    for (let g = 0; g < 256; g += 1) {
      const got = rotateCentreCrop(image, 20, [g, g, g])!
      // a corner pixel of a 20° rotation of a 9×9 image lies outside the input: the background
      expect(got.data[0]).toBe(rotationInk(1, [g, g, g])[0])
      expect(firstDifference(got.data, rotateCentreCropJs(image, 20, [g, g, g])!.data)).toBe('')
      if (g % 17 === 0) expect(firstDifference(got.data, await sharpRotation(image, 20, [g, g, g]))).toBe('')
    }
    expect(rotationInk(1, [10, 200, 30])[0]).toBe(Math.trunc(0.2126 * 10 + 0.7152 * 200 + 0.0722 * 30))
  })
})

describe('the rotation corruption computed in JavaScript gives what the sharp pipeline gave', () => {
  const mean = (image: RawImage, c: number): number => {
    let sum = 0
    for (let i = c; i < image.data.length; i += image.channels) sum += image.data[i]!
    return sum / (image.width * image.height)
  }
  /** The background corruptions.ts documents: the rounded mean grey (one channel) or rounded channel means. */
  const background = (image: RawImage): [number, number, number] => {
    const means = Array.from({ length: image.channels }, (_, c) => mean(image, c))
    if (image.channels === 3) return [Math.round(means[0]!), Math.round(means[1]!), Math.round(means[2]!)]
    const grey = Math.round(means[0]!)
    return [grey, grey, grey]
  }

  it('corrupt() at every severity and sign equals the sharp pipeline', async () => {
    const images = [
      faceImage(48, 48, 1, 41),
      noiseImage(37, 53, 3, 42),
      faceImage(100, 100, 3, 43),
      noiseImage(1, 1, 1, 44),
    ]
    for (const image of images)
      for (let severity = 1; severity <= 5; severity++)
        for (const draw of [0.25, 0.75]) {
          const v = CORRUPTION_PARAMETERS.rotation.values[severity - 1]!
          const got = await corrupt(image, 'rotation', severity, () => draw)
          const want = await sharpRotation(image, draw < 0.5 ? -v : v, background(image))
          expect(firstDifference(got.data, want), `${image.width}×${image.height} severity ${severity}`).toBe('')
        }
  })

  it('oblongs turned so far that the canvas is narrower or shorter than the input: the whole canvas and the window as before', async () => {
    let degenerate = 0
    const oblongs = [
      noiseImage(100, 1, 1, 51),
      noiseImage(60, 3, 3, 52),
      faceImage(12, 40, 1, 53),
      noiseImage(1, 9, 3, 54),
    ]
    for (const image of oblongs)
      for (const angle of [25, -25, 20, -60, 89]) {
        const rgb = background(image)
        const canvas = rotateCanvas(image, angle, rgb)
        const want = await sharpCanvas(image, angle, rgb)
        const label = `${image.width}×${image.height}×${image.channels} at ${angle}°`
        expect([canvas.width, canvas.height], label).toEqual([want.width, want.height])
        expect(firstDifference(canvas.data, want.data), label).toBe('')
        expect(firstDifference(rotateCanvasJs(image, angle, rgb).data, want.data), `js ${label}`).toBe('')
        const shorter = canvas.width < image.width || canvas.height < image.height
        if (shorter) degenerate++
        expect(rotateCentreCrop(image, angle, rgb) === undefined, label).toBe(shorter)
        expect(rotateCentreCropJs(image, angle, rgb) === undefined, label).toBe(shorter)
      }
    expect(degenerate).toBeGreaterThanOrEqual(12)
    for (const image of oblongs)
      for (let severity = 1; severity <= 5; severity++) {
        const v = CORRUPTION_PARAMETERS.rotation.values[severity - 1]!
        const got = await corrupt(image, 'rotation', severity, () => 0.9)
        const want = await sharpRotation(image, v, background(image))
        expect(firstDifference(got.data, want), `${image.width}×${image.height} severity ${severity}`).toBe('')
      }
  })

  it('whole canvases of square and oblong images equal what sharp returns', async () => {
    const images = [faceImage(48, 48, 1, 61), noiseImage(37, 53, 3, 62), noiseImage(130, 20, 1, 63)]
    for (const image of images)
      for (const angle of [...CORRUPTION_ANGLES, 33.3, -71]) {
        const canvas = rotateCanvas(image, angle, [40, 50, 60])
        const want = await sharpCanvas(image, angle, [40, 50, 60])
        const label = `${image.width}×${image.height} at ${angle}°`
        expect([canvas.width, canvas.height]).toEqual([want.width, want.height])
        expect(firstDifference(canvas.data, want.data), label).toBe('')
        expect(firstDifference(rotateCanvasJs(image, angle, [40, 50, 60]).data, want.data), `js ${label}`).toBe('')
      }
  })
})

describe('the WebAssembly kernel (src/robust/wasm/rotate.c) gives the bytes of the JavaScript one', () => {
  it('runs here', () => {
    expect(typeof WebAssembly).toBe('object')
  })

  it('seeded sizes 1×1 to 100×100, odd and oblong, both channel counts, corruption and other angles and backgrounds', () => {
    let s = 7
    const next = (n: number): number => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0
      return Math.floor((s / 2 ** 32) * n)
    }
    const angles = [...CORRUPTION_ANGLES, ...OTHER_ANGLES]
    let compared = 0
    for (let k = 0; k < 300; k++) {
      const width = k < 4 ? 1 + k : 1 + next(100)
      const height = k < 4 ? 1 + (k >> 1) : 1 + next(100)
      const channels = k % 3 === 2 ? 3 : 1
      const image = k % 2 ? noiseImage(width, height, channels, k) : faceImage(width, height, channels, k)
      const angle = k % 5 === 4 ? (next(36_000) - 18_000) / 100 : angles[next(angles.length)]!
      const rgb: [number, number, number] = [next(256), next(256), next(256)]
      const label = `${width}×${height}×${channels} at ${angle}°, background ${rgb.join(',')}`
      const got = rotateCentreCrop(image, angle, rgb)
      const want = rotateCentreCropJs(image, angle, rgb)
      expect(got === undefined, label).toBe(want === undefined)
      if (got) expect(firstDifference(got.data, want!.data), label).toBe('')
      const canvas = rotateCanvas(image, angle, rgb)
      const wantCanvas = rotateCanvasJs(image, angle, rgb)
      expect([canvas.width, canvas.height], label).toEqual([wantCanvas.width, wantCanvas.height])
      expect(firstDifference(canvas.data, wantCanvas.data), `canvas ${label}`).toBe('')
      compared++
    }
    expect(compared).toBe(300)
  })

  it('windows over one cached plan (planned in bands of rows), and more sizes than the plan cache holds', () => {
    const same = (image: RawImage, angle: number, rgb: [number, number, number]): void => {
      const label = `${image.width}×${image.height}×${image.channels} at ${angle}°`
      const got = rotateCentreCrop(image, angle, rgb)
      const want = rotateCentreCropJs(image, angle, rgb)
      expect(got === undefined, label).toBe(want === undefined)
      if (got) expect(firstDifference(got.data, want!.data), label).toBe('')
      expect(firstDifference(rotateCanvas(image, angle, rgb).data, rotateCanvasJs(image, angle, rgb).data), label).toBe(
        '',
      )
    }
    const large = [noiseImage(300, 90, 1, 71), noiseImage(181, 133, 3, 72), faceImage(129, 200, 1, 73)]
    for (const image of large) for (const angle of [5, -25, 41.5]) same(image, angle, [9, 99, 199])
    // a window wider than a cached plan: bands of one row
    for (const channels of [1, 3] as const) same(noiseImage(16_390, 2, channels, 74), 0.01, [50, 60, 70])
    // 70 sizes, then the first ones again: plans dropped and made again give the same bytes
    const small = Array.from({ length: 70 }, (_, i) => noiseImage(5 + i, 9 + (i % 7), i % 2 ? 3 : 1, 80 + i))
    for (const image of [...small, small[0]!, small[1]!]) same(image, 10, [1, 2, 3])
  })
})
