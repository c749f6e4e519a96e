/**
 * Label-order check: is the card's label order probably wrong?
 *
 * A model whose card lists its outputs in the wrong order still separates the classes; its
 * confusion matrix is then a permuted diagonal. We find the relabelling of the predicted columns
 * that maximises the trace of the confusion matrix — a linear assignment problem — and compare
 * that accuracy with the measured one.
 *
 * Algorithm: the Hungarian algorithm (Kuhn–Munkres, O(k³)), not an exhaustive search over k!
 * permutations: it is exact for any number of classes (keep-policy columns, datasets with more
 * classes) and takes microseconds, where 8! = 40,320 permutations × 8 would also do for FER
 * today but would not scale. Ties are broken towards the card's own order (identity), so a
 * relabelling is proposed only when it strictly raises the number of correct samples.
 *
 * Margin (documented in docs/results-and-gates.md): the check warns when the best relabelling raises accuracy
 * by MORE than 5 percentage points AND the rise is significant by McNemar's exact test on the
 * samples the relabelling changes (p < 0.01). The second condition keeps small or weak
 * evaluations, where column swaps gain a few samples by chance, quiet.
 */
import type { Emotion } from '../labels/emotions.js'
import { mcnemarExact } from './stats.js'

export const LABEL_ORDER_MIN_GAIN = 0.05
export const LABEL_ORDER_ALPHA = 0.01

export interface LabelOrderCheck {
  /** Accuracy with the card's order. */
  accuracy: number
  /** Accuracy under the best relabelling of the predicted columns. */
  bestAccuracy: number
  /** bestAccuracy − accuracy (a fraction). */
  gain: number
  /** McNemar's exact p-value on the samples the relabelling would change. */
  pValue: number
  /** True when gain > minGain and pValue < alpha: the card's label order is probably wrong. */
  suspicious: boolean
  minGain: number
  alpha: number
  /** Predicted columns the best relabelling moves: `predicted` is what the card calls it, `bestMatch` the truth it matches. */
  moves: Array<{ predicted: string; bestMatch: string }>
  /** The card's labels rewritten by the best relabelling (model output order); present when suspicious. */
  suggestedCardLabels?: string[]
}

/**
 * Maximum-weight perfect assignment on a square matrix: returns `assign` with assign[row] = column.
 * Hungarian algorithm with potentials (minimising the negated weights).
 */
export function maxWeightAssignment(weight: readonly (readonly number[])[]): number[] {
  const n = weight.length
  if (weight.some((row) => row.length !== n)) throw new RangeError(`assignment needs a square matrix; got ${n} rows of lengths ${weight.map((r) => r.length).join(', ')}`)
  const INF = Number.POSITIVE_INFINITY
  // 1-based arrays as in the classic formulation.
  const u = new Array<number>(n + 1).fill(0)
  const v = new Array<number>(n + 1).fill(0)
  const p = new Array<number>(n + 1).fill(0) // p[column] = row matched to it
  const way = new Array<number>(n + 1).fill(0)
  const cost = (i: number, j: number): number => -weight[i - 1]![j - 1]!
  for (let i = 1; i <= n; i++) {
    p[0] = i
    let j0 = 0
    const minv = new Array<number>(n + 1).fill(INF)
    const used = new Array<boolean>(n + 1).fill(false)
    do {
      used[j0] = true
      const i0 = p[j0]!
      let delta = INF
      let j1 = 0
      for (let j = 1; j <= n; j++) {
        if (used[j]) continue
        const cur = cost(i0, j) - u[i0]! - v[j]!
        if (cur < minv[j]!) {
          minv[j] = cur
          way[j] = j0
        }
        if (minv[j]! < delta) {
          delta = minv[j]!
          j1 = j
        }
      }
      for (let j = 0; j <= n; j++) {
        if (used[j]) {
          u[p[j]!]! += delta
          v[j]! -= delta
        } else {
          minv[j]! -= delta
        }
      }
      j0 = j1
    } while (p[j0] !== 0)
    do {
      const j1 = way[j0]!
      p[j0] = p[j1]!
      j0 = j1
    } while (j0 !== 0)
  }
  const assign = new Array<number>(n).fill(-1)
  for (let j = 1; j <= n; j++) if (p[j]! > 0) assign[p[j]! - 1] = j - 1
  return assign
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`

/**
 * Runs the check on a confusion matrix (rows = truth, columns = prediction, both `columns`
 * order) and, when suspicious, rewrites the card's labels: model output i, currently `cardLabels[i]`
 * and counted in column `modelToColumn[i]` (−1 = excluded from the argmax, left as it is), becomes
 * the truth label its column matches best.
 */
export function checkLabelOrder(
  confusion: { labels: readonly string[]; counts: readonly (readonly number[])[] },
  cardLabels: readonly Emotion[],
  modelToColumn: readonly number[],
): { check: LabelOrderCheck; warning?: string } {
  const { labels, counts } = confusion
  const k = labels.length
  let total = 0
  let correct = 0
  for (let t = 0; t < k; t++) {
    for (let c = 0; c < k; c++) total += counts[t]![c]!
    correct += counts[t]![t]!
  }
  // rows of the assignment = predicted columns, columns = truth rows; the +1 on the diagonal
  // (scaled below any real count) prefers the card's order among equally good relabellings.
  const weight = Array.from({ length: k }, (_, c) => Array.from({ length: k }, (_, t) => counts[t]![c]! * (k + 1) + (t === c ? 1 : 0)))
  const bestTruthOf = maxWeightAssignment(weight)
  let b01 = 0
  let b10 = 0
  const moves: LabelOrderCheck['moves'] = []
  for (let c = 0; c < k; c++) {
    const t = bestTruthOf[c]!
    if (t === c) continue
    b01 += counts[t]![c]!
    b10 += counts[c]![c]!
    moves.push({ predicted: labels[c]!, bestMatch: labels[t]! })
  }
  const accuracy = total === 0 ? 0 : correct / total
  const bestAccuracy = total === 0 ? 0 : (correct + b01 - b10) / total
  const gain = bestAccuracy - accuracy
  const { pValue } = mcnemarExact(b01, b10)
  const suspicious = gain > LABEL_ORDER_MIN_GAIN && pValue < LABEL_ORDER_ALPHA
  const check: LabelOrderCheck = { accuracy, bestAccuracy, gain, pValue, suspicious, minGain: LABEL_ORDER_MIN_GAIN, alpha: LABEL_ORDER_ALPHA, moves }
  if (!suspicious) return { check }
  const suggested = cardLabels.map((label, i) => {
    const c = modelToColumn[i] ?? -1
    return c < 0 ? label : labels[bestTruthOf[c]!]!
  })
  check.suggestedCardLabels = suggested
  const warning =
    `label order check: relabelling the model's outputs would raise accuracy from ${pct(accuracy)} to ${pct(bestAccuracy)} ` +
    `(McNemar p=${pValue.toPrecision(2)}): the card's label order is probably wrong. ` +
    `Best-matching card labels: ${JSON.stringify(suggested)} (card has ${JSON.stringify(cardLabels)})`
  return { check, warning }
}
