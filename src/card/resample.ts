import type { RawImage } from '../base/image.js'

/**
 * Resampling with OpenCV's `cv2.resize` conventions (what most FER training code calls):
 * half-pixel centres — destination pixel x samples source position (x + 0.5)·(src/dst) − 0.5 —
 * edges replicated, no antialiasing filter when shrinking.
 *  - nearest:  source index ⌊x·src/dst⌋ (cv2.INTER_NEAREST)
 *  - bilinear: 2 taps, cv2.INTER_LINEAR (equal to PIL BILINEAR when enlarging)
 *  - bicubic:  4 taps, Keys kernel a = −0.75, cv2.INTER_CUBIC
 * Separable, computed in float64 and rounded half away from zero to 0–255 once at the end (cv2
 * uses 11-bit fixed point in between, so a value may differ from cv2 by 1 at a rounding edge).
 * sharp (libvips) is not used for these: its 'linear' kernel samples about 0.4 px off the
 * half-pixel grid when enlarging 48 → 64, which shifts every FER2013 face.
 */
export type ResampleKernel = 'nearest' | 'bilinear' | 'bicubic'

interface Taps {
  /** For each destination index: `taps` source indices and weights. */
  index: Int32Array
  weight: Float64Array
  taps: number
}

const CUBIC_A = -0.75

function cubicWeights(t: number): [number, number, number, number] {
  const A = CUBIC_A
  const w0 = ((A * (t + 1) - 5 * A) * (t + 1) + 8 * A) * (t + 1) - 4 * A
  const w1 = ((A + 2) * t - (A + 3)) * t * t + 1
  const w2 = ((A + 2) * (1 - t) - (A + 3)) * (1 - t) * (1 - t) + 1
  return [w0, w1, w2, 1 - w0 - w1 - w2]
}

function axisTaps(srcLen: number, dstLen: number, kernel: ResampleKernel): Taps {
  const scale = srcLen / dstLen
  const taps = kernel === 'nearest' ? 1 : kernel === 'bilinear' ? 2 : 4
  const index = new Int32Array(dstLen * taps)
  const weight = new Float64Array(dstLen * taps)
  const clamp = (i: number): number => (i < 0 ? 0 : i >= srcLen ? srcLen - 1 : i)
  for (let x = 0; x < dstLen; x++) {
    const at = x * taps
    if (kernel === 'nearest') {
      index[at] = Math.min(Math.floor(x * scale), srcLen - 1)
      weight[at] = 1
      continue
    }
    const f = (x + 0.5) * scale - 0.5
    let s = Math.floor(f)
    let t = f - s
    if (kernel === 'bilinear') {
      if (s < 0) {
        s = 0
        t = 0
      }
      if (s >= srcLen - 1) {
        s = srcLen - 1
        t = 0
      }
      index[at] = s
      index[at + 1] = clamp(s + 1)
      weight[at] = 1 - t
      weight[at + 1] = t
    } else {
      const w = cubicWeights(t)
      for (let k = 0; k < 4; k++) {
        index[at + k] = clamp(s - 1 + k)
        weight[at + k] = w[k]!
      }
    }
  }
  return { index, weight, taps }
}

const tapsCache = new Map<string, Taps>()

/** axisTaps, memoised: a dataset resamples every image with the same few (source, destination) pairs. */
function cachedTaps(srcLen: number, dstLen: number, kernel: ResampleKernel): Taps {
  const key = `${kernel}:${srcLen}:${dstLen}`
  let taps = tapsCache.get(key)
  if (taps === undefined) {
    if (tapsCache.size > 64) tapsCache.clear()
    taps = axisTaps(srcLen, dstLen, kernel)
    tapsCache.set(key, taps)
  }
  return taps
}

/**
 * Rows of the horizontal pass, reused across calls (one resample runs at a time: it is synchronous).
 * Only the source rows an output row reads are computed, and only `taps` of them are held: memory
 * is taps × output row, whatever the source height (a 1 × 16,000,000 image needs 2 rows of 48).
 */
let rowStore = new Float64Array(0)

