/**
 * Label-order check: is the card's label order probably wrong?
 *
 * A model whose card lists its outputs in the wrong order still separates the classes; its
 * confusion matrix is then a permuted diagonal. We find the relabelling of the predicted columns
 * that maximises the trace of the confusion matrix — a linear assignment problem, solved exactly
 * by the Hungarian algorithm (Kuhn–Munkres, O(k³)) — over the classes the card and the dataset
 * share only, so a class the card lacks (contempt for a 7-class card on CK+) is never proposed.
 * Ties are broken towards the card's own order.
 *
 * A better relabelling is not evidence by itself: a correct card on shifted data (a FER2013 model
 * on CK+) confuses anger with disgust or fear with surprise, and a swap can then gain a few
 * points. A mislabelled card looks different: each class the relabelling moves is almost never
 * predicted under its own name and mostly predicted under one other name. So a warning needs,
 * for every class of a cycle of the relabelling (a swap, a rotation):
 *   - declared recall (counts[t][t] / support) below chance (1/k, k = shared classes),
 *   - permuted recall (counts[t][c] / support, c = the column the relabelling gives class t) at
 *     least twice chance, and c the column class t is most often predicted as;
 * and, for the cycles that pass, together: a gain of MORE than 5 percentage points, significant by
 * McNemar's exact test on the samples the relabelling changes (p < 0.01). Anything less leaves at
 * most a `note` in the check with the numbers. Calibration: tests/metrics/labelOrder.test.ts and
 * docs/detectors.md.
 */
import type { Emotion } from '../base/emotions.js'
import { mcnemarExact } from './stats.js'
import { percent, pValueBrief } from '../base/format.js'

const LABEL_ORDER_MIN_GAIN = 0.05
const LABEL_ORDER_ALPHA = 0.01
/** A moved class must be predicted under its permuted name at least this many times chance. */
const LABEL_ORDER_PERMUTED_RECALL_CHANCES = 2

/** One column the best relabelling moves, with the per-class evidence. */
export interface LabelOrderMove {
  /** What the card calls the predicted column. */
  predicted: string
  /** The truth class the column matches best. */
  bestMatch: string
  /** Samples of class bestMatch. */
  support: number
  /** Recall of bestMatch under the card's names. */
  declaredRecall: number
  /** Recall of bestMatch if the column were renamed bestMatch. */
  permutedRecall: number
  /** Every class of this move's cycle passes the per-class tests (see the file comment). */
  mislabelled: boolean
}

export interface LabelOrderCheck {
  /** Accuracy with the card's order. */
  accuracy: number
  /** Accuracy under the best relabelling of the predicted columns (shared classes only). */
  bestAccuracy: number
  /** bestAccuracy − accuracy (a fraction). */
  gain: number
  /** McNemar's exact p-value on the samples the best relabelling would change. */
  pValue: number
  /** The moves with per-class evidence of a mislabelled card, together: their accuracy, gain and McNemar p. */
  supported: { accuracy: number; gain: number; pValue: number } | null
  /** True when the supported moves gain > minGain with pValue < alpha: the card's label order is probably wrong. */
  suspicious: boolean
  minGain: number
  alpha: number
  /** 1 / number of classes the card and the dataset share: declared recall must be below it. */
  chance: number
  /** Permuted recall must be at least this. */
  minPermutedRecall: number
  moves: LabelOrderMove[]
  /** The card's labels rewritten by the supported moves (model output order); present when suspicious. */
  suggestedCardLabels?: string[]
  /** Why a relabelling that would raise accuracy is not read as a label-order error, with its numbers. */
  note?: string
}

/**
 * Maximum-weight perfect assignment on a square matrix: returns `assign` with assign[row] = column.
 * Hungarian algorithm with potentials (minimising the negated weights).
 */
