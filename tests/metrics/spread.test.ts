import { describe, expect, it } from 'vitest'
import { meanVariance } from '../../src/metrics/spread.js'

describe('meanVariance', () => {
  // [2, 4, 4, 4, 5, 5, 7, 9]: mean 5, squared deviations sum to 32
  const values = [2, 4, 4, 4, 5, 5, 7, 9]

  it('divides by n with ddof 0 (population) and by n − 1 with ddof 1 (sample)', () => {
    expect(meanVariance(values, 0)).toEqual({ mean: 5, variance: 32 / 8, n: 8 })
    expect(meanVariance(values, 1)).toEqual({ mean: 5, variance: 32 / 7, n: 8 })
  })

  it('gives variance 0 when there are no more values than ddof, and a NaN mean for none', () => {
    expect(meanVariance([3], 1)).toEqual({ mean: 3, variance: 0, n: 1 })
    expect(meanVariance([3], 0)).toEqual({ mean: 3, variance: 0, n: 1 })
    expect(meanVariance([], 0).mean).toBeNaN()
  })

  it('reads typed arrays as well as plain ones', () => {
    expect(meanVariance(Float64Array.from(values), 1).variance).toBe(32 / 7)
  })
})
