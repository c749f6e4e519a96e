import type { EvalResult } from '../results/evalDocument.js'
import { percent as pct, percentFigure, pValue } from './format.js'

/**
 * Calibration and per-group rows shared by the terminal, markdown and HTML views of an eval
 * result (text cells only; each view escapes them its own way).
 */
type Metrics = EvalResult['metrics']
export type Calibration = NonNullable<Metrics['calibration']>
export type Slices = NonNullable<Metrics['slices']>

/** [metric, value] rows: ECE, MCE, NLL, Brier, and the temperature scaling when fitted. */
export function calibrationRows(c: Calibration): string[][] {
  const rows = [
    ['ECE (15 bins, top label)', pct(c.ece)],
    ['MCE', pct(c.mce)],
    ['NLL (nats)', c.nll.toFixed(4)],
    ['Brier (multi-class)', c.brier.toFixed(4)],
  ]
  const t = c.temperatureScaling
  if (t) {
    rows.push(
      [
        `temperature (fitted on ${t.split}, ${t.samples} samples)`,
        `T = ${t.temperature.toFixed(4)}; NLL there ${t.fitNllBefore.toFixed(4)} → ${t.fitNllAfter.toFixed(4)}`,
      ],
      ['after scaling: ECE / MCE', `${pct(t.after.ece)} / ${pct(t.after.mce)}`],
      ['after scaling: NLL / Brier', `${t.after.nll.toFixed(4)} / ${t.after.brier.toFixed(4)}`],
    )
  }
  return rows
}

export const SLICE_HEAD = ['attribute', 'group', 'samples', 'accuracy', '95% CI (Wilson)', 'macro-F1', 'ranked']

/** One row per attribute and group. */
export function sliceRows(slices: Slices): string[][] {
  return Object.entries(slices).flatMap(([attribute, s]) =>
    Object.entries(s.groups).map(([value, g]) => [
      attribute,
      value,
      String(g.samples),
      pct(g.accuracy),
      `${pct(g.accuracyCI95[0])} – ${pct(g.accuracyCI95[1])}`,
      g.macroF1.toFixed(3),
      g.ranked ? 'yes' : `no (< ${s.minSamples})`,
    ]),
  )
}

/** One sentence per attribute: the largest gap between ranked groups and its Fisher exact p-value. */
export function sliceGapLines(slices: Slices): string[] {
  return Object.entries(slices).map(([attribute, s]) =>
    s.maxGap
      ? `${attribute}: largest gap ${percentFigure(s.maxGap.difference)} points, ${s.maxGap.a} (${pct(s.groups[s.maxGap.a]!.accuracy)}) vs ${s.maxGap.b} (${pct(s.groups[s.maxGap.b]!.accuracy)}), Fisher exact p = ${pValue(s.maxGap.pValue)}`
      : `${attribute}: fewer than two groups with at least ${s.minSamples} samples; no gap ranked`,
  )
}