export function maxWeightAssignment(weight: readonly (readonly number[])[]): number[] {
  const n = weight.length
  if (weight.some((row) => row.length !== n))
    throw new RangeError(
      `assignment needs a square matrix; got ${n} rows of lengths ${weight.map((r) => r.length).join(', ')}`,
    )
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

const pct = (x: number): string => percent(x, 1)

/** Splits a permutation (column → truth index, identity outside moved columns) into its cycles of moved columns. */
function cyclesOf(truthOf: ReadonlyMap<number, number>): number[][] {
  const seen = new Set<number>()
  const cycles: number[][] = []
  for (const [start, t0] of truthOf) {
    if (seen.has(start) || t0 === start) continue
    const cycle: number[] = []
    for (let c = start; !seen.has(c); c = truthOf.get(c)!) {
      seen.add(c)
      cycle.push(c)
    }
    cycles.push(cycle)
  }
  return cycles
}

/**
 * Runs the check on a confusion matrix (rows = truth, columns = prediction, both `columns`
 * order). Model output i, currently `cardLabels[i]` and counted in column `modelToColumn[i]`
 * (−1 = excluded from the argmax), may be renamed only to another column some model output
 * is counted in. When suspicious, the warning gives the card's labels rewritten by the supported moves.
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
  const support = counts.map((row) => row.reduce((a, b) => a + b, 0))
  for (let t = 0; t < k; t++) {
    total += support[t]!
    correct += counts[t]![t]!
  }
  // the classes a relabelling may use: columns some model output is counted in
  const shared = [...new Set(modelToColumn.filter((c) => c >= 0 && c < k))].sort((a, b) => a - b)
  const chance = shared.length > 0 ? 1 / shared.length : 1
  const minPermutedRecall = LABEL_ORDER_PERMUTED_RECALL_CHANCES * chance
  // rows of the assignment = predicted columns, columns = truth rows; the +1 on the diagonal
  // (scaled below any real count) prefers the card's order among equally good relabellings.
  const n = shared.length
  const weight = shared.map((c) => shared.map((t) => counts[t]![c]! * (n + 1) + (t === c ? 1 : 0)))
  const assignment = n > 0 ? maxWeightAssignment(weight) : []
  const truthOf = new Map(shared.map((c, i) => [c, shared[assignment[i]!]!]))

  const perClass = (c: number): { t: number; declared: number; permuted: number; passes: boolean } => {
    const t = truthOf.get(c)!
    const row = counts[t]!
    const s = support[t]!
    const declared = s === 0 ? 0 : row[t]! / s
    const permuted = s === 0 ? 0 : row[c]! / s
    const plurality = row.every((v) => v <= row[c]!)
    return { t, declared, permuted, passes: s > 0 && declared < chance && permuted >= minPermutedRecall && plurality }
  }
  const relabel = (columns: readonly number[]): { accuracy: number; gain: number; pValue: number } => {
    let b01 = 0
    let b10 = 0
    for (const c of columns) {
      b01 += counts[truthOf.get(c)!]![c]!
      b10 += counts[c]![c]!
    }
    const accuracy = total === 0 ? 0 : (correct + b01 - b10) / total
    return { accuracy, gain: accuracy - (total === 0 ? 0 : correct / total), pValue: mcnemarExact(b01, b10).pValue }
  }

  const cycles = cyclesOf(truthOf)
  const moves: LabelOrderMove[] = []
  const supportedColumns: number[] = []
  for (const cycle of cycles) {
    const classes = cycle.map(perClass)
    const mislabelled = classes.every((x) => x.passes)
    if (mislabelled) supportedColumns.push(...cycle)
    cycle.forEach((c, i) => {
      const x = classes[i]!
      moves.push({
        predicted: labels[c]!,
        bestMatch: labels[x.t]!,
        support: support[x.t]!,
        declaredRecall: x.declared,
        permutedRecall: x.permuted,
        mislabelled,
      })
    })
  }
  const accuracy = total === 0 ? 0 : correct / total
  const best = relabel(cycles.flat())
  const supported = supportedColumns.length > 0 ? relabel(supportedColumns) : null
  const suspicious = supported !== null && supported.gain > LABEL_ORDER_MIN_GAIN && supported.pValue < LABEL_ORDER_ALPHA
  const check: LabelOrderCheck = {
    accuracy,
    bestAccuracy: best.accuracy,
    gain: best.gain,
    pValue: best.pValue,
    supported,
    suspicious,
    minGain: LABEL_ORDER_MIN_GAIN,
    alpha: LABEL_ORDER_ALPHA,
    chance,
    minPermutedRecall,
    moves,
  }
  const describe = (ms: readonly LabelOrderMove[]): string =>
    ms
      .map(
        (m) =>
          `${m.bestMatch} (declared recall ${pct(m.declaredRecall)}, as '${m.predicted}' ${pct(m.permutedRecall)}, n=${m.support})`,
      )
      .join(', ')
  if (!suspicious) {
    if (moves.length > 0 && best.gain > 0) {
      const why =
        supported === null
          ? `no moved class is both below chance (${pct(chance)}) under its own name and mostly predicted (≥ ${pct(minPermutedRecall)}) under one other`
          : `the moves with that evidence gain ${pct(supported.gain)} (McNemar p=${pValueBrief(supported.pValue)}), not more than ${pct(LABEL_ORDER_MIN_GAIN)} with p < ${LABEL_ORDER_ALPHA}`
      check.note =
        `a relabelling would raise accuracy from ${pct(accuracy)} to ${pct(best.accuracy)} (McNemar p=${pValueBrief(best.pValue)}) by moving ${describe(moves)}; ` +
        `${why}: read as confusion between classes, not as a mislabelled card`
    }
    return { check }
  }
  const suggested = cardLabels.map((label, i) => {
    const c = modelToColumn[i] ?? -1
    return supportedColumns.includes(c) ? labels[truthOf.get(c)!]! : label
  })
  check.suggestedCardLabels = suggested
  const warning =
    `label order check: relabelling the model's outputs would raise accuracy from ${pct(accuracy)} to ${pct(supported.accuracy)} ` +
    `(McNemar p=${pValueBrief(supported.pValue)}); ${describe(moves.filter((m) => m.mislabelled))}: the card's label order is probably wrong. ` +
    `Best-matching card labels: ${JSON.stringify(suggested)} (card has ${JSON.stringify(cardLabels)})`
  return { check, warning }
}

/** The check from a result's label mapping (merged shards, pooled folds): model output i is counted in column columns.indexOf(modelLabels[i]). */
export function checkLabelOrderOfMapping(
  confusion: { labels: readonly string[]; counts: readonly (readonly number[])[] },
  mapping: { modelLabels: readonly Emotion[]; columns: readonly string[] },
): { check: LabelOrderCheck; warning?: string } {
  return checkLabelOrder(
    confusion,
    mapping.modelLabels,
    mapping.modelLabels.map((l) => mapping.columns.indexOf(l)),
  )
}

/**
 * Of several confusion matrices summed into `pooled` (cross-validation folds), the one whose samples
 * the check's moves (the supported ones when there are any) gain most on (1-based), or null without moves.
 */
export function drivingPart(
  check: LabelOrderCheck,
  parts: ReadonlyArray<{ labels: readonly string[]; counts: readonly (readonly number[])[] }>,
): number | null {
  const moves = check.moves.filter((m) => (check.supported ? m.mislabelled : true))
  if (moves.length === 0) return null
  let best: number | null = null
  let bestNet = -Infinity
  parts.forEach((part, i) => {
    let net = 0
    for (const m of moves) {
      const c = part.labels.indexOf(m.predicted)
      const t = part.labels.indexOf(m.bestMatch)
      net += part.counts[t]![c]! - part.counts[c]![c]!
    }
    if (net > bestNet) {
      bestNet = net
      best = i + 1
    }
  })
  return best
}
