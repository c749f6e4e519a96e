/** Independent two-sided Fisher exact p-value: exact rational arithmetic with BigInt binomials. */
export function fisherBrute(a: number, b: number, c: number, d: number): number {
  const choose = (n: number, k: number): bigint => {
    let r = 1n
    for (let i = 1; i <= k; i++) r = (r * BigInt(n - k + i)) / BigInt(i)
    return r
  }
  const r1 = a + b
  const r2 = c + d
  const c1 = a + c
  const weight = (x: number): bigint => choose(r1, x) * choose(r2, c1 - x)
  const observed = weight(a)
  let num = 0n
  for (let x = Math.max(0, c1 - r2); x <= Math.min(r1, c1); x++) if (weight(x) <= observed) num += weight(x)
  const den = choose(r1 + r2, c1)
  return Number((num * 10n ** 15n) / den) / 1e15
}
