/**
 * Confirmation of one candidate pair of the duplicate audit (src/audit/nearDuplicates.ts): is the
 * newer image a re-saved copy of the stored one? Both are given as their 32×32 area-averaged gray
 * bases (src/audit/imageSignature.ts). The newer image is ALIGNED to the stored one — a search
 * over shifts, scales and (for mirrored candidates) the mirror image, starting from the view that
 * made the pair a candidate — then its TONE is mapped onto the stored image's by a monotone curve
 * fitted to the pair (brightness, contrast, gamma and clipping all are such curves), and the
 * pair's similarity is the Pearson correlation of the stored image with the aligned, tone-mapped
 * copy over the central 84 % of the frame (borders are where shifted and cropped copies lost or
 * replicated pixels). The alignment and the curve also say what was done to the copy: the
 * transformation class (docs/detectors.md).
 */
import type { TRANSFORMATION_CLASSES } from '../results/auditDocument.js'

/** Side of the base every comparison samples from. */
export const BASE_SIDE = 32
/** Side of the grid the pair is compared on, and the central part of the frame it covers. */
const GRID = 16
const COVER = 0.84
/** Tone curve: bins of the copy's intensity, each mapped to the stored image's mean there. */
const TONE_BINS = 12

/** Where the copy's pixel for the stored image's frame point X is: 16 + scale·(±(X − 16)) + dx (base pixels; ± is the mirror). */
export interface Alignment {
  dx: number
  dy: number
  scale: number
  mirrored: boolean
}

export interface PairMatch {
  /** Correlation of the stored image with the aligned, tone-mapped copy (1: identical up to the transformation). */
  similarity: number
  alignment: Alignment
  /** Mean absolute difference between the fitted tone curve and the identity, in 8-bit gray levels. */
  toneChange: number
  /** The worst 3×3-cell window of what is left after alignment and tone mapping, as a share of the stored image's variance. */
  localResidual: number
  /** The worst 4×4-cell window of what is left, as a share of the stored image's own variance in that window (floored at DETAIL_FLOOR of its whole variance): a feature drawn differently (eyes, brows) weighs by its own contrast. */
  detailResidual: number
}

/** The transformation classes a confirmed pair is put in (the strongest that applies, in this order). */
export type Transformation = (typeof TRANSFORMATION_CLASSES)[number]

/** Side (cells) of the detail residual's window, and the floor of the window's variance as a share of the image's. */
const DETAIL_WINDOW = 4
const DETAIL_FLOOR = 0.05

/** Class boundaries: a scale off by at least this, a shift of at least this fraction of the side, a tone curve this many gray levels from the identity. */
export const SCALE_CLASS_MIN = 0.03
export const SHIFT_CLASS_MIN_FRACTION = 0.75 / 48
export const TONE_CLASS_MIN = 4

export function transformationOf(match: PairMatch): Transformation {
  const a = match.alignment
  if (a.mirrored) return 'mirror'
  if (Math.abs(a.scale - 1) >= SCALE_CLASS_MIN) return 'scale'
  if (Math.hypot(a.dx, a.dy) / BASE_SIDE >= SHIFT_CLASS_MIN_FRACTION) return 'shift'
  if (match.toneChange >= TONE_CLASS_MIN) return 'photometric'
  return 'jpeg/blur'
}

/** The lattice's frame coordinates, the same along both axes (base pixels from the centre). */
const LATTICE = Float64Array.from({ length: GRID }, (_, i) => ((i + 0.5) / GRID - 0.5) * BASE_SIDE * COVER)
/** Per lattice column of the current sample: the two pixel columns read (edges replicated) and the weight of the second. */
const columnA = new Int32Array(GRID)
const columnB = new Int32Array(GRID)
const columnWeight = new Float64Array(GRID)

/** Bilinear samples of a base on a GRID × GRID lattice over the central COVER of the frame, placed by an alignment (edges replicated). */
function sampleInto(base: Uint8Array, a: Alignment, out: Float32Array): Float32Array {
  const half = BASE_SIDE / 2
  const last = BASE_SIDE - 1
  const sign = a.mirrored ? -1 : 1
  // the columns are the same for every row: placed once
  for (let i = 0; i < GRID; i++) {
    const sx = half + sign * a.scale * LATTICE[i]! + a.dx - 0.5
    const x0 = Math.floor(sx)
    columnWeight[i] = sx - x0
    columnA[i] = x0 < 0 ? 0 : Math.min(x0, last)
    columnB[i] = x0 + 1 < 0 ? 0 : Math.min(x0 + 1, last)
  }
  for (let j = 0; j < GRID; j++) {
    const sy = half + a.scale * LATTICE[j]! + a.dy - 0.5
    const y0 = Math.floor(sy)
    const fy = sy - y0
    const ra = (y0 < 0 ? 0 : Math.min(y0, last)) * BASE_SIDE
    const rb = (y0 + 1 < 0 ? 0 : Math.min(y0 + 1, last)) * BASE_SIDE
    for (let i = 0; i < GRID; i++) {
      const fx = columnWeight[i]!
      const xa = columnA[i]!
      const xb = columnB[i]!
      out[j * GRID + i] =
        (base[ra + xa]! * (1 - fx) + base[ra + xb]! * fx) * (1 - fy) +
        (base[rb + xa]! * (1 - fx) + base[rb + xb]! * fx) * fy
    }
  }
  return out
}

