import { softmaxRow } from '../metrics/softmax.js'
import type { LabelMapping } from '../base/labelMapping.js'
import type { ModelCard } from '../card/schema.js'

/**
 * Averages one sample's view rows into one score row: TTA averages probabilities or logits as
 * the card says (a probability model's outputs are averaged as they are).
 */
export function combineViews(
  scores: Float32Array,
  firstRow: number,
  views: number,
  classes: number,
  card: ModelCard,
): Float32Array {
  const out = new Float32Array(classes)
  if (views === 1) return scores.slice(firstRow * classes, (firstRow + 1) * classes)
  const soft = card.output === 'logits' && card.ttaAverage === 'probabilities'
  const tmp = new Float64Array(classes)
  for (let v = 0; v < views; v++) {
    const offset = (firstRow + v) * classes
    if (soft) softmaxRow(scores, offset, classes, tmp)
    for (let i = 0; i < classes; i++) out[i]! += (soft ? tmp[i]! : scores[offset + i]!) / views
  }
  return out
}

/** The best `k` classes among those the argmax considers, with their scores. */
export function topScores(
  row: Float32Array,
  columnsOfModel: number[],
  labels: readonly string[],
  k: number,
): Array<{ label: string; score: number }> {
  return columnsOfModel
    .map((column, i) => ({ column, i }))
    .filter((x) => x.column >= 0)
    .sort((a, b) => row[b.i]! - row[a.i]! || a.i - b.i)
    .slice(0, k)
    .map((x) => ({ label: labels[x.column]!, score: row[x.i]! }))
}

/**
 * Why a score row cannot be scored, or undefined when every value is finite: names each model
 * output that is NaN or ±Inf. Such a sample is a failure, never counted as any class.
 */
export function nonFiniteScores(row: Float32Array, mapping: LabelMapping): string | undefined {
  const bad: string[] = []
  for (let i = 0; i < row.length; i++) {
    const s = row[i]!
    if (!Number.isFinite(s))
      bad.push(`${mapping.modelLabels[i] ?? `output ${i}`}=${Number.isNaN(s) ? 'NaN' : s > 0 ? 'Inf' : '-Inf'}`)
  }
  if (bad.length === 0) return undefined
  return `model output is not finite (${bad.join(', ')}); expected finite scores; sample not scored and not counted as any class`
}

/**
 * One sample's probabilities over the confusion-matrix columns, for calibration: softmax of the
 * (TTA-combined) logits divided by `temperature`, or the card's probabilities (negatives read as 0;
 * with a temperature, p^(1/T)), in both cases renormalised over the model outputs that map to a
 * column (an excluded extra class's share is spread over the rest). A column no model output
 * maps to gets 0. An all-zero probability row gives equal shares.
 */
export function columnProbabilities(
  row: Float32Array,
  mapping: LabelMapping,
  output: ModelCard['output'],
  temperature = 1,
  out = new Float64Array(mapping.columns.length),
): Float64Array {
  out.fill(0)
  const m = mapping.modelToColumn
  let max = -Infinity
  if (output === 'logits') for (let i = 0; i < m.length; i++) if (m[i]! >= 0) max = Math.max(max, row[i]! / temperature)
  let sum = 0
  for (let i = 0; i < m.length; i++) {
    const column = m[i]!
    if (column < 0) continue
    const v =
      output === 'logits'
        ? Math.exp(row[i]! / temperature - max)
        : temperature === 1
          ? Math.max(0, row[i]!)
          : Math.max(0, row[i]!) ** (1 / temperature)
    out[column] = v
    sum += v
  }
  let mapped = 0
  for (let i = 0; i < m.length; i++) if (m[i]! >= 0) mapped += 1
  for (let i = 0; i < m.length; i++) {
    const column = m[i]!
    if (column >= 0) out[column] = sum > 0 ? out[column]! / sum : 1 / mapped
  }
  return out
}
