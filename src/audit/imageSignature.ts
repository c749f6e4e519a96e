/**
 * What the duplicate audit computes of each image (src/audit/nearDuplicates.ts), in plain
 * JavaScript from the decoded pixels (no resampling library, so every machine gets the same bits):
 *   - a 32×32 area-averaged gray (BT.601) BASE, kept (rounded) for the pair alignment (src/audit/alignPair.ts);
 *   - a 64-bit difference hash (dHash): a 9×8 grid, bit = left < right neighbour;
 *   - a THUMB_SIDE × THUMB_SIDE thumbnail, normalised to zero mean and unit length, so that
 *     correlations ignore brightness and contrast;
 * of the image as it is and of its VIEWS: the image shifted by every whole (dx, dy) of up to 3/48 of its side,
 * zoomed by 0.9, 0.925, 0.95, 1.05, 1.075 and 1.1 about the centre, zoomed by 0.9, 0.925 or 0.95 and shifted by 1.5/48 or
 * 3/48 (8 directions: a crop resized back),
 * and each of these mirrored. A re-saved copy that was shifted or rescaled matches one view of the
 * original closely, where a hash of the original alone drifts. The grids and thumbnails of views are
 * bilinear samples, at the cell centres of the view's source rectangle, of the base blurred to about
 * the cell size (edges replicated): one blur per image, then a few reads per cell.
 */
import type { RawImage } from '../base/image.js'
import { toGray } from '../card/pixels.js'
import { BASE_SIDE, type Alignment } from './alignPair.js'

/** Side of the confirmation thumbnail (pixels). */
const THUMB_SIDE = 16
/** Step of the shifted views, as a fraction of the side (1 px of a 48 px face). */
const VIEW_SHIFT = 1 / 48
const VIEW_SCALES = [0.9, 0.925, 0.95, 1.05, 1.075, 1.1] as const
const VIEW_CROP_SCALES = [0.9, 0.925, 0.95] as const