/** Zero mean, unit length (in place); a flat grid stays all zeros. */
function normalise(v: Float32Array): Float32Array {
  let mean = 0
  for (const x of v) mean += x
  mean /= v.length
  let norm = 0
  for (let i = 0; i < v.length; i++) {
    const d = v[i]! - mean
    v[i] = d
    norm += d * d
  }
  norm = Math.sqrt(norm)
  if (norm > 1e-6) for (let i = 0; i < v.length; i++) v[i]! /= norm
  else v.fill(0)
  return v
}

const scratch = new Float32Array(GRID * GRID)
const identity: Alignment = { dx: 0, dy: 0, scale: 1, mirrored: false }

/**
 * Correlation of a normalised reference grid with the copy placed by `a`: normalise() of the samples and the dot
 * product, the last pass of one joined with the other (each sample divided by the length and rounded to float32 as
 * normalise() stores it, then multiplied), so the same operations in the same order give the same value.
 */
function score(reference: Float32Array, copy: Uint8Array, a: Alignment): number {
  const v = sampleInto(copy, a, scratch)
  const n = v.length
  let mean = 0
  for (let i = 0; i < n; i++) mean += v[i]!
  mean /= n
  let norm = 0
  for (let i = 0; i < n; i++) {
    const d = v[i]! - mean
    v[i] = d
    norm += d * d
  }
  norm = Math.sqrt(norm)
  // a flat grid normalises to zeros: its products sum to +0
  if (!(norm > 1e-6)) return 0
  let dot = 0
  for (let i = 0; i < n; i++) dot += Math.fround(v[i]! / norm) * reference[i]!
  return dot
}

/** The correlation the best point of the alignment grid must reach for the search to go on (calibration: docs/detectors.md). */
const ALIGN_GRID_MIN = 0.97

/** One base pixel in units of a 48-pixel face: the search steps below are set in those. */
const PX48 = BASE_SIDE / 48

/**
 * The best alignment of `copy` to `stored` near `hint` (a grid of ±1 px and ±3 % around it, then
 * a descent down to 1/8 px and 0.5 %), the tone curve at that alignment, and the similarity after both.
 * When the grid's best correlation is below ALIGN_GRID_MIN (or `minSimilarity`, the confirmation bar, when
 * that is lower) the search stops there: the grid's best is returned with localResidual 1 (no copy).
 */
export function alignPair(stored: Uint8Array, copy: Uint8Array, hint: Alignment, minSimilarity = 1): PairMatch {
  const reference = normalise(sampleInto(stored, identity, new Float32Array(GRID * GRID)))
  let best = hint
  let bestScore = -2
  for (const ds of [0, -0.03, 0.03])
    for (const oy of [0, -1, 1])
      for (const ox of [0, -1, 1]) {
        const a = { ...hint, dx: hint.dx + ox * PX48, dy: hint.dy + oy * PX48, scale: hint.scale * (1 + ds) }
        const s = score(reference, copy, a)
        if (s > bestScore) {
          bestScore = s
          best = a
        }
      }
  // a pair this far apart at the best grid point is no copy: the descent and the tone curve do not bring it to the bar
  if (bestScore < Math.min(ALIGN_GRID_MIN, minSimilarity))
    return { similarity: bestScore, alignment: best, toneChange: 0, localResidual: 1, detailResidual: 1 }
  for (const step of [0.5, 0.25, 0.125]) {
    for (let round = 0; round < 4; round++) {
      let moved = false
      for (const [ox, oy, os] of [
        [1, 0, 0],
        [-1, 0, 0],
        [0, 1, 0],
        [0, -1, 0],
        [0, 0, 1],
        [0, 0, -1],
      ] as const) {
        const a = {
          ...best,
          dx: best.dx + ox * step * PX48,
          dy: best.dy + oy * step * PX48,
          scale: best.scale + (os * step) / 24,
        }
        const s = score(reference, copy, a)
        if (s > bestScore) {
          bestScore = s
          best = a
          moved = true
        }
      }
      if (!moved) break
    }
  }
  return { ...toneMapped(stored, copy, best), alignment: best }
}

