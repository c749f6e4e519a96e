/**
 * What the duplicate audit computes of each image (src/audit/nearDuplicates.ts), in plain
 * JavaScript from the decoded pixels (no resampling library, so every machine gets the same bits):
 *   - a 64-bit difference hash (dHash): gray (BT.601), area-averaged to 9×8, bit = left < right
 *     neighbour;
 *   - a THUMB_SIDE × THUMB_SIDE area-averaged thumbnail, normalised to zero mean and unit length,
 *     so that correlations ignore brightness and contrast;
 * of the image as it is and of its VIEWS: the image shifted by 1/48 and 2/48 of its side (8 directions each),
 * zoomed by 0.9 and 1.1 about the centre, and mirrored. A re-saved copy that was shifted or
 * rescaled matches one view of the original closely, where a hash of the original alone drifts.
 * Every view is an area average over a source rectangle of a 32×32 intermediate (edges replicated).
 */
import type { RawImage } from '../base/image.js'
import { toGray } from '../preprocess/pixels.js'

/** Side of the confirmation thumbnail (pixels). */
const THUMB_SIDE = 16
/** Side of the intermediate every view is cut from. */
const BASE_SIDE = 32
/** Shift of the shifted views, as a fraction of the side (2 px of a 48 px face). */
const VIEW_SHIFT = 2 / 48
const VIEW_SCALES = [0.9, 1.1] as const

export interface View {
  /** 'identity', 'shift(dx,dy)' in view-shift steps, 'zoom 0.9', 'mirrored'. */
  name: string
  hash: [number, number]
  /** Computed on demand (only views with a candidate need one). */
  thumb: () => Float32Array
}

export interface Rect {
  x0: number
  y0: number
  x1: number
  y1: number
}

/** Per output index o, taps offsets[o] … offsets[o + 1] − 1: source pixel (clamped to the image: edges replicated) and weight. */
interface Weights {
  offsets: Int32Array
  index: Int32Array
  weight: Float32Array
}

function areaWeights(inSize: number, from: number, to: number, outSize: number): Weights {
  const step = (to - from) / outSize
  const index: number[] = []
  const weight: number[] = []
  const offsets = new Int32Array(outSize + 1)
  for (let o = 0; o < outSize; o++) {
    const a = from + o * step
    const b = a + step
    for (let i = Math.floor(a); i < Math.ceil(b); i++) {
      const w = Math.min(b, i + 1) - Math.max(a, i)
      if (w > 1e-9) {
        index.push(Math.max(0, Math.min(inSize - 1, i)))
        weight.push(w / step)
      }
    }
    offsets[o + 1] = index.length
  }
  return { offsets, index: Int32Array.from(index), weight: Float32Array.from(weight) }
}

const weightCache = new Map<string, Weights>()
/** The views' weights repeat for every image: computed once per (size, interval, output size). */
function cachedWeights(inSize: number, from: number, to: number, outSize: number): Weights {
  const key = `${inSize} ${from} ${to} ${outSize}`
  let w = weightCache.get(key)
  if (!w) {
    w = areaWeights(inSize, from, to, outSize)
    if (weightCache.size < 10_000) weightCache.set(key, w)
  }
  return w
}

/** Area-averaged resample of the rectangle `rect` of a one-channel image to outW × outH (floats). */
function areaResize(
  data: Float32Array,
  width: number,
  height: number,
  rect: Rect,
  outW: number,
  outH: number,
): Float32Array {
  return resampleInto(
    data,
    width,
    cachedWeights(width, rect.x0, rect.x1, outW),
    cachedWeights(height, rect.y0, rect.y1, outH),
    new Float32Array(outW * outH),
    new Float32Array(outW),
  )
}

/** The resample with precomputed weights into `out` (zeroed here), `row` a scratch buffer of the output width. */
function resampleInto(
  data: Float32Array,
  width: number,
  wx: Weights,
  wy: Weights,
  out: Float32Array,
  row: Float32Array,
): Float32Array {
  const outW = wx.offsets.length - 1
  const outH = wy.offsets.length - 1
  out.fill(0)
  for (let o = 0; o < outH; o++) {
    for (let t = wy.offsets[o]!; t < wy.offsets[o + 1]!; t++) {
      const base = wy.index[t]! * width
      const wyt = wy.weight[t]!
      for (let x = 0; x < outW; x++) {
        let sum = 0
        for (let u = wx.offsets[x]!; u < wx.offsets[x + 1]!; u++) sum += data[base + wx.index[u]!]! * wx.weight[u]!
        row[x] = sum
      }
      for (let x = 0; x < outW; x++) out[o * outW + x]! += row[x]! * wyt
    }
  }
  return out
}