/** The views of one image: their dHashes (two 32-bit words each, in VIEW_NAMES order) and their thumbnails on demand. */
export interface ViewSet {
  readonly hashes: Uint32Array
  /** Per view (VIEW_NAMES order), per chunk of the index (HASH_CHUNK_ENDS), WEAK_BITS masks: each flips one of the chunk's least certain bits (smallest left–right difference), as a chunk key. */
  readonly weak: Int32Array
  /** Each plain view's 9×8 hash grid, normalised (zero mean, unit length): GRID_CELLS floats per view of VIEW_DEFS; a mirrored view's grid is the plain one read mirrored. */
  readonly grids: Float32Array
  /** The normalised thumbnail of view k (computed once, on demand: only views with a candidate need one). */
  thumb(k: number): Float32Array
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

/** normalise() of v[at … at + length − 1], in place. */
function normaliseRange(v: Float32Array, at: number, length: number): void {
  let mean = 0
  for (let i = at; i < at + length; i++) mean += v[i]!
  mean /= length
  let norm = 0
  for (let i = at; i < at + length; i++) {
    const d = v[i]! - mean
    v[i] = d
    norm += d * d
  }
  norm = Math.sqrt(norm)
  if (norm > 1e-6) for (let i = at; i < at + length; i++) v[i]! /= norm
  else v.fill(0, at, at + length)
}

function mirrorThumb(t: Float32Array): Float32Array {
  const s = THUMB_SIDE
  const out = new Float32Array(s * s)
  for (let y = 0; y < s; y++) for (let x = 0; x < s; x++) out[y * s + x] = t[y * s + s - 1 - x]!
  return out
}

/** The 32×32 base: the image area-averaged, gray (into `out`). */
function baseOf(image: RawImage, out: Float32Array): Float32Array {
  const gray = toGray(image)
  if (grayScratch.length < gray.data.length) grayScratch = new Float32Array(gray.data.length)
  grayScratch.set(gray.data)
  return resampleInto(
    grayScratch,
    gray.width,
    cachedWeights(gray.width, 0, gray.width, BASE_SIDE),
    cachedWeights(gray.height, 0, gray.height, BASE_SIDE),
    out,
    rowScratch,
  )
}
/** Scratch of baseOf and blurred (each call fills what it reads): one allocation per image fewer each. */
let grayScratch = new Float32Array(0)
const rowScratch = new Float32Array(BASE_SIDE)
const blurScratch = new Float32Array(BASE_SIDE * BASE_SIDE)
const gridBlurScratch = new Float32Array(BASE_SIDE * BASE_SIDE)

/** Per kernel radius: for every base coordinate and tap, the coordinate read (edges replicated). */
const clampedTaps = new Map<number, Int32Array>()
function tapsOf(r: number): Int32Array {
  let taps = clampedTaps.get(r)
  if (!taps) {
    const s = BASE_SIDE
    const k = 2 * r + 1
    taps = new Int32Array(s * k)
    for (let x = 0; x < s; x++) for (let t = 0; t < k; t++) taps[x * k + t] = Math.min(s - 1, Math.max(0, x + t - r))
    clampedTaps.set(r, taps)
  }
  return taps
}

/** Separable blur of the base with a symmetric kernel (edges replicated), into `out` (zeros). */
function blurred(
  base: Float32Array,
  kernel: Float64Array,
  out: Float32Array = new Float32Array(BASE_SIDE * BASE_SIDE),
): Float32Array {
  const k = kernel.length
  const taps = tapsOf((k - 1) / 2)
  const s = BASE_SIDE
  // every element of the first pass is written before it is read
  const tmp = blurScratch
  for (let y = 0; y < s; y++) {
    const row = y * s
    for (let x = 0; x < s; x++) {
      let v = 0
      for (let t = 0; t < k; t++) v += base[row + taps[x * k + t]!]! * kernel[t]!
      tmp[row + x] = v
    }
  }
  for (let y = 0; y < s; y++)
    for (let t = 0; t < k; t++) {
      const from = taps[y * k + t]! * s
      const w = kernel[t]!
      for (let x = 0; x < s; x++) out[y * s + x]! += tmp[from + x]! * w
    }
  return out
}
/** About the width of a 9×8 grid cell (3.6 base pixels) and of a thumbnail cell (2). */
const GRID_BLUR = Float64Array.of(0.5 / 4, 1 / 4, 1 / 4, 1 / 4, 0.5 / 4)
const THUMB_BLUR = Float64Array.of(0.25, 0.5, 0.25)

/** The views of an image (each is also read mirrored): name and source rectangle in the 32×32 base. */
const VIEW_DEFS: ReadonlyArray<{ name: string; rect: Rect }> = (() => {
  const defs: Array<{ name: string; rect: Rect }> = [
    { name: 'identity', rect: { x0: 0, y0: 0, x1: BASE_SIDE, y1: BASE_SIDE } },
  ]
  const directions = [
    [1, 0],
    [-1, 0],
    [0, 1],
    [0, -1],
    [1, 1],
    [1, -1],
    [-1, 1],
    [-1, -1],
  ] as const
  // every whole-pixel shift up to 3 px of a 48 px face, in both directions
  const px = VIEW_SHIFT * BASE_SIDE
  for (let sy = -3; sy <= 3; sy++)
    for (let sx = -3; sx <= 3; sx++)
      if (sx !== 0 || sy !== 0)
        defs.push({
          name: `shift(${sx},${sy})`,
          rect: { x0: -sx * px, y0: -sy * px, x1: BASE_SIDE - sx * px, y1: BASE_SIDE - sy * px },
        })
  const zoom = (scale: number, dx: number, dy: number): Rect => {
    const half = BASE_SIDE / 2 / scale
    return {
      x0: BASE_SIDE / 2 - half - dx,
      y0: BASE_SIDE / 2 - half - dy,
      x1: BASE_SIDE / 2 + half - dx,
      y1: BASE_SIDE / 2 + half - dy,
    }
  }
  for (const scale of VIEW_SCALES) defs.push({ name: `zoom ${scale}`, rect: zoom(scale, 0, 0) })
  // a crop resized back is a zoom-in and a shift together: the zoomed-out views also move by 1.5 px per 48
  for (const scale of VIEW_CROP_SCALES)
    for (const step of [1.5, 3])
      for (const [sx, sy] of directions) {
        const d = step * VIEW_SHIFT * BASE_SIDE
        defs.push({ name: `zoom ${scale} shift(${sx * step},${sy * step})`, rect: zoom(scale, sx * d, sy * d) })
      }
  return defs
})()
const DEF_BY_NAME = new Map(VIEW_DEFS.map((d) => [d.name, d]))
/**
 * The views read mirrored: the image itself, its shifts of up to 2 px per 48 and its zooms by 0.95 and 1.05 (a mirrored
 * copy that was also moved or zoomed much further is rare; each mirrored view costs as much as a plain one).
 */
const MIRRORED_DEFS: readonly number[] = VIEW_DEFS.flatMap((d, k) => {
  const m = /^shift\((-?\d+),(-?\d+)\)$/.exec(d.name)
  const small = m ? Math.abs(Number(m[1])) <= 2 && Math.abs(Number(m[2])) <= 2 : false
  return d.name === 'identity' || small || d.name === 'zoom 0.95' || d.name === 'zoom 1.05' ? [k] : []
})
/** Every view's name: the views of VIEW_DEFS, then those of MIRRORED_DEFS read mirrored ('mirrored' is the image's mirror image). */
export const VIEW_NAMES: readonly string[] = [
  ...VIEW_DEFS.map((d) => d.name),
  ...MIRRORED_DEFS.map((k) => (k === 0 ? 'mirrored' : `mirrored ${VIEW_DEFS[k]!.name}`)),
]
/** Index of the mirrored image among VIEW_NAMES. */
export const MIRRORED_VIEW = VIEW_DEFS.length
/** Per view of VIEW_NAMES: the view of VIEW_DEFS it reads (mirrored or not). */
export const VIEW_SOURCE: Int32Array = Int32Array.from([...VIEW_DEFS.keys(), ...MIRRORED_DEFS])
/** Per view of VIEW_DEFS: its position among the mirrored views, or −1. */
const MIRROR_SLOT: Int32Array = (() => {
  const slots = new Int32Array(VIEW_DEFS.length).fill(-1)
  MIRRORED_DEFS.forEach((k, i) => {
    slots[k] = i
  })
  return slots
})()

/** Bilinear sample points along one axis: `cells` cell centres of [from, to) in base pixels (lower index, weight of the upper). */
function axisPoints(from: number, to: number, cells: number): { index: Int32Array; frac: Float32Array } {
  const index = new Int32Array(cells)
  const frac = new Float32Array(cells)
  for (let c = 0; c < cells; c++) {
    const at = from + ((c + 0.5) * (to - from)) / cells - 0.5
    const i = Math.floor(at)
    index[c] = i
    frac[c] = at - i
  }
  return { index, frac }
}
const VIEW_POINTS = VIEW_DEFS.map((d) => ({
  gridX: axisPoints(d.rect.x0, d.rect.x1, 9),
  gridY: axisPoints(d.rect.y0, d.rect.y1, 8),
  thumbX: axisPoints(d.rect.x0, d.rect.x1, THUMB_SIDE),
  thumbY: axisPoints(d.rect.y0, d.rect.y1, THUMB_SIDE),
}))

/** Per view, its 72 grid samples' four bilinear taps: base index (edges replicated) and weight. */
const GRID_TAP_INDEX = new Int32Array(VIEW_DEFS.length * 72 * 4)
const GRID_TAP_WEIGHT = new Float32Array(VIEW_DEFS.length * 72 * 4)
{
  const last = BASE_SIDE - 1
  const clamp = (v: number): number => (v < 0 ? 0 : Math.min(v, last))
  VIEW_POINTS.forEach((p, k) => {
    for (let j = 0; j < 8; j++)
      for (let i = 0; i < 9; i++) {
        const at = ((k * 72 + j * 9 + i) * 4) | 0
        const y0 = p.gridY.index[j]!
        const fy = p.gridY.frac[j]!
        const x0 = p.gridX.index[i]!
        const fx = p.gridX.frac[i]!
        const taps: Array<[number, number]> = [
          [clamp(y0) * BASE_SIDE + clamp(x0), (1 - fx) * (1 - fy)],
          [clamp(y0) * BASE_SIDE + clamp(x0 + 1), fx * (1 - fy)],
          [clamp(y0 + 1) * BASE_SIDE + clamp(x0), (1 - fx) * fy],
          [clamp(y0 + 1) * BASE_SIDE + clamp(x0 + 1), fx * fy],
        ]
        taps.forEach(([index, weight], t) => {
          GRID_TAP_INDEX[at + t] = index
          GRID_TAP_WEIGHT[at + t] = weight
        })
      }
  })
}

/**
 * View k's 9×8 grid (into grids at 72·k), its dHash and, when it is read mirrored too, its mirror image's (hashes at 2k
 * and 2(n + slot)), and the weak-bit masks of both (weak at per·k and per·(n + slot)). Read mirrored, comparison (y, x) is (y, 7 − x) of the plain grid with
 * the sides swapped: its bit is set when the plain difference there is negative, and it is as certain.
 */
function viewInto(
  b: Float32Array,
  k: number,
  n: number,
  grids: Float32Array,
  hashes: Uint32Array,
  weak: Int32Array,
): void {
  const g = 72 * k
  for (let s = 0, t = g * 4; s < 72; s++, t += 4)
    grids[g + s] =
      b[GRID_TAP_INDEX[t]!]! * GRID_TAP_WEIGHT[t]! +
      b[GRID_TAP_INDEX[t + 1]!]! * GRID_TAP_WEIGHT[t + 1]! +
      b[GRID_TAP_INDEX[t + 2]!]! * GRID_TAP_WEIGHT[t + 2]! +
      b[GRID_TAP_INDEX[t + 3]!]! * GRID_TAP_WEIGHT[t + 3]!
  const diff = diffScratch
  const size = magnitudeScratch
  for (let y = 0; y < 8; y++)
    for (let x = 0; x < 8; x++) {
      diff[y * 8 + x] = grids[g + y * 9 + x + 1]! - grids[g + y * 9 + x]!
      size[y * 8 + x] = Math.abs(diff[y * 8 + x]!)
    }
  const per = HASH_CHUNK_ENDS.length * WEAK_BITS
  hashInto(diffBits, size, IN_ORDER, 1, k, per, hashes, weak)
  if (MIRROR_SLOT[k]! >= 0) hashInto(diffBits, size, MIRRORED_ORDER, -1, n + MIRROR_SLOT[k]!, per, hashes, weak)
}

/** The comparisons in hash-bit order, read as they are and read mirrored ((y, x) → (y, 7 − x)). */
const IN_ORDER = Int32Array.from({ length: 64 }, (_, i) => i)
const MIRRORED_ORDER = Int32Array.from({ length: 64 }, (_, i) => (i & ~7) + 7 - (i & 7))

/**
 * The dHash of one view (bit i set when sign × the difference read at order[i] is positive; `bits`: the float32 differences read as int32s) and its weak-bit masks: per
 * chunk, the bits of the smallest and second smallest magnitude (ties: the first).
 */
function hashInto(
  bits: Int32Array,
  size: Float32Array,
  order: Int32Array,
  sign: 1 | -1,
  view: number,
  per: number,
  hashes: Uint32Array,
  weak: Int32Array,
): void {
  let hi = 0
  let lo = 0
  let start = 0
  let o = per * view
  // the bit without a branch on the difference's sign (a coin toss per comparison), from the float32's own bits read
  // as an int32 v: the difference is > 0 when v > 0, and < 0 when v < 0 but is not −0's bits (0x80000000); grids are
  // sums of non-negative pixels times non-negative weights, so no difference is NaN
  for (let c = 0; c < HASH_CHUNK_ENDS.length; c++) {
    const end = HASH_CHUNK_ENDS[c]!
    let b1 = start
    let b2 = start
    let w1 = Infinity
    let w2 = Infinity
    for (let i = start; i <= end; i++) {
      const at = order[i]!
      const v = bits[at]!
      const set = sign > 0 ? (-v >>> 31) & ~(v >>> 31) : (((v - 1) | 0) >>> 31) & (v >>> 31)
      if (i < 32) hi |= set << (31 - i)
      else lo |= set << (63 - i)
      const w = size[at]!
      if (w < w1) {
        b2 = b1
        w2 = w1
        b1 = i
        w1 = w
      } else if (w < w2) {
        b2 = i
        w2 = w
      }
    }
    weak[o++] = 1 << (end - b1)
    weak[o++] = 1 << (end - b2)
    start = end + 1
  }
  hashes[2 * view] = hi >>> 0
  hashes[2 * view + 1] = lo >>> 0
}
const diffScratch = new Float32Array(64)
/** diffScratch's bits, as int32s (hashInto). */
const diffBits = new Int32Array(diffScratch.buffer)
const magnitudeScratch = new Float32Array(64)

/** Bilinear samples of a blurred base at the product of two axes' points, into `out` (edges replicated). */
function sampleGrid(
  b: Float32Array,
  xs: { index: Int32Array; frac: Float32Array },
  ys: { index: Int32Array; frac: Float32Array },
  out: Float32Array,
): Float32Array {
  const last = BASE_SIDE - 1
  const w = xs.index.length
  for (let j = 0; j < ys.index.length; j++) {
    const y0 = ys.index[j]!
    const fy = ys.frac[j]!
    const ra = (y0 < 0 ? 0 : Math.min(y0, last)) * BASE_SIDE
    const rb = (y0 + 1 < 0 ? 0 : Math.min(y0 + 1, last)) * BASE_SIDE
    for (let i = 0; i < w; i++) {
      const x0 = xs.index[i]!
      const fx = xs.frac[i]!
      const xa = x0 < 0 ? 0 : Math.min(x0, last)
      const xb = x0 + 1 < 0 ? 0 : Math.min(x0 + 1, last)
      const top = b[ra + xa]! + (b[ra + xb]! - b[ra + xa]!) * fx
      const bottom = b[rb + xa]! + (b[rb + xb]! - b[rb + xa]!) * fx
      out[j * w + i] = top + (bottom - top) * fy
    }
  }
  return out
}

/** The index's chunks of the 64-bit hash end at these bit numbers (bit i = y·8 + x of the 8×8 comparisons); a chunk's key holds bit i at position end − i. */
export const HASH_CHUNK_ENDS = [21, 42, 63] as const
/** How many of each chunk's least certain bits a view's weak masks flip. */
export const WEAK_BITS = 2

/** Cells of the 9×8 hash grid. */
export const GRID_CELLS = 72

/** A 9×8 grid read mirrored (x → 8 − x), into out at `at`. */
export function mirrorGridInto(g: Float32Array, out: Float32Array, at: number): void {
  for (let y = 0; y < 8; y++) for (let x = 0; x < 9; x++) out[at + y * 9 + x] = g[y * 9 + 8 - x]!
}

/** Where a named view of an image samples it, as an alignment (the start of the pair's alignment search, src/audit/alignPair.ts). */
export function viewAlignment(name: string): Alignment {
  const mirrored = name.startsWith('mirrored')
  const plain = name === 'mirrored' ? 'identity' : mirrored ? name.slice('mirrored '.length) : name
  const rect = DEF_BY_NAME.get(plain)?.rect ?? { x0: 0, y0: 0, x1: BASE_SIDE, y1: BASE_SIDE }
  const scale = (rect.x1 - rect.x0) / BASE_SIDE
  const half = BASE_SIDE / 2
  // read mirrored, the view's frame point X shows its point 32 − X: the same offset with the mirror flag
  return { dx: rect.x0 + half * scale - half, dy: rect.y0 + half * scale - half, scale, mirrored }
}

/** The image as it is: its dHash and thumbnail, and its 32×32 base (rounded), from which any view of it can be cut again. */
export interface ImageSignature {
  hash: [number, number]
  thumb: Float32Array
  /** The 9×8 hash grid, normalised (zero mean, unit length). */
  grid: Float32Array
  base: Uint8Array
}

/** What computing an image's views yields (the costly part, run on a worker thread by the audit: src/audit/viewsPool.ts). */
export interface ViewParts {
  /** The 32×32 base (floats). */
  base: Float32Array
  hashes: Uint32Array
  weak: Int32Array
  grids: Float32Array
  /** The base blurred for the thumbnails (THUMB_BLUR), from which a view's thumbnail is sampled on demand. */
  forThumb: Float32Array
  /** The image's own normalised thumbnail (view 0). */
  thumb: Float32Array
  /** The base rounded to 8 bits (the signature's, for the pair alignment). */
  rounded: Uint8Array
}

/** The base of an image, its views' hashes, weak-bit masks and normalised grids, and its own thumbnail. */
export function viewParts(image: RawImage): ViewParts {
  const n = VIEW_DEFS.length
  const total = VIEW_NAMES.length
  const per = HASH_CHUNK_ENDS.length * WEAK_BITS
  const area = BASE_SIDE * BASE_SIDE
  const thumbArea = THUMB_SIDE * THUMB_SIDE
  // every part in one buffer (one transfer from a worker thread): the 4-byte arrays first, the bytes last
  const buffer = new ArrayBuffer(4 * (area + 2 * total + total * per + GRID_CELLS * n + area + thumbArea) + area)
  let at = 0
  const carve = <T>(
    make: (buffer: ArrayBuffer, offset: number, length: number) => T,
    length: number,
    bytes: number,
  ): T => {
    const part = make(buffer, at, length)
    at += length * bytes
    return part
  }
  const floats = (length: number): Float32Array => carve((b, o, l) => new Float32Array(b, o, l), length, 4)
  const base = baseOf(image, floats(area))
  const hashes = carve((b, o, l) => new Uint32Array(b, o, l), 2 * total, 4)
  const weak = carve((b, o, l) => new Int32Array(b, o, l), total * per, 4)
  const grids = floats(GRID_CELLS * n)
  const forThumb = floats(area)
  const thumb = floats(thumbArea)
  const rounded = carve((b, o, l) => new Uint8Array(b, o, l), area, 1)
  const forGrid = blurred(base, GRID_BLUR, gridBlurScratch.fill(0))
  for (let k = 0; k < n; k++) {
    viewInto(forGrid, k, n, grids, hashes, weak)
    normaliseRange(grids, GRID_CELLS * k, GRID_CELLS)
  }
  blurred(base, THUMB_BLUR, forThumb)
  for (let i = 0; i < base.length; i++) rounded[i] = Math.round(base[i]!)
  return { base, hashes, weak, grids, forThumb, thumb: viewThumb(forThumb, 0, thumb), rounded }
}

/** The normalised thumbnail of plain view k (of VIEW_DEFS) from the base blurred for thumbnails (into `out`). */
function viewThumb(
  forThumb: Float32Array,
  k: number,
  out: Float32Array = new Float32Array(THUMB_SIDE * THUMB_SIDE),
): Float32Array {
  const p = VIEW_POINTS[k]!
  return normalise(sampleGrid(forThumb, p.thumbX, p.thumbY, out))
}

/** The image's own signature and every view to query the index with (VIEW_NAMES order), from its view parts. */
export function viewsOf(parts: ViewParts): { signature: ImageSignature; views: ViewSet } {
  const { hashes, weak, grids, forThumb } = parts
  const n = VIEW_DEFS.length
  const thumbs: Array<Float32Array | undefined> = new Array(VIEW_NAMES.length)
  thumbs[0] = parts.thumb
  const thumb = (k: number): Float32Array => {
    let t = thumbs[k]
    if (!t) {
      t = k >= n ? mirrorThumb(thumb(VIEW_SOURCE[k]!)) : viewThumb(forThumb, k)
      thumbs[k] = t
    }
    return t
  }
  return {
    // the index keeps the signature: copies, so that the parts' buffer is not kept with it
    signature: {
      hash: [hashes[0]!, hashes[1]!],
      thumb: parts.thumb.slice(),
      grid: grids.slice(0, GRID_CELLS),
      base: parts.rounded.slice(),
    },
    views: { hashes, weak, grids, thumb },
  }
}

/** The image's own signature and every view to query the index with (VIEW_NAMES order). */
export function imageViews(image: RawImage): { signature: ImageSignature; views: ViewSet } {
  return viewsOf(viewParts(image))
}

export function popcount32(v: number): number {
  v = v - ((v >>> 1) & 0x55555555)
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333)
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24
}

export function hamming(a: readonly [number, number], b: readonly [number, number]): number {
  return popcount32((a[0] ^ b[0]) >>> 0) + popcount32((a[1] ^ b[1]) >>> 0)
}
