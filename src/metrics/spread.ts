/**
 * Mean and variance of a set of numbers, with the divisor stated by the caller:
 *   variance = Σ (v − mean)² / (n − ddof)
 * ddof 0 is the population variance (numpy's default: cross-validation's spread over folds),
 * ddof 1 the sample variance (Bessel's correction: latency std, log-ratio intervals).
 * With n ≤ ddof values the variance is 0; with no values the mean is NaN (callers that can see none guard).
 */
export function meanVariance(values: ArrayLike<number>, ddof: 0 | 1): { mean: number; variance: number; n: number } {
  const n = values.length
  let sum = 0
  for (let i = 0; i < n; i++) sum += values[i]!
  const mean = sum / n
  let squares = 0
  for (let i = 0; i < n; i++) squares += (values[i]! - mean) ** 2
  return { mean, variance: n > ddof ? squares / (n - ddof) : 0, n }
}