/** dHash of a 9 × 8 grid, optionally read mirrored. */
function dHashOfGrid(grid: Float32Array, mirrored: boolean): [number, number] {
  let hi = 0
  let lo = 0
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) {
      const left = grid[y * 9 + (mirrored ? 8 - x : x)]!
      const right = grid[y * 9 + (mirrored ? 7 - x : x + 1)]!
      const bit = left < right ? 1 : 0
      const i = y * 8 + x
      if (i < 32) hi = (hi | (bit << (31 - i))) >>> 0
      else lo = (lo | (bit << (63 - i))) >>> 0
    }
  }
  return [hi, lo]
}

/** Zero mean, unit length (in place); a flat image stays all zeros. */
function normalise(v: Float32Array): Float32Array {
  let mean = 0
  for (const x of v) mean += x
  mean /= v.length
  let norm = 0
  for (let i = 0; i < v.length; i++) {
    v[i]! -= mean
    norm += v[i]! * v[i]!
  }
  norm = Math.sqrt(norm)
  if (norm > 1e-6) for (let i = 0; i < v.length; i++) v[i]! /= norm
  else v.fill(0)
  return v
}

function mirrorThumb(t: Float32Array): Float32Array {
  const s = THUMB_SIDE
  return Float32Array.from(t, (_, i) => t[Math.floor(i / s) * s + (s - 1 - (i % s))]!)
}

/** The 32×32 intermediate every view is cut from. */
function baseOf(image: RawImage): Float32Array {
  const gray = toGray(image)
  return areaResize(
    Float32Array.from(gray.data),
    gray.width,
    gray.height,
    { x0: 0, y0: 0, x1: gray.width, y1: gray.height },
    BASE_SIDE,
    BASE_SIDE,
  )
}

/** The views besides the image itself and its mirror: name, source rectangle in the 32×32 base, and the view that undoes it. */
const VIEW_DEFS: ReadonlyArray<{ name: string; rect: Rect; inverse: string }> = (() => {
  const defs: Array<{ name: string; rect: Rect; inverse: string }> = [
    { name: 'identity', rect: { x0: 0, y0: 0, x1: BASE_SIDE, y1: BASE_SIDE }, inverse: 'identity' },
  ]
  for (const steps of [0.5, 1]) {
    const d = steps * VIEW_SHIFT * BASE_SIDE
    for (const [sx, sy] of [
      [1, 0],
      [-1, 0],
      [0, 1],
      [0, -1],
      [1, 1],
      [1, -1],
      [-1, 1],
      [-1, -1],
    ] as const) {
      defs.push({
        name: `shift(${sx * steps},${sy * steps})`,
        rect: { x0: -sx * d, y0: -sy * d, x1: BASE_SIDE - sx * d, y1: BASE_SIDE - sy * d },
        inverse: `shift(${-sx * steps},${-sy * steps})`,
      })
    }
  }
  for (const [scale, inverse] of [
    [VIEW_SCALES[0], VIEW_SCALES[1]],
    [VIEW_SCALES[1], VIEW_SCALES[0]],
  ] as const) {
    const half = BASE_SIDE / 2 / scale
    defs.push({
      name: `zoom ${scale}`,
      rect: { x0: BASE_SIDE / 2 - half, y0: BASE_SIDE / 2 - half, x1: BASE_SIDE / 2 + half, y1: BASE_SIDE / 2 + half },
      inverse: `zoom ${inverse}`,
    })
  }
  return defs
})()
const DEF_BY_NAME = new Map(VIEW_DEFS.map((d) => [d.name, d]))
/** Per view: the weights of its 9×8 grid and of its thumbnail, computed once. */
const VIEW_WEIGHTS = VIEW_DEFS.map((d) => ({
  grid: [areaWeights(BASE_SIDE, d.rect.x0, d.rect.x1, 9), areaWeights(BASE_SIDE, d.rect.y0, d.rect.y1, 8)] as const,
  thumb: [
    areaWeights(BASE_SIDE, d.rect.x0, d.rect.x1, THUMB_SIDE),
    areaWeights(BASE_SIDE, d.rect.y0, d.rect.y1, THUMB_SIDE),
  ] as const,
}))
const gridScratch = new Float32Array(72)
const rowScratch = new Float32Array(THUMB_SIDE)

