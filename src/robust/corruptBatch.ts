import type { Sharp } from 'sharp'
import { loadSharp } from '../base/sharpModule.js'
import { withSharp } from '../base/sharpGate.js'
import type { RawImage } from '../base/image.js'
import { seededRandom } from '../base/prng.js'
import type { Corruption } from '../results/robustDocument.js'
import {
  CORRUPTION_PARAMETERS,
  JAVASCRIPT_FILTERS,
  addNoise,
  back,
  corrupt,
  corruptionSeed,
  filterInJavaScript,
  noiseDrawsSeeded,
  occlude,
  pipeline,
  rotateImage,
} from './corruptions.js'
import { lowResolution } from './lowResolution.js'
import type { Condition } from './robustLoop.js'

/** A corrupted image, or the error corrupting it failed with. */
export type Corrupted = { image: RawImage } | { error: unknown }

/**
 * Corrupts many decoded images under every condition: result[i][c] is image i under condition c,
 * exactly what `corrupt(images[i], …, corruptionRandom(seed, corruption, ids[i]))` gives.
 *
 * Most corruptions are computed in JavaScript, image by image: noise, the occlusion boxes and,
 * byte for byte what sharp gives, rotation (src/robust/rotate.ts), low resolution
 * (src/robust/lowResolution.ts), Gaussian and motion blur (src/robust/convolve.ts), brightness and
 * contrast (src/robust/linear.ts). JPEG goes through sharp, whose pipeline costs far more to set
 * up than to run on a 48×48 face, so one-channel images of one size are stacked into one tall
 * image and encoded once: each tile starts on an 8×8 block row and its last block row is filled
 * by repeating its last row, as the encoder does alone (blocks are coded independently), then
 * the tiles are cut out again; three-channel images go one at a time.
 * tests/robust/corruptionsBatch.test.ts compares every corruption with the one-image path. All the
 * sharp work of a batch is started at once, so sharp's thread pool keeps every core busy.
 */
export async function corruptBatch(
  images: readonly RawImage[],
  ids: readonly string[],
  conditions: readonly Condition[],
  seed: number,
): Promise<Corrupted[][]> {
  const out: Corrupted[][] = images.map(() => new Array<Corrupted>(conditions.length))
  /** corruptionSeed per corruption and image, hashed once for all its severities (it leaves the severity out). */
  const seeds = new Map<Corruption, number[]>()
  const seedOf = (corruption: Corruption, i: number): number => {
    let list = seeds.get(corruption)
    if (!list) {
      list = []
      seeds.set(corruption, list)
    }
    list[i] ??= corruptionSeed(seed, corruption, ids[i]!)
    return list[i]
  }
  const perImage = (c: number, i: number): Promise<void> => {
    const { corruption, severity } = conditions[c]!
    return corrupt(images[i]!, corruption, severity, seededRandom(seedOf(corruption, i))).then(
      (image) => {
        out[i]![c] = { image }
      },
      (error: unknown) => {
        out[i]![c] = { error }
      },
    )
  }
  const tiled = async (
    c: number,
    indexes: readonly number[],
    layout: Layout,
    op: (p: Sharp) => Sharp | Promise<Sharp>,
  ): Promise<void> => {
    try {
      const tiles = await mosaic(
        indexes.map((i) => images[i]!),
        layout,
        op,
      )
      indexes.forEach((i, k) => {
        out[i]![c] = { image: tiles[k]! }
      })
    } catch (error) {
      for (const i of indexes) out[i]![c] = { error }
    }
  }
  const work: Array<Promise<void>> = []
  /** Each image's Gaussian noise draws, drawn once for all severities (they do not depend on it). */
  const draws: Array<Float64Array | undefined> = []
  conditions.forEach(({ corruption, severity }, c) => {
    const v = CORRUPTION_PARAMETERS[corruption].values[severity - 1]!
    const all = images.map((_, i) => i)
    if (corruption === 'gaussian-noise' && Number.isInteger(severity) && severity >= 1 && severity <= 5) {
      for (const i of all) {
        const image = images[i]!
        draws[i] ??= noiseDrawsSeeded(image.data.length, seedOf(corruption, i))
        out[i]![c] = { image: addNoise(image, severity, draws[i]!) }
      }
    } else if (JAVASCRIPT_FILTERS.has(corruption) && Number.isInteger(severity) && severity >= 1 && severity <= 5) {
      // sharp's blur, convolve and linear reproduced in JavaScript (src/robust/convolve.ts, linear.ts)
      for (const i of all) {
        // only the motion blur draws (its angle): the sample's stream is made when first asked for
        let stream: (() => number) | undefined
        const random = (): number => {
          stream ??= seededRandom(seedOf(corruption, i))
          return stream()
        }
        const image = filterInJavaScript(images[i]!, corruption, severity, random)
        if (image) out[i]![c] = { image }
        else work.push(perImage(c, i))
      }
    } else if (corruption === 'jpeg') {
      for (const group of groupBy(all, (i) => sizeKey(images[i]!)).values()) {
        const image = images[group[0]!]!
        if (image.channels !== 1) {
          for (const i of group) work.push(perImage(c, i))
          continue
        }
        work.push(
          tiled(c, group, { above: 0, below: (8 - (image.height % 8)) % 8 }, async (p) =>
            (await loadSharp())(await p.jpeg({ quality: v }).toBuffer()),
          ),
        )
      }
    } else if (corruption === 'low-resolution' && Number.isInteger(severity) && severity >= 1 && severity <= 5) {
      // sharp's two resizes reproduced in JavaScript (src/robust/lowResolution.ts); sharp for what it does not cover
      for (const i of all) {
        const image = lowResolution(images[i]!, v)
        if (image) out[i]![c] = { image }
        else work.push(perImage(c, i))
      }
    } else if (corruption === 'rotation' && Number.isInteger(severity) && severity >= 1 && severity <= 5) {
      // in JavaScript (src/robust/rotate.ts), without sharp: at once, an error kept per image as corrupt()'s would be
      for (const i of all)
        try {
          out[i]![c] = { image: rotateImage(images[i]!, severity, seededRandom(seedOf(corruption, i))) }
        } catch (error) {
          out[i]![c] = { error }
        }
    } else if (
      (corruption === 'occlusion-eyes' || corruption === 'occlusion-mouth') &&
      Number.isInteger(severity) &&
      severity >= 1 &&
      severity <= 5
    ) {
      for (const i of all)
        try {
          out[i]![c] = { image: occlude(images[i]!, corruption, severity) }
        } catch (error) {
          out[i]![c] = { error }
        }
    } else for (const i of all) work.push(perImage(c, i))
  })
  await Promise.all(work)
  return out
}

