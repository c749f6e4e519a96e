import { describe, expect, it } from 'vitest'
import { max, mean, min, percentile, std, summarizeLatencies } from '../../src/metrics/timing.js'

describe('timing statistics (pure functions)', () => {
  it('mean, sample std, min, max of a hand-computed array', () => {
    const xs = [2, 4, 4, 4, 5, 5, 7, 9]
    expect(mean(xs)).toBe(5) // 40 / 8
    // squared deviations 9+1+1+1+0+0+4+16 = 32; sample variance 32/7
    expect(std(xs)).toBeCloseTo(Math.sqrt(32 / 7), 12)
    expect(min(xs)).toBe(2)
    expect(max(xs)).toBe(9)
    expect(std([3])).toBe(0)
  })

  it('nearest-rank percentiles: rank ceil(p/100 * n) of the sorted values', () => {
    const xs = [15, 20, 35, 40, 50] // the textbook nearest-rank example
    expect(percentile(xs, 5)).toBe(15) // rank ceil(0.25) = 1
    expect(percentile(xs, 30)).toBe(20) // rank ceil(1.5) = 2
    expect(percentile(xs, 40)).toBe(20) // rank 2
    expect(percentile(xs, 50)).toBe(35) // rank ceil(2.5) = 3
    expect(percentile(xs, 100)).toBe(50)
    expect(percentile([50, 40, 35, 20, 15], 50)).toBe(35) // order of input does not matter
  })

  it('1..100: p50 = 50, p90 = 90, p95 = 95, p99 = 99; 1..10: p99 = 10', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i)
    const s = summarizeLatencies(hundred)
    expect(s).toEqual({ mean: 50.5, std: s.std, min: 1, p50: 50, p90: 90, p95: 95, p99: 99, max: 100 })
    // variance of 1..n with n-1 divisor: n(n+1)/12
    expect(s.std).toBeCloseTo(Math.sqrt((100 * 101) / 12), 10)
    const ten = summarizeLatencies([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect([ten.p50, ten.p90, ten.p95, ten.p99]).toEqual([5, 9, 10, 10])
  })

  it('a single value is every statistic', () => {
    expect(summarizeLatencies([7.5])).toEqual({
      mean: 7.5,
      std: 0,
      min: 7.5,
      p50: 7.5,
      p90: 7.5,
      p95: 7.5,
      p99: 7.5,
      max: 7.5,
    })
  })

  it('rejects empty input and out-of-range p with a message naming the argument', () => {
    expect(() => mean([])).toThrow(/mean: needs at least one value/)
    expect(() => summarizeLatencies(new Float64Array(0))).toThrow(/summarizeLatencies/)
    expect(() => percentile([1, 2], 0)).toThrow(/p must be in \(0, 100\], got 0/)
    expect(() => percentile([1, 2], 101)).toThrow(/got 101/)
  })
})
