import type { Corruption } from '../results/robustDocument.js'
import { createHash } from 'node:crypto'
import type SharpModule from 'sharp'
import type { Sharp } from 'sharp'
import { loadSharp } from '../base/sharpModule.js'
import { withSharp } from '../base/sharpGate.js'
import type { RawImage } from '../base/image.js'
import { seededRandom } from '../base/prng.js'
import { convolveFloat, gaussianBlur, motionBlurs } from './convolve.js'
import { linear } from './linear.js'
import { jpegGray, jpegGrayCovers } from './jpegGray.js'
import { lowResolution } from './lowResolution.js'
import { rotateCanvas, rotateCentreCrop } from './rotate.js'
import { CORRUPTION_PARAMETERS } from './corruptionParameters.js'
import { noiseDrawsSeededJs } from './noiseDraws.js'
import { noiseDrawsKernel, noiseDrawsWasm, noiseInWasm, noiseKernel } from './wasm/noiseKernel.js'

export { CORRUPTION_PARAMETERS, noiseDrawsSeededJs }
export { noiseDrawsInWasm } from './wasm/noiseKernel.js'

/**
 * Seeded image corruptions at severities 1–5 (0 = the image unchanged), applied to the decoded
 * image before the model card's preprocessing. Parameters follow ImageNet-C (Hendrycks & Dietterich
 * 2019) where it defines the corruption (noise σ, JPEG quality, contrast factor, brightness shift);
 * sizes in pixels are relative to the image's shorter side s, so a 48×48 FER2013 face and a
 * 100×100 RAF-DB face get the same relative damage. sharp (libvips) does JPEG; noise and the
 * occlusion boxes are written here, and the corruptions defined by a sharp operation are computed
 * in JavaScript byte for byte as sharp computes them: rotation (src/robust/rotate.ts), low
 * resolution (src/robust/lowResolution.ts), Gaussian and motion blur (src/robust/convolve.ts),
 * brightness and contrast (src/robust/linear.ts).
 */

/** Row of the eye band and of the mouth, as a share of the height of an aligned face (RAF-DB aligned, FER2013 crops). */
const EYE_ROW = 0.42
const MOUTH_ROW = 0.75

/**
 * A seeded PRNG for one (seed, corruption, sample): the same corrupted image on every run and at any
 * --concurrency. The severity is not part of the seed, so one sample gets the same draws (noise
 * pattern, motion direction, rotation sign) at every severity and severities differ in strength only.
 */
export function corruptionRandom(seed: number, corruption: Corruption, sampleId: string): () => number {
  return seededRandom(corruptionSeed(seed, corruption, sampleId))
}

/** The 32-bit seed of corruptionRandom's generator (src/base/prng.ts) for one (seed, corruption, sample). */
export function corruptionSeed(seed: number, corruption: Corruption, sampleId: string): number {
  return createHash('sha256').update(`${seed}\t${corruption}\t${sampleId}`).digest().readUInt32BE(0)
}

/** The image with its occlusion box (occlusionBox) set to black. */
function occlude(image: RawImage, corruption: 'occlusion-eyes' | 'occlusion-mouth', severity: number): RawImage {
  const [x0, y0, x1, y1] = occlusionBox(corruption, severity, image.width, image.height)
  const { channels } = image
  const out = new Uint8Array(image.data)
  for (let y = y0; y < y1; y++) out.fill(0, (y * image.width + x0) * channels, (y * image.width + x1) * channels)
  return { ...image, data: out }
}

/** A box [x0, y0, x1, y1) in pixels: the documented occlusion region of a corruption at a severity. */
export function occlusionBox(
  corruption: 'occlusion-eyes' | 'occlusion-mouth',
  severity: number,
  width: number,
  height: number,
): [number, number, number, number] {
  const v = CORRUPTION_PARAMETERS[corruption].values[severity - 1]!
  const centreY = (corruption === 'occlusion-eyes' ? EYE_ROW : MOUTH_ROW) * height
  const boxH = v * height
  const boxW = corruption === 'occlusion-eyes' ? 0.8 * width : (0.3 + (v - 0.1) * 1.5) * width
  const x0 = Math.round(width / 2 - boxW / 2)
  const y0 = Math.round(centreY - boxH / 2)
  return [
    Math.max(0, x0),
    Math.max(0, y0),
    Math.min(width, x0 + Math.round(boxW)),
    Math.min(height, y0 + Math.round(boxH)),
  ]
}

