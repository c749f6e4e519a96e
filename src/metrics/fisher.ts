/**
 * Fisher's exact test for a 2×2 table [[a, b], [c, d]], two-sided: the sum of the hypergeometric
 * probabilities (margins fixed) of every table no more probable than the observed one, with a
 * relative tolerance of 1e-7 for ties (as R's fisher.test and SciPy's fisher_exact do). Computed in
 * log space, so tables of any size neither overflow nor underflow.
 */
export function fisherExact(a: number, b: number, c: number, d: number): number {
  for (const [name, v] of [
    ['a', a],
    ['b', b],
    ['c', c],
    ['d', d],
  ] as const) {
    if (!Number.isInteger(v) || v < 0)
      throw new RangeError(`Fisher exact test: cell ${name} must be a non-negative integer; got ${v}`)
  }
  const row1 = a + b
  const row2 = c + d
  const col1 = a + c
  const n = row1 + row2
  if (row1 === 0 || row2 === 0 || col1 === 0 || col1 === n) return 1
  const logFact = new Float64Array(n + 1)
  for (let i = 2; i <= n; i++) logFact[i] = logFact[i - 1]! + Math.log(i)
  const logChoose = (k: number, r: number): number => logFact[k]! - logFact[r]! - logFact[k - r]!
  const logTotal = logChoose(n, col1)
  const logP = (x: number): number => logChoose(row1, x) + logChoose(row2, col1 - x) - logTotal
  const observed = logP(a)
  const limit = observed + Math.log1p(1e-7)
  let p = 0
  for (let x = Math.max(0, col1 - row2); x <= Math.min(row1, col1); x++) {
    const lp = logP(x)
    if (lp <= limit) p += Math.exp(lp)
  }
  return Math.min(1, p)
}
