/**
 * Number formatting for the views (tables, Markdown, HTML): the shared rules of src/base/format.ts
 * and the cells only views write.
 */
import { percent, pValue, signed } from '../base/format.js'

export { percent, percentFigure, pValue, pValueBrief, pValueCoarse, signed } from '../base/format.js'

/** A p-value cell: the p-value, or `–` when the check ran no test. */
export const pValueCell = (p: number | undefined): string => (p === undefined ? '–' : pValue(p))

/** Bytes in megabytes (10⁶ bytes), two decimals, without the unit: 1234567 → `1.23`. */
export const megabytes = (bytes: number): string => (bytes / 1e6).toFixed(2)

/** A count with an SI suffix: 950 → `950`, 12345 → `12.3k`, 2.5e6 → `2.50M`, 3e9 → `3.00G`; `separator` goes before the suffix; `n/a` for null. */
export const siCount = (n: number | null, separator = ''): string =>
  n === null
    ? 'n/a'
    : n >= 1e9
      ? `${(n / 1e9).toFixed(2)}${separator}G`
      : n >= 1e6
        ? `${(n / 1e6).toFixed(2)}${separator}M`
        : n >= 1e3
          ? `${(n / 1e3).toFixed(1)}${separator}k`
          : String(n)

/** The [metric, value] rows every eval view leads with: accuracy with counts, its Wilson interval, balanced accuracy, macro-F1. */
export function accuracyRows(m: {
  accuracy: number
  correct: number
  samples: number
  accuracyCI95: readonly [number, number]
  balancedAccuracy: number
  macroF1: number
}): [string, string][] {
  return [
    ['accuracy', `${percent(m.accuracy)} (${m.correct}/${m.samples})`],
    ['accuracy 95% CI (Wilson)', `${percent(m.accuracyCI95[0])} – ${percent(m.accuracyCI95[1])}`],
    ['balanced accuracy', percent(m.balancedAccuracy)],
    ['macro-F1', m.macroF1.toFixed(3)],
  ]
}

/** Precision, recall and F1 (three decimals) and support of one class: the per-class table row after the label. */
export const perClassCells = (c: { precision: number; recall: number; f1: number; support: number }): string[] => [
  c.precision.toFixed(3),
  c.recall.toFixed(3),
  c.f1.toFixed(3),
  String(c.support),
]

/**
 * The a, b and delta cells of one compared metric: percentages and signed points for fractions
 * shown as percent, else three decimals; `–` where a value is missing.
 */
export function compareCells(
  d: { a: number | null; b: number | null; delta: number | null },
  asPercent: boolean,
): [string, string, string] {
  const value = (x: number | null): string => (x === null ? '–' : asPercent ? percent(x) : x.toFixed(3))
  return [
    value(d.a),
    value(d.b),
    d.delta === null ? '–' : asPercent ? `${signed(d.delta * 100)} pts` : signed(d.delta, 3),
  ]
}