export function pipeline(sharp: typeof SharpModule, image: RawImage): Sharp {
  return sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
    raw: { width: image.width, height: image.height, channels: image.channels },
  })
}

/** Runs a sharp pipeline back to a raw image with the input's channel count and (unless resized) size. */
export async function back(p: Sharp, channels: 1 | 3): Promise<RawImage> {
  const { data, info } = await p
    .toColourspace(channels === 1 ? 'b-w' : 'srgb')
    .raw()
    .toBuffer({ resolveWithObject: true })
  if (info.channels === channels)
    return { data: new Uint8Array(data), width: info.width, height: info.height, channels }
  // drop an alpha channel sharp added (rotate's background): keep the first `channels` of each pixel
  const n = info.width * info.height
  const out = new Uint8Array(n * channels)
  for (let i = 0; i < n; i++) for (let c = 0; c < channels; c++) out[i * channels + c] = data[i * info.channels + c]!
  return { data: out, width: info.width, height: info.height, channels }
}

/**
 * Each image's channel means, kept for its other conditions: contrast and rotation ask for them at every
 * severity, ten times per image in a default robust run (keyed by the pixel array, checked on its shape).
 */
const meansCache = new WeakMap<Uint8Array, { channels: number; pixels: number; means: readonly number[] }>()

function channelMeans(image: RawImage): readonly number[] {
  const known = meansCache.get(image.data)
  if (known && known.channels === image.channels && known.pixels === image.width * image.height) return known.means
  const means = computeChannelMeans(image)
  meansCache.set(image.data, { channels: image.channels, pixels: image.width * image.height, means })
  return means
}

function computeChannelMeans(image: RawImage): number[] {
  const { channels, data } = image
  if (channels === 1) {
    let sum = 0
    for (let i = 0; i < data.length; i++) sum += data[i]!
    return [sum / (image.width * image.height)]
  }
  const sums = new Array<number>(channels).fill(0)
  for (let c = 0; c < channels; c++) {
    let sum = 0 // integers: exact in any order
    for (let i = c; i < data.length; i += channels) sum += data[i]!
    sums[c] = sum
  }
  return sums.map((s) => s / (image.width * image.height))
}

/**
 * A line kernel (odd size) of `length` pixels through the centre at `angle` radians: integer hit
 * counts with scale = their sum (libvips rounds a fractional mask on 8-bit images, so the kernel
 * is kept in integers and normalised by the scale).
 */
export function motionKernel(
  length: number,
  angle: number,
): { width: number; height: number; kernel: number[]; scale: number } {
  const half = Math.floor(length / 2)
  const size = 2 * half + 1
  const kernel = new Array<number>(size * size).fill(0)
  // one hit per pixel step t = −⌊L/2⌋ … L − 1 − ⌊L/2⌋ along the line, rounded to the grid
  for (let t = -half; t < length - half; t++)
    kernel[(half + Math.round(t * Math.sin(angle))) * size + half + Math.round(t * Math.cos(angle))]! += 1
  return { width: size, height: size, kernel, scale: kernel.reduce((a, b) => a + b, 0) }
}

/** The `width`×`height` window at (left, top) of a raw image (what sharp's extract copies). */
function extract(image: RawImage, left: number, top: number, width: number, height: number): RawImage {
  const { channels } = image
  const out = new Uint8Array(width * height * channels)
  for (let y = 0; y < height; y++) {
    const from = ((top + y) * image.width + left) * channels
    out.set(image.data.subarray(from, from + width * channels), y * width * channels)
  }
  return { data: out, width, height, channels }
}

function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12)
  const v = random()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
}

