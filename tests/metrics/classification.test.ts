import { describe, expect, it } from 'vitest'
import { classificationMetrics, confusionFromPairs, wilsonInterval } from '../../src/metrics/classification.js'

describe('classification metrics', () => {
  it('match a hand-worked 3-class example', () => {
    // truth:     a a a a b b b c c c
    // predicted: a a b c b b a c c b
    const counts = confusionFromPairs([0, 0, 0, 0, 1, 1, 1, 2, 2, 2], [0, 0, 1, 2, 1, 1, 0, 2, 2, 1], 3)
    expect(counts).toEqual([
      [2, 1, 1],
      [1, 2, 0],
      [0, 1, 2],
    ])
    const m = classificationMetrics(['a', 'b', 'c'], counts)
    expect(m.accuracy).toBe(6 / 10)
    expect(m.perClass.map((c) => c.precision)).toEqual([2 / 3, 2 / 4, 2 / 3])
    expect(m.perClass.map((c) => c.recall)).toEqual([2 / 4, 2 / 3, 2 / 3])
    expect(m.balancedAccuracy).toBeCloseTo((1 / 2 + 2 / 3 + 2 / 3) / 3, 15)
    const f1a = (2 * (2 / 3) * (1 / 2)) / (2 / 3 + 1 / 2)
    const f1b = (2 * (1 / 2) * (2 / 3)) / (1 / 2 + 2 / 3)
    expect(m.macroF1).toBeCloseTo((f1a + f1b + 2 / 3) / 3, 15)
  })

  it('never yields NaN for a class with no support or no predictions', () => {
    const m = classificationMetrics(
      ['a', 'b'],
      [
        [3, 0],
        [0, 0],
      ],
    )
    expect(m.perClass[1]).toEqual({ label: 'b', precision: 0, recall: 0, f1: 0, support: 0 })
    expect(m.balancedAccuracy).toBe(1)
  })

  it('Wilson interval matches published values (Newcombe 1998, 81/263: 0.2553–0.3662)', () => {
    const [lo, hi] = wilsonInterval(81, 263)
    expect(lo).toBeCloseTo(0.2553, 4)
    expect(hi).toBeCloseTo(0.3662, 4)
    expect(wilsonInterval(0, 0)).toEqual([0, 0])
    expect(wilsonInterval(10, 10)[1]).toBeCloseTo(1, 12)
  })

  it('rejects a non-square matrix naming the expected size', () => {
    expect(() =>
      classificationMetrics(
        ['a', 'b'],
        [
          [1, 2, 3],
          [1, 2, 3],
        ],
      ),
    ).toThrow(/2×2/)
  })
})
