import { describe, expect, it } from 'vitest'
import { mapLabels } from '../../src/base/labelMapping.js'
import { binOf, CalibrationAccumulator, calibrationOf } from '../../src/metrics/calibration.js'
import { fitTemperature } from '../../src/metrics/temperature.js'
import { columnProbabilities } from '../../src/engine/scoring.js'

/** Five samples, three classes; confidences kept away from the bin edges (k/15). */
const TABLE = [
  { q: [0.9, 0.05, 0.05], truth: 0 }, // conf 0.90, bin 13 (0.867–0.933], right
  { q: [0.92, 0.04, 0.04], truth: 1 }, // conf 0.92, bin 13, wrong
  { q: [0.25, 0.55, 0.2], truth: 1 }, // conf 0.55, bin 8 (0.533–0.6], right
  { q: [0.5, 0.3, 0.2], truth: 2 }, // conf 0.50, bin 7 (0.467–0.533], wrong
  { q: [0.025, 0.025, 0.95], truth: 2 }, // conf 0.95, bin 14, right
]

describe('calibration metrics on a hand-computed table', () => {
  const c = calibrationOf(TABLE)

  it('ECE and MCE: |accuracy − confidence| per bin, weighted by the bin share / maximum', () => {
    // bin 13: 2 samples, mean confidence 0.91, accuracy 0.5 → 0.41; bin 8: 0.45; bin 7: 0.5; bin 14: 0.05
    expect(c.ece).toBeCloseTo((2 * 0.41 + 0.45 + 0.5 + 0.05) / 5, 12) // 0.364
    expect(c.ece).toBeCloseTo(0.364, 12)
    expect(c.mce).toBeCloseTo(0.5, 12)
  })

  it('bins hold the documented (m/15, (m+1)/15] ranges with their counts, mean confidence and accuracy', () => {
    const filled = c.bins.map((b, m) => ({ m, b })).filter((x) => x.b.samples > 0)
    expect(filled.map((x) => [x.m, x.b.samples, x.b.accuracy])).toEqual([
      [7, 1, 0],
      [8, 1, 1],
      [13, 2, 0.5],
      [14, 1, 1],
    ])
    expect(filled[2]!.b.confidence).toBeCloseTo(0.91, 12)
    expect(c.bins[13]!.low).toBeCloseTo(13 / 15, 15)
    expect(c.bins[13]!.high).toBeCloseTo(14 / 15, 15)
    expect(c.bins).toHaveLength(15)
  })

  it('NLL is the mean of −ln q[truth]; Brier the mean squared distance to the one-hot truth', () => {
    expect(c.nll).toBeCloseTo(
      -(Math.log(0.9) + Math.log(0.04) + Math.log(0.55) + Math.log(0.2) + Math.log(0.95)) / 5,
      12,
    )
    // 0.015 + 1.7696 + 0.305 + 0.98 + 0.00375, each worked out by hand
    expect(c.brier).toBeCloseTo((0.015 + 1.7696 + 0.305 + 0.98 + 0.00375) / 5, 12)
    expect(c.samples).toBe(5)
  })

  it('a truth class the model cannot output: probability 0 → NLL floored at 1e-15, Brier adds 1', () => {
    const one = calibrationOf([{ q: [0.6, 0.4], truth: -1 }])
    expect(one.nll).toBeCloseTo(-Math.log(1e-15), 9)
    expect(one.brier).toBeCloseTo(0.36 + 0.16 + 1, 12)
  })

  it('sums are additive: two halves added equal the whole (resume and merge rely on it)', () => {
    const a = new CalibrationAccumulator()
    for (const r of TABLE.slice(0, 2)) a.add(r.q, r.truth)
    const b = new CalibrationAccumulator()
    for (const r of TABLE.slice(2)) b.add(r.q, r.truth)
    const sum = new CalibrationAccumulator()
    sum.addSaved(a.metrics())
    sum.addSaved(b.metrics())
    const m = sum.metrics()
    expect(m.ece).toBeCloseTo(c.ece, 14)
    expect(m.nll).toBeCloseTo(c.nll, 14)
    expect(m.brier).toBeCloseTo(c.brier, 14)
    expect(m.bins.map((x) => x.samples)).toEqual(c.bins.map((x) => x.samples))
  })

  it('bin edges: 0 → bin 0, 1 → bin 14, just above 1/15 → bin 1, 0.5 → bin 7', () => {
    expect(binOf(0)).toBe(0)
    expect(binOf(1)).toBe(14)
    expect(binOf(1 / 15 + 1e-9)).toBe(1)
    expect(binOf(1 / 15 - 1e-9)).toBe(0)
    expect(binOf(0.5)).toBe(7)
  })
})

describe('probabilities over the confusion-matrix columns', () => {
  it('softmax of the logits renormalised over the classes the argmax considers (an excluded class drops out)', () => {
    // model: neutral, happiness, contempt; dataset: happiness, neutral (contempt dropped)
    const mapping = mapLabels(['neutral', 'happiness', 'contempt'], ['happiness', 'neutral'], 'drop')
    const q = columnProbabilities(new Float32Array([1, 2, 5]), mapping, 'logits')
    const e1 = Math.exp(1)
    const e2 = Math.exp(2)
    expect(q[0]).toBeCloseTo(e2 / (e1 + e2), 12) // happiness column
    expect(q[1]).toBeCloseTo(e1 / (e1 + e2), 12) // neutral column
  })

  it('probabilities as given, renormalised; a temperature T gives p^(1/T) renormalised', () => {
    const mapping = mapLabels(['neutral', 'happiness'], ['neutral', 'happiness'], 'drop')
    const q = columnProbabilities(new Float32Array([0.2, 0.6]), mapping, 'probabilities')
    expect([...q].map((x) => Number(x.toFixed(6)))).toEqual([0.25, 0.75])
    const t = columnProbabilities(new Float32Array([0.2, 0.6]), mapping, 'probabilities', 2)
    expect(t[0]).toBeCloseTo(Math.sqrt(0.2) / (Math.sqrt(0.2) + Math.sqrt(0.6)), 6)
  })
})

describe('temperature scaling', () => {
  it('finds T = m / logit(r) when every sample has logit margin m and a share r is right', () => {
    // two classes; the predicted class has logit m over the other; 8 of 10 are right.
    // NLL-optimal confidence is 0.8 = sigmoid(m / T), so T = m / ln(0.8 / 0.2).
    const m = 4
    const rows = Array.from({ length: 10 }, (_, i) => ({ logits: [m, 0], truth: i < 8 ? 0 : 1 }))
    const probabilityOf = (i: number, t: number): number => {
      const r = rows[i]!
      const z = r.logits.map((x) => Math.exp(x / t))
      return z[r.truth]! / (z[0]! + z[1]!)
    }
    const fit = fitTemperature(rows.length, probabilityOf)
    expect(fit.temperature).toBeCloseTo(m / Math.log(4), 6)
    expect(fit.nllAfter).toBeLessThan(fit.nllBefore)
    // at the optimum the NLL is the entropy of a 0.8/0.2 coin
    expect(fit.nllAfter).toBeCloseTo(-(0.8 * Math.log(0.8) + 0.2 * Math.log(0.2)), 9)
  })
})