/**
 * The standard normal draws of Gaussian noise for one sample, one per value in pixel order. They do
 * not depend on the severity (its seed leaves it out), so one set serves every severity.
 */
export function noiseDraws(values: number, random: () => number): Float64Array {
  const draws = new Float64Array(values)
  for (let i = 0; i < values; i++) draws[i] = gaussian(random)
  return draws
}

/**
 * noiseDraws(values, corruptionRandom(…)) for the generator seeded with `seed32` (corruptionSeed):
 * the same doubles, computed by src/robust/wasm/noise.c (mulberry32 and V8's fdlibm log and cos,
 * two draws per operation) where its log and cos agree with this Node's Math.log and Math.cos
 * (noiseDrawsKernel), else by noiseDrawsSeededJs.
 */
export function noiseDrawsSeeded(values: number, seed32: number): Float64Array {
  const k = noiseDrawsKernel()
  if (!k || !Number.isInteger(values) || values <= 0) return noiseDrawsSeededJs(values, seed32)
  return noiseDrawsWasm(k, values, seed32)
}

/** Gaussian noise at a severity from a sample's draws (noiseDraws): x + σ·g, rounded and clipped. */
export function addNoise(image: RawImage, severity: number, draws: Float64Array): RawImage {
  const sigma = CORRUPTION_PARAMETERS['gaussian-noise'].values[severity - 1]! * 255 // v * 255 * g is (v * 255) * g: the same product
  const data = image.data
  const n = data.length
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    const x = data[i]! + sigma * draws[i]!
    // Math.round(x) without its data-dependent branch: ⌊x⌋ plus 1 where the fraction x − ⌊x⌋ (exact
    // for x ≥ 0) is at least one half; for x < 0 both are ≤ 0 and clip to 0 alike
    const floor = Math.floor(x)
    const at = floor + Number(x - floor >= 0.5) + CLIP_OFFSET
    // the clip to 0–255 as a table look-up (noise pushes many values out of range, at random)
    out[i] = at >>> 0 < CLIP.length ? CLIP[at]! : Math.min(255, Math.max(0, Math.round(x)))
  }
  return { ...image, data: out }
}

/**
 * addNoise at each of `severities` from the same draws: result[k] is addNoise(image, severities[k],
 * draws), computed by the WebAssembly kernel (two values per operation), or by addNoise where
 * WebAssembly cannot run.
 */
export function addNoiseSeverities(image: RawImage, severities: readonly number[], draws: Float64Array): RawImage[] {
  const k = noiseKernel()
  if (!k || severities.length === 0 || draws.length < image.data.length)
    return severities.map((s) => addNoise(image, s, draws))
  return noiseInWasm(k, image, severities, draws)
}

/**
 * addNoiseSeverities(image, severities, noiseDrawsSeeded(image.data.length, seed32)): where the draws
 * are computed in WebAssembly (noiseDrawsKernel), one call computes them into its memory and the
 * noise from them, with no copy of the draws through JavaScript.
 */
export function addNoiseSeveritiesSeeded(image: RawImage, severities: readonly number[], seed32: number): RawImage[] {
  if (severities.length === 0) return []
  const k = noiseDrawsKernel()
  if (!k) return addNoiseSeverities(image, severities, noiseDrawsSeededJs(image.data.length, seed32))
  return noiseInWasm(k, image, severities, seed32 >>> 0)
}

/** CLIP[v + CLIP_OFFSET] = v clipped to 0–255 for v in −CLIP_OFFSET … CLIP_OFFSET − 1. */
const CLIP_OFFSET = 1024
const CLIP = Uint8Array.from({ length: 2 * CLIP_OFFSET }, (_, k) => Math.min(255, Math.max(0, k - CLIP_OFFSET)))

/**
 * Applies one corruption at one severity (0 = identity) to a decoded image. Its sharp calls go
 * through the gate that keeps decode error messages apart (src/base/sharpGate.ts).
 */
