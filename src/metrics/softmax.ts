/** Softmax over one row of scores, into `out`. */
export function softmaxRow(scores: Float32Array, offset: number, length: number, out: Float64Array): void {
  let max = -Infinity
  for (let i = 0; i < length; i++) max = Math.max(max, scores[offset + i]!)
  let sum = 0
  for (let i = 0; i < length; i++) {
    out[i] = Math.exp(scores[offset + i]! - max)
    sum += out[i]!
  }
  for (let i = 0; i < length; i++) out[i]! /= sum
}

/** How far from 1 a row's sum may be and still read as probabilities. */
const PROBABILITY_SUM_TOLERANCE = 1e-3

/**
 * Whether one row of scores looks like probabilities (a softmax output): every value in [0, 1]
 * (within 1e-6) and the sum 1 within 1e-3. A row with NaN is not.
 */
export function isProbabilityRow(scores: Float32Array, offset: number, length: number): boolean {
  let sum = 0
  for (let i = 0; i < length; i++) {
    const v = scores[offset + i]!
    if (!(v >= -1e-6 && v <= 1 + 1e-6)) return false
    sum += v
  }
  return Math.abs(sum - 1) <= PROBABILITY_SUM_TOLERANCE
}