/** The thumbnail of a named view (not 'mirrored') of a stored 32×32 base. */
export function viewThumb(base: Uint8Array, name: string): Float32Array {
  const def = DEF_BY_NAME.get(name)
  if (!def) throw new Error(`internal: no view named ${name}`)
  return normalise(areaResize(Float32Array.from(base), BASE_SIDE, BASE_SIDE, def.rect, THUMB_SIDE, THUMB_SIDE))
}

/** The view that undoes a named view ('zoom 0.9' ↔ 'zoom 1.1', shifts reversed). */
export const inverseView = (name: string): string => DEF_BY_NAME.get(name)?.inverse ?? name

/** The image as it is: its dHash and thumbnail, and its 32×32 base (rounded), from which any view of it can be cut again. */
export interface ImageSignature {
  hash: [number, number]
  thumb: Float32Array
  base: Uint8Array
}

/** The image's own signature and every view to query the index with (identity first, mirrored last). */
export function imageViews(image: RawImage): { signature: ImageSignature; views: View[] } {
  const base = baseOf(image)
  const views: View[] = VIEW_DEFS.map((def, k) => {
    let thumb: Float32Array | undefined
    const w = VIEW_WEIGHTS[k]!
    const thumbOf = (): Float32Array =>
      (thumb ??= normalise(
        resampleInto(base, BASE_SIDE, w.thumb[0], w.thumb[1], new Float32Array(THUMB_SIDE * THUMB_SIDE), rowScratch),
      ))
    return {
      name: def.name,
      hash: dHashOfGrid(resampleInto(base, BASE_SIDE, w.grid[0], w.grid[1], gridScratch, rowScratch), false),
      thumb: thumbOf,
    }
  })
  const identity = views[0]!
  let mirrored: Float32Array | undefined
  const mirrorHash = dHashOfGrid(
    resampleInto(base, BASE_SIDE, VIEW_WEIGHTS[0]!.grid[0], VIEW_WEIGHTS[0]!.grid[1], gridScratch, rowScratch),
    true,
  )
  views.push({ name: 'mirrored', hash: mirrorHash, thumb: () => (mirrored ??= mirrorThumb(identity.thumb())) })
  return {
    signature: { hash: identity.hash, thumb: identity.thumb(), base: Uint8Array.from(base, (v) => Math.round(v)) },
    views,
  }
}

export function popcount32(v: number): number {
  v = v - ((v >>> 1) & 0x55555555)
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333)
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24
}

export function hamming(a: readonly [number, number], b: readonly [number, number]): number {
  return popcount32((a[0] ^ b[0]) >>> 0) + popcount32((a[1] ^ b[1]) >>> 0)
}

/** How much a one-thumbnail-pixel shift can raise the correlation of a copy over the unshifted one, at most, in the calibration (copies that need more are met through a shifted view). */
const SHIFT_RESCUE = 0.15

/**
 * Pearson correlation of two normalised thumbnails, the best over shifts of up to one thumbnail
 * pixel (overlapping part only, re-normalised). With `atLeast`, pairs whose unshifted correlation
 * is more than SHIFT_RESCUE below it return that correlation without the shift search.
 */
export function similarity(a: Float32Array, b: Float32Array, atLeast = -1): number {
  // both are zero-mean and unit-length: the unshifted correlation is their dot product; a pair far
  // below the bar there is not rescued by a one-pixel shift (calibrated: docs/detectors.md)
  let dot = 0
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!
  if (dot < atLeast - SHIFT_RESCUE) return dot
  const s = Math.round(Math.sqrt(a.length))
  let best = -1
  for (let dy = -1; dy <= 1; dy++) {
    for (let dx = -1; dx <= 1; dx++) {
      let sa = 0
      let sb = 0
      let saa = 0
      let sbb = 0
      let sab = 0
      let n = 0
      for (let y = Math.max(0, -dy); y < Math.min(s, s - dy); y++) {
        const ra = y * s
        const rb = (y + dy) * s + dx
        for (let x = Math.max(0, -dx); x < Math.min(s, s - dx); x++) {
          const va = a[ra + x]!
          const vb = b[rb + x]!
          sa += va
          sb += vb
          saa += va * va
          sbb += vb * vb
          sab += va * vb
          n += 1
        }
      }
      const den = Math.sqrt((saa - (sa * sa) / n) * (sbb - (sb * sb) / n))
      const r = den > 1e-9 ? (sab - (sa * sb) / n) / den : 0
      if (r > best) best = r
    }
  }
  return best
}