/** The tone curve (copy → stored, monotone by construction: bin means of sorted intensities) and the correlation after it. */
function toneMapped(
  stored: Uint8Array,
  copy: Uint8Array,
  a: Alignment,
): { similarity: number; toneChange: number; localResidual: number; detailResidual: number } {
  const s = sampleInto(stored, identity, new Float32Array(GRID * GRID))
  const c = sampleInto(copy, a, new Float32Array(GRID * GRID))
  const n = s.length
  // equal-count bins of the copy's intensities: each bin's mean copy value maps to its mean stored value
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => c[i]! - c[j]!)
  const fromX: number[] = []
  const toY: number[] = []
  for (let b = 0; b < TONE_BINS; b++) {
    const lo = Math.floor((b * n) / TONE_BINS)
    const hi = Math.floor(((b + 1) * n) / TONE_BINS)
    let sx = 0
    let sy = 0
    for (let k = lo; k < hi; k++) {
      sx += c[order[k]!]!
      sy += s[order[k]!]!
    }
    fromX.push(sx / (hi - lo))
    toY.push(sy / (hi - lo))
  }
  // pool adjacent violators: the curve may only rise (pooled bins keep their summed x, y and weight)
  const sumX: number[] = []
  const sumY: number[] = []
  const ws: number[] = []
  for (let b = 0; b < TONE_BINS; b++) {
    sumX.push(fromX[b]!)
    sumY.push(toY[b]!)
    ws.push(1)
    for (let k = ws.length - 1; k > 0 && sumY[k - 1]! / ws[k - 1]! > sumY[k]! / ws[k]!; k--) {
      sumX[k - 1]! += sumX.pop()!
      sumY[k - 1]! += sumY.pop()!
      ws[k - 1]! += ws.pop()!
    }
  }
  const xs = sumX.map((x, k) => x / ws[k]!)
  const ys = sumY.map((y, k) => y / ws[k]!)
  // linear between the bins' means, extended beyond the first and last by the neighbouring segment's slope
  const last = xs.length - 1
  const slope = (k: number): number => (xs[k + 1]! - xs[k]! > 1e-6 ? (ys[k + 1]! - ys[k]!) / (xs[k + 1]! - xs[k]!) : 0)
  const curve = (v: number): number => {
    if (last === 0) return ys[0]!
    if (v <= xs[0]!) return ys[0]! + (v - xs[0]!) * slope(0)
    for (let k = 1; k <= last; k++) if (v <= xs[k]!) return ys[k - 1]! + (v - xs[k - 1]!) * slope(k - 1)
    return ys[last]! + (v - xs[last]!) * slope(last - 1)
  }
  let meanS = 0
  for (const v of s) meanS += v
  meanS /= n
  let sst = 0
  let sse = 0
  let change = 0
  const residual = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    const mapped = curve(c[i]!)
    residual[i] = s[i]! - mapped
    sse += (s[i]! - mapped) ** 2
    sst += (s[i]! - meanS) ** 2
    change += Math.abs(mapped - c[i]!)
  }
  // the worst 3×3-cell window of the residual, as a share of the stored image's variance there
  let worst = 0
  for (let y = 0; y + 3 <= GRID; y++)
    for (let x = 0; x + 3 <= GRID; x++) {
      let w = 0
      for (let v = y; v < y + 3; v++) for (let u = x; u < x + 3; u++) w += residual[v * GRID + u]! ** 2
      if (w > worst) worst = w
    }
  return {
    similarity: sst > 1e-9 ? Math.sqrt(Math.max(0, 1 - sse / sst)) : 0,
    toneChange: change / n,
    localResidual: sst > 1e-9 ? worst / 9 / (sst / n) : 0,
    detailResidual: sst > 1e-9 ? worstDetail(residual, s, sst / n) : 0,
  }
}

/** The worst DETAIL_WINDOW-cell window's residual energy over the stored image's variance energy in it (floored at DETAIL_FLOOR × `variance` per cell). */
function worstDetail(residual: Float32Array, s: Float32Array, variance: number): number {
  const w = DETAIL_WINDOW
  const floor = DETAIL_FLOOR * variance * w * w
  let worst = 0
  for (let y = 0; y + w <= GRID; y++)
    for (let x = 0; x + w <= GRID; x++) {
      let energy = 0
      let mean = 0
      for (let v = y; v < y + w; v++)
        for (let u = x; u < x + w; u++) {
          energy += residual[v * GRID + u]! ** 2
          mean += s[v * GRID + u]!
        }
      mean /= w * w
      let spread = 0
      for (let v = y; v < y + w; v++) for (let u = x; u < x + w; u++) spread += (s[v * GRID + u]! - mean) ** 2
      const share = energy / Math.max(spread, floor)
      if (share > worst) worst = share
    }
  return worst
}