/** The horizontal pass of source row `y`: `width` columns × `c` channels, float64, into `mid`. */
function horizontalRow(
  d: Uint8Array,
  y: number,
  sw: number,
  c: number,
  width: number,
  hx: Taps,
  mid: Float64Array,
  base: number,
): void {
  const xIndex = hx.index
  const xWeight = hx.weight
  const xTaps = hx.taps
  if (xTaps === 2 && c === 1) {
    const srcRow = y * sw
    for (let x = 0, at = 0; x < width; x++, at += 2) {
      mid[base + x] = 0 + d[srcRow + xIndex[at]!]! * xWeight[at]! + d[srcRow + xIndex[at + 1]!]! * xWeight[at + 1]!
    }
    return
  }
  const srcRow = y * sw * c
  for (let x = 0; x < width; x++) {
    const at = x * xTaps
    for (let k = 0; k < c; k++) {
      let sum = 0
      for (let t = 0; t < xTaps; t++) sum += d[srcRow + xIndex[at + t]! * c + k]! * xWeight[at + t]!
      mid[base + x * c + k] = sum
    }
  }
}

/**
 * The separable resample. Each output value is the same float64 sum, in the same tap order, as a
 * plain per-pixel loop (`sum = 0; sum += src·w` per tap) computes; the loops only hoist the tap
 * tables and index arithmetic, unroll the 2-tap (bilinear) case and reuse the intermediate rows.
 * Allocation is proportional to the output: the tap tables, `taps` intermediate rows, the result.
 */
export function resample(image: RawImage, width: number, height: number, kernel: ResampleKernel): RawImage {
  const c = image.channels
  const sw = image.width
  const sh = image.height
  const hx = cachedTaps(sw, width, kernel)
  const hy = cachedTaps(sh, height, kernel)
  const d = image.data
  const rowLen = width * c
  const yTaps = hy.taps
  // Slot k holds the horizontal pass of source row slotRow[k]. Source rows are read in
  // non-decreasing order (each output row's taps are consecutive and move forward), so the slot of
  // the lowest row is the one to reuse.
  if (rowStore.length < yTaps * rowLen) rowStore = new Float64Array(yTaps * rowLen)
  const mid = rowStore
  const slotRow = new Int32Array(yTaps).fill(-1)
  const rowAt = (y: number): number => {
    let lowest = 0
    for (let k = 0; k < yTaps; k++) {
      if (slotRow[k] === y) return k * rowLen
      if (slotRow[k]! < slotRow[lowest]!) lowest = k
    }
    slotRow[lowest] = y
    horizontalRow(d, y, sw, c, width, hx, mid, lowest * rowLen)
    return lowest * rowLen
  }
  // Vertical pass: every value of an output row takes the same intermediate rows with the same weights.
  const out = new Uint8Array(height * rowLen)
  const yIndex = hy.index
  const yWeight = hy.weight
  const rows = new Int32Array(yTaps)
  for (let y = 0; y < height; y++) {
    const at = y * yTaps
    const outRow = y * rowLen
    // Fetch every tap's row before reading any: a fetch may reuse a slot, never one this row needs
    // (the row's taps are at most yTaps distinct rows, and older rows are evicted first).
    for (let t = 0; t < yTaps; t++) rows[t] = rowAt(yIndex[at + t]!)
    if (yTaps === 2) {
      const r0 = rows[0]!
      const r1 = rows[1]!
      const w0 = yWeight[at]!
      const w1 = yWeight[at + 1]!
      for (let i = 0; i < rowLen; i++) {
        const sum = 0 + mid[r0 + i]! * w0 + mid[r1 + i]! * w1
        out[outRow + i] = sum <= 0 ? 0 : sum >= 255 ? 255 : Math.round(sum)
      }
      continue
    }
    for (let i = 0; i < rowLen; i++) {
      let sum = 0
      for (let t = 0; t < yTaps; t++) sum += mid[rows[t]! + i]! * yWeight[at + t]!
      out[outRow + i] = sum <= 0 ? 0 : sum >= 255 ? 255 : Math.round(sum)
    }
  }
  return { data: out, width, height, channels: image.channels }
}
