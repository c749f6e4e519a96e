/**
 * Paired significance for two classifiers scored on the same samples: McNemar's exact test.
 *
 * Notation: for each sample, A (the baseline) and B (the current model) are each right or wrong.
 *   b01 = samples A got wrong and B got right,
 *   b10 = samples A got right and B got wrong.
 * Samples both got right or both got wrong carry no information about which is better.
 * Under H0 (equal accuracy) each discordant sample is equally likely to fall either way, so
 * b01 ~ Binomial(n = b01 + b10, 1/2). The exact two-sided p-value is
 *   p = min(1, 2 · P(X ≤ min(b01, b10))),  X ~ Binomial(n, 1/2)
 * (the "exact" McNemar of statsmodels' `mcnemar(table, exact=True)`). n = 0 gives p = 1.
 * Pure functions; computed in log space so large n does not underflow.
 */

export interface McNemarResult {
  /** A wrong, B right. */
  b01: number
  /** A right, B wrong. */
  b10: number
  /** Two-sided exact p-value. */
  pValue: number
}

function checkCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0)
    throw new RangeError(`${name} must be a non-negative integer; got ${value}`)
}

/** log(exp(a) + exp(b)) without overflow. */
function logAdd(a: number, b: number): number {
  if (a === -Infinity) return b
  if (b === -Infinity) return a
  const hi = Math.max(a, b)
  return hi + Math.log1p(Math.exp(Math.min(a, b) - hi))
}

/** P(X ≤ k) for X ~ Binomial(n, 1/2). */
export function binomialHalfCdf(k: number, n: number): number {
  checkCount('n', n)
  if (k < 0) return 0
  if (k >= n) return 1
  const logHalfN = -n * Math.LN2
  let logC = 0 // log C(n, 0)
  let logSum = logHalfN
  for (let i = 1; i <= k; i++) {
    logC += Math.log((n - i + 1) / i)
    logSum = logAdd(logSum, logC + logHalfN)
  }
  return Math.min(1, Math.exp(logSum))
}

/** McNemar's exact two-sided test on the discordant counts. */
export function mcnemarExact(b01: number, b10: number): McNemarResult {
  checkCount('b01', b01)
  checkCount('b10', b10)
  const n = b01 + b10
  const pValue = n === 0 ? 1 : Math.min(1, 2 * binomialHalfCdf(Math.min(b01, b10), n))
  return { b01, b10, pValue }
}

export interface PairedOutcome {
  id: string
  /** Whether A (baseline) was right. */
  a: boolean
  /** Whether B (current) was right. */
  b: boolean
}

/** Discordant counts of paired outcomes, then McNemar's exact test. */
export function mcnemarFromPairs(pairs: readonly PairedOutcome[]): McNemarResult {
  let b01 = 0
  let b10 = 0
  for (const p of pairs) {
    if (!p.a && p.b) b01 += 1
    else if (p.a && !p.b) b10 += 1
  }
  return mcnemarExact(b01, b10)
}