/** Rows copied from a tile's own edge above and below it in the stacked image. */
interface Layout {
  above: number
  below: number
}

function sizeKey(image: RawImage): string {
  return `${image.width}x${image.height}x${image.channels}`
}

function groupBy(indexes: readonly number[], key: (i: number) => string): Map<string, number[]> {
  const groups = new Map<string, number[]>()
  for (const i of indexes) {
    const k = key(i)
    const group = groups.get(k)
    if (group) group.push(i)
    else groups.set(k, [i])
  }
  return groups
}

/**
 * Stacks images of one size vertically, each with `above` copies of its first row over it and
 * `below` copies of its last row under it, runs `op` on the stack and cuts the images out again.
 * The result keeps each tile's place and size.
 */
async function mosaic(
  images: readonly RawImage[],
  { above, below }: Layout,
  op: (p: Sharp) => Sharp | Promise<Sharp>,
): Promise<RawImage[]> {
  const { width, height, channels } = images[0]!
  const row = width * channels
  const pitch = above + height + below
  const stack = new Uint8Array(images.length * pitch * row)
  images.forEach((image, k) => {
    for (let y = -above; y < height + below; y++) {
      const from = Math.min(height - 1, Math.max(0, y)) * row
      stack.set(image.data.subarray(from, from + row), (k * pitch + above + y) * row)
    }
  })
  const sharp = await loadSharp()
  // through the gate that keeps decode error messages apart (src/base/sharpGate.ts)
  const result = await withSharp(async () =>
    back(await op(pipeline(sharp, { data: stack, width, height: images.length * pitch, channels })), channels),
  )
  if (result.width !== width || result.height !== images.length * pitch)
    throw new Error(
      `corruption made the stacked image ${result.width}×${result.height}; expected ${width}×${images.length * pitch}`,
    )
  return images.map((_, k) => ({
    data: result.data.slice((k * pitch + above) * row, (k * pitch + above + height) * row),
    width,
    height,
    channels,
  }))
}