export async function corrupt(
  image: RawImage,
  corruption: Corruption,
  severity: number,
  random: () => number,
): Promise<RawImage> {
  if (severity === 0) return image
  if (!Number.isInteger(severity) || severity < 1 || severity > 5)
    throw new RangeError(`severity ${severity}: expected 0–5`)
  const done = corruptInJavaScript(image, corruption, severity, random)
  if (done) return done
  if (
    corruption === 'motion-blur' ||
    corruption === 'brightness' ||
    corruption === 'contrast' ||
    corruption === 'rotation'
  )
    throw new Error(`${corruption}: corruptInJavaScript computes every ${corruption}`) // not reached
  return withSharp(() => corruptNow(image, corruption, severity, random))
}

/**
 * corrupt() at a severity 1–5 without sharp: the corrupted image, or undefined where only sharp
 * computes it (colour JPEG, a Gaussian mask or resize size the JavaScript kernels leave to sharp).
 */
export function corruptInJavaScript(
  image: RawImage,
  corruption: Corruption,
  severity: number,
  random: () => number,
): RawImage | undefined {
  if (corruption === 'gaussian-noise') return addNoise(image, severity, noiseDraws(image.data.length, random))
  const filtered = filterInJavaScript(image, corruption, severity, random)
  if (filtered) return filtered
  if (corruption === 'motion-blur' || corruption === 'brightness' || corruption === 'contrast')
    throw new Error(`${corruption}: filterInJavaScript computes every ${corruption}`) // not reached
  if (corruption === 'low-resolution') {
    // sharp's two resizes reproduced in JavaScript (src/robust/lowResolution.ts); sharp for what it does not cover
    const done = lowResolution(image, CORRUPTION_PARAMETERS['low-resolution'].values[severity - 1]!)
    if (done) return done
  }
  if (corruption === 'jpeg' && jpegGrayCovers(image)) {
    // a gray JPEG round trip reproduced in JavaScript (src/robust/jpegGray.ts); sharp for colour
    return jpegGray(image, CORRUPTION_PARAMETERS.jpeg.values[severity - 1]!)
  }
  if (corruption === 'rotation') {
    const { angle, rgb } = rotationParameters(image, severity, random)
    // in JavaScript, the bytes sharp's rotate gives (src/robust/rotate.ts), then the centre window
    return rotateCentreCrop(image, angle, rgb) ?? centreWindow(rotateCanvas(image, angle, rgb), image)
  }
  if (corruption === 'occlusion-eyes' || corruption === 'occlusion-mouth') return occlude(image, corruption, severity)
  return undefined
}

/** The corruptions filterInJavaScript computes (for any severity 1–5, any size, 1 or 3 channels). */
export const JAVASCRIPT_FILTERS: ReadonlySet<Corruption> = new Set<Corruption>([
  'gaussian-blur',
  'motion-blur',
  'brightness',
  'contrast',
])

/**
 * Gaussian blur, motion blur, brightness and contrast at a severity 1–5 in JavaScript: the bytes
 * sharp's `blur`, `convolve` and `linear` give (src/robust/convolve.ts, src/robust/linear.ts;
 * tests/robust/convolve.test.ts and linear.test.ts compare them with sharp). Undefined for any
 * other corruption, and for a blur whose Gaussian mask libvips refuses (σ over about 2,780 pixels,
 * images over about 46,000 pixels a side): that goes through sharp, which gives its error.
 * Motion blur draws its angle from `random`.
 */
export function filterInJavaScript(
  image: RawImage,
  corruption: Corruption,
  severity: number,
  random: () => number,
): RawImage | undefined {
  const v = CORRUPTION_PARAMETERS[corruption].values[severity - 1]!
  const side = Math.min(image.width, image.height)
  switch (corruption) {
    case 'gaussian-blur':
      return gaussianBlur(image, Math.max(0.6, (v * side) / 100))
    case 'motion-blur': {
      const angle = motionAngle(random)
      return convolveFloat(image, motionKernel(motionLength(image, severity), angle))
    }
    case 'brightness':
      return linear(image, [1], [v * 255])
    case 'contrast': {
      const means = channelMeans(image)
      return linear(
        image,
        means.map(() => v),
        means.map((m) => m * (1 - v)),
      )
    }
    default:
      return undefined
  }
}

