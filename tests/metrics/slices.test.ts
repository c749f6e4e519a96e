import { describe, expect, it } from 'vitest'
import { fisherExact } from '../../src/metrics/fisher.js'
import { MISSING_GROUP, SliceAccumulator, sliceOf } from '../../src/metrics/slices.js'
import { gateDocuments } from '../../src/compare/gate.js'
import type { EvalResult } from '../../src/results/evalDocument.js'
import { fisherBrute } from '../helpers/fisher.js'

describe('Fisher exact test', () => {
  it("Fisher's tea-tasting table [[3,1],[1,3]]: p = 34/70", () => {
    expect(fisherExact(3, 1, 1, 3)).toBeCloseTo(34 / 70, 12)
  })
  it.each([
    [8, 2, 1, 5],
    [40, 10, 25, 25],
    [12, 3, 5, 10],
    [0, 7, 6, 1],
    [300, 100, 250, 150],
  ])('[[%i,%i],[%i,%i]] equals exact enumeration', (a, b, c, d) => {
    expect(fisherExact(a, b, c, d)).toBeCloseTo(fisherBrute(a, b, c, d), 12)
  })
  it('degenerate margins give p = 1', () => {
    expect(fisherExact(5, 0, 7, 0)).toBe(1)
    expect(fisherExact(0, 0, 3, 4)).toBe(1)
  })
})

/** Two-class confusion counts with `right` correct samples of class 0 and `wrong` samples of class 0 predicted 1. */
const counts = (right: number, wrong: number): number[][] => [
  [right, wrong],
  [0, 0],
]

describe('per-group metrics', () => {
  const groups = new Map<string, number[][]>([
    ['A', counts(40, 10)],
    ['B', counts(25, 25)],
    ['C', counts(3, 2)], // below the minimum: reported, not ranked
    [MISSING_GROUP, counts(0, 40)], // never ranked
  ])
  const slice = sliceOf(['x', 'y'], groups, 30)

  it('each group: samples, accuracy, Wilson interval, macro-F1, ranked', () => {
    expect(slice.groups.A!.samples).toBe(50)
    expect(slice.groups.A!.accuracy).toBeCloseTo(0.8, 12)
    expect(slice.groups.B!.accuracy).toBeCloseTo(0.5, 12)
    expect(slice.groups.C!.ranked).toBe(false)
    expect(slice.groups[MISSING_GROUP]!.ranked).toBe(false)
    // macro-F1 over the classes present in the truth (class x only): F1 of x = 2·1·0.8/(1+0.8)
    expect(slice.groups.A!.macroF1).toBeCloseTo((2 * 0.8) / 1.8, 12)
    const [lo, hi] = slice.groups.A!.accuracyCI95
    expect(lo).toBeLessThan(0.8)
    expect(hi).toBeGreaterThan(0.8)
  })

  it('maxGap: best and worst ranked groups, their difference and Fisher p', () => {
    expect(slice.maxGap).toEqual({
      a: 'A',
      b: 'B',
      difference: expect.closeTo(0.3, 12),
      pValue: expect.closeTo(fisherBrute(40, 10, 25, 25), 12),
      test: 'fisher-exact',
    })
  })

  it('accumulates per sample and adds saved counts', () => {
    const acc = new SliceAccumulator(['gender'], 2, 1)
    acc.add(new Map([['gender', 'female']]), 0, 0)
    acc.add(new Map([['gender', 'female']]), 0, 1)
    acc.add(new Map(), 1, 1)
    acc.add(undefined, 1, 0)
    const m = acc.metrics(['x', 'y'])
    expect(m.gender!.groups.female!.counts).toEqual(counts(1, 1))
    expect(m.gender!.groups[MISSING_GROUP]!.counts).toEqual([
      [0, 0],
      [1, 1],
    ])
    const again = new SliceAccumulator(['gender'], 2, 1)
    again.addSaved(m)
    again.addSaved(m)
    expect(again.metrics(['x', 'y']).gender!.groups.female!.samples).toBe(4)
  })
})

function docWithSlice(a: [number, number], b: [number, number]): EvalResult {
  const slices = {
    gender: sliceOf(
      ['x', 'y'],
      new Map([
        ['female', counts(...a)],
        ['male', counts(...b)],
      ]),
      30,
    ),
  }
  const n = a[0] + a[1] + b[0] + b[1]
  return {
    schema: 'ferbench/eval@1',
    complete: true,
    model: { path: 'm.onnx', sha256: 'x' },
    dataset: { name: 'd', split: 's', samples: n, digest: 'd'.repeat(64) },
    metrics: { accuracy: (a[0] + b[0]) / n, perClass: [], slices },
  } as unknown as EvalResult
}

describe('gate --max-group-gap', () => {
  const run = (base: EvalResult, cur: EvalResult, gap = 5) =>
    gateDocuments(
      { kind: 'eval', file: 'base.json', doc: base },
      { kind: 'eval', file: 'cur.json', doc: cur },
      { baseline: 'base.json', current: 'cur.json', alpha: 0.05, maxAccuracyDrop: 100, maxGroupGap: gap },
    )

  it('fails when the gap grew beyond the threshold and the current gap is significant', () => {
    const result = run(docWithSlice([45, 5], [44, 6]), docWithSlice([45, 5], [25, 25]))
    const check = result.checks.find((c) => c.name === 'groupGap:gender')!
    expect(check.baseline).toBeCloseTo(2, 9)
    expect(check.current).toBeCloseTo(40, 9)
    expect(check.pValue).toBeCloseTo(fisherBrute(45, 5, 25, 25), 12)
    expect(check.passed).toBe(false)
    expect(result.passed).toBe(false)
  })

  it('passes a growth above the threshold that is not significant, and a growth within it', () => {
    const grown = run(docWithSlice([45, 5], [44, 6]), docWithSlice([45, 5], [40, 10])).checks.find(
      (c) => c.name === 'groupGap:gender',
    )!
    expect(grown.change).toBeCloseTo(8, 9)
    expect(grown.pValue).toBeGreaterThan(0.05)
    expect(grown.passed).toBe(true)
    expect(grown.detail).toMatch(/not significant/)
    expect(
      run(docWithSlice([45, 5], [44, 6]), docWithSlice([45, 5], [42, 8]), 10).checks.find(
        (c) => c.name === 'groupGap:gender',
      )!.passed,
    ).toBe(true)
  })

  it('a current result without slices is an error naming the file', () => {
    const plain = docWithSlice([45, 5], [44, 6])
    delete (plain.metrics as { slices?: unknown }).slices
    expect(() => run(docWithSlice([45, 5], [44, 6]), plain)).toThrow(/cur\.json has no per-group metrics/)
  })
})
