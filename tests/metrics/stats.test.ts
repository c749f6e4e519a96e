import { describe, expect, it } from 'vitest'
import { binomialHalfCdf, mcnemarExact, mcnemarFromPairs } from '../../src/metrics/stats.js'

/** Exact two-sided McNemar with BigInt binomial coefficients, written independently of stats.ts. */
function exactReference(b01: number, b10: number): number {
  const n = b01 + b10
  if (n === 0) return 1
  const k = Math.min(b01, b10)
  let c = 1n
  let sum = 0n
  for (let i = 0; i <= k; i++) {
    if (i > 0) c = (c * BigInt(n - i + 1)) / BigInt(i)
    sum += c
  }
  // 2 * sum / 2^n, done with enough precision for doubles
  const scaled = (2n * sum * 10n ** 30n) / 2n ** BigInt(n)
  return Math.min(1, Number(scaled) / 1e30)
}

describe('McNemar exact test', () => {
  it('matches hand-computed values', () => {
    // b01=0, b10=5: 2 · (1/2)^5
    expect(mcnemarExact(0, 5).pValue).toBeCloseTo(2 / 32, 12)
    // b01=1, b10=9: 2 · (C(10,0)+C(10,1)) / 2^10 = 22/1024
    expect(mcnemarExact(1, 9).pValue).toBeCloseTo(22 / 1024, 12)
    // b01=2, b10=8: 2 · (1+10+45)/1024 = 112/1024 (statsmodels mcnemar exact gives 0.109375)
    expect(mcnemarExact(8, 2).pValue).toBeCloseTo(0.109375, 12)
    // ties are capped at 1
    expect(mcnemarExact(3, 3).pValue).toBe(1)
    expect(mcnemarExact(0, 0).pValue).toBe(1)
    // b01=0, b10=1: 2 · 1/2 = 1
    expect(mcnemarExact(0, 1).pValue).toBe(1)
  })

  it('agrees with a BigInt reference for larger counts', () => {
    for (const [a, b] of [
      [10, 30],
      [100, 150],
      [400, 520],
      [0, 60],
      [1500, 1400],
    ] as const) {
      const p = mcnemarExact(a, b).pValue
      const ref = exactReference(a, b)
      expect(Math.abs(p - ref)).toBeLessThan(1e-12 + ref * 1e-9)
    }
  })

  it('is symmetric and rejects bad counts', () => {
    expect(mcnemarExact(4, 17).pValue).toBe(mcnemarExact(17, 4).pValue)
    expect(() => mcnemarExact(-1, 2)).toThrow(/b01/)
    expect(() => mcnemarExact(1.5, 2)).toThrow(/b01/)
  })

  it('binomial cdf edge cases', () => {
    expect(binomialHalfCdf(-1, 4)).toBe(0)
    expect(binomialHalfCdf(4, 4)).toBe(1)
    expect(binomialHalfCdf(2, 4)).toBeCloseTo(11 / 16, 12)
  })

  it('counts discordant pairs', () => {
    const r = mcnemarFromPairs([
      { id: '1', a: true, b: true },
      { id: '2', a: false, b: true },
      { id: '3', a: true, b: false },
      { id: '4', a: true, b: false },
      { id: '5', a: false, b: false },
    ])
    expect(r.b01).toBe(1)
    expect(r.b10).toBe(2)
  })
})