/** The motion blur's angle in radians, in [−45°, 45°]: the first draw of the sample's stream. */
function motionAngle(random: () => number): number {
  return (random() - 0.5) * (Math.PI / 2)
}

/** The motion blur's line length in pixels at a severity 1–5: max(2, round(value · s / 100)). */
function motionLength(image: RawImage, severity: number): number {
  const v = CORRUPTION_PARAMETERS['motion-blur'].values[severity - 1]!
  return Math.max(2, Math.round((v * Math.min(image.width, image.height)) / 100))
}

/**
 * The motion blur of one image at several severities 1–5, its angle drawn once from `random`:
 * result[k] is filterInJavaScript(image, 'motion-blur', severities[k], a fresh stream of the same
 * seed), all lengths summed in one pass (motionBlurs, src/robust/convolve.ts).
 */
export function motionBlurSeverities(image: RawImage, severities: readonly number[], random: () => number): RawImage[] {
  const angle = motionAngle(random)
  const lengths = severities.map((severity) => motionLength(image, severity))
  return motionBlurs(image, angle, lengths).map(
    (blurred, k) => blurred ?? convolveFloat(image, motionKernel(lengths[k]!, angle)),
  )
}

/**
 * The rotation corruption's angle (± the severity's value in degrees, the sign seeded) and
 * background: the rounded mean grey for one channel, the rounded channel means for three.
 */
function rotationParameters(
  image: RawImage,
  severity: number,
  random: () => number,
): { angle: number; rgb: [number, number, number] } {
  const v = CORRUPTION_PARAMETERS.rotation.values[severity - 1]!
  const angle = random() < 0.5 ? -v : v
  const mean = channelMeans(image)
  const grey = Math.round(mean.reduce((a, b) => a + b, 0) / mean.length)
  const rgb: [number, number, number] =
    image.channels === 1 ? [grey, grey, grey] : [Math.round(mean[0]!), Math.round(mean[1]!), Math.round(mean[2]!)]
  return { angle, rgb }
}

/**
 * The input-sized window at ⌊(canvas − size) / 2⌋ of a rotated canvas, cut as the rotation always
 * cut it (`extract`) — also where the canvas is narrower or shorter than the input (an oblong turned
 * far), whose window starts left of or above the canvas.
 */
function centreWindow(rotated: RawImage, image: RawImage): RawImage {
  const left = Math.floor((rotated.width - image.width) / 2)
  const top = Math.floor((rotated.height - image.height) / 2)
  return extract(rotated, left, top, image.width, image.height)
}

async function corruptNow(
  image: RawImage,
  corruption: Exclude<Corruption, 'rotation' | 'motion-blur' | 'brightness' | 'contrast'>,
  severity: number,
  random: () => number,
): Promise<RawImage> {
  const v = CORRUPTION_PARAMETERS[corruption].values[severity - 1]!
  const side = Math.min(image.width, image.height)
  const sharp = await loadSharp()
  const { channels } = image
  switch (corruption) {
    case 'gaussian-noise':
      return addNoise(image, severity, noiseDraws(image.data.length, random))
    case 'gaussian-blur':
      // only where filterInJavaScript leaves it: a Gaussian mask libvips refuses (sharp gives the error)
      return back(pipeline(sharp, image).blur(Math.max(0.6, (v * side) / 100)), channels)
    case 'jpeg': {
      const encoded = await pipeline(sharp, image).jpeg({ quality: v }).toBuffer()
      return back(sharp(encoded), channels)
    }
    case 'low-resolution': {
      const w = Math.max(1, Math.round(image.width / v))
      const h = Math.max(1, Math.round(image.height / v))
      const small = await back(pipeline(sharp, image).resize(w, h, { fit: 'fill' }), channels)
      return back(pipeline(sharp, small).resize(image.width, image.height, { fit: 'fill', kernel: 'linear' }), channels)
    }
    case 'occlusion-eyes':
    case 'occlusion-mouth':
      return occlude(image, corruption, severity) // corruptInJavaScript does it: not reached
  }
}
