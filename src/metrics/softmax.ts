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
