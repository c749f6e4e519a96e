import type { RawImage } from '../base/image.js'
import { seededRandom } from '../base/prng.js'
import type { Corruption } from '../results/robustDocument.js'
import {
  CORRUPTION_PARAMETERS,
  JAVASCRIPT_FILTERS,
  addNoiseSeveritiesSeeded,
  corrupt,
  corruptInJavaScript,
  corruptionSeed,
  filterInJavaScript,
  motionBlurSeverities,
} from './corruptions.js'
import { jpegGray, jpegGrayCovers, jpegGrayQualities } from './jpegGray.js'
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
 * contrast (src/robust/linear.ts), and gray JPEG (src/robust/jpegGray.ts). Colour JPEG, and what a
 * kernel does not cover, goes through sharp one image at a time; all the sharp work of a batch is
 * started at once, so sharp's thread pool keeps every core busy.
 * tests/robust/corruptionsBatch.test.ts compares every corruption with the one-image path.
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
  /**
   * corruptionRandom(seed, corruption, ids[i]): the same stream, made when first drawn from (only
   * noise, motion blur, rotation and sharp's fallbacks draw) from the sample's cached seed.
   */
  const randomOf = (corruption: Corruption, i: number): (() => number) => {
    let stream: (() => number) | undefined
    return () => {
      stream ??= seededRandom(seedOf(corruption, i))
      return stream()
    }
  }
  const work: Array<Promise<void>> = []
  /**
   * Image i under condition c one at a time: in JavaScript at once where it can be
   * (corruptInJavaScript), else through corrupt() and sharp, queued in `work`.
   */
  const perImage = (c: number, i: number): void => {
    const { corruption, severity } = conditions[c]!
    if (Number.isInteger(severity) && severity >= 1 && severity <= 5) {
      try {
        const image = corruptInJavaScript(images[i]!, corruption, severity, randomOf(corruption, i))
        if (image) {
          out[i]![c] = { image }
          return
        }
      } catch (error) {
        out[i]![c] = { error }
        return
      }
    }
    work.push(
      corrupt(images[i]!, corruption, severity, randomOf(corruption, i)).then(
        (image) => {
          out[i]![c] = { image }
        },
        (error: unknown) => {
          out[i]![c] = { error }
        },
      ),
    )
  }
  /** The motion blur's conditions: every severity of an image from one running sum per pixel (motionBlurSeverities). */
  const motion = conditions.flatMap(({ corruption, severity }, c) =>
    corruption === 'motion-blur' && Number.isInteger(severity) && severity >= 1 && severity <= 5 ? [c] : [],
  )
  if (motion.length > 0)
    images.forEach((image, i) => {
      const severities = motion.map((c) => conditions[c]!.severity)
      // its angle is the first draw of the sample's stream, whatever the severity
      motionBlurSeverities(image, severities, randomOf('motion-blur', i)).forEach((blurred, k) => {
        out[i]![motion[k]!] = { image: blurred }
      })
    })
  /** The noise conditions: every severity of an image from its one set of draws (addNoiseSeveritiesSeeded). */
  const noise = conditions.flatMap(({ corruption, severity }, c) =>
    corruption === 'gaussian-noise' && Number.isInteger(severity) && severity >= 1 && severity <= 5 ? [c] : [],
  )
  if (noise.length > 0) {
    const severities = noise.map((c) => conditions[c]!.severity)
    images.forEach((image, i) => {
      addNoiseSeveritiesSeeded(image, severities, seedOf('gaussian-noise', i)).forEach((done, k) => {
        out[i]![noise[k]!] = { image: done }
      })
    })
  }
  /** The JPEG conditions: every quality of a gray image from one forward DCT per block (jpegGrayQualities). */
  const jpeg = conditions.flatMap(({ corruption, severity }, c) =>
    corruption === 'jpeg' && Number.isInteger(severity) && severity >= 1 && severity <= 5 ? [c] : [],
  )
  if (jpeg.length > 0) {
    const qualities = jpeg.map((c) => CORRUPTION_PARAMETERS.jpeg.values[conditions[c]!.severity - 1]!)
    images.forEach((image, i) => {
      if (!jpegGrayCovers(image)) return // sharp's, one condition at a time below
      jpegGrayQualities(image, qualities).forEach((done, k) => {
        out[i]![jpeg[k]!] = { image: done }
      })
    })
  }
  conditions.forEach(({ corruption, severity }, c) => {
    const v = CORRUPTION_PARAMETERS[corruption].values[severity - 1]!
    const all = images.map((_, i) => i)
    if (motion.includes(c) || noise.includes(c)) return // done above
    if (JAVASCRIPT_FILTERS.has(corruption) && Number.isInteger(severity) && severity >= 1 && severity <= 5) {
      // sharp's blur, convolve and linear reproduced in JavaScript (src/robust/convolve.ts, linear.ts)
      for (const i of all) {
        // only the motion blur draws (its angle)
        const image = filterInJavaScript(images[i]!, corruption, severity, randomOf(corruption, i))
        if (image) out[i]![c] = { image }
        else perImage(c, i)
      }
    } else if (corruption === 'jpeg') {
      // a gray JPEG round trip reproduced in JavaScript (src/robust/jpegGray.ts); sharp for colour
      for (const i of all) {
        const image = images[i]!
        if (!jpegGrayCovers(image)) perImage(c, i)
        else if (!jpeg.includes(c)) out[i]![c] = { image: jpegGray(image, v) } // else done above
      }
    } else if (corruption === 'low-resolution' && Number.isInteger(severity) && severity >= 1 && severity <= 5) {
      // sharp's two resizes reproduced in JavaScript (src/robust/lowResolution.ts); sharp for what it does not cover
      for (const i of all) {
        const image = lowResolution(images[i]!, v)
        if (image) out[i]![c] = { image }
        else perImage(c, i)
      }
    } else for (const i of all) perImage(c, i)
  })
  await Promise.all(work)
  return out
}
