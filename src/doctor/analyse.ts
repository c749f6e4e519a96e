import { EMOTIONS, type Emotion } from '../base/emotions.js'
import { mapLabels, predictColumn } from '../base/labelMapping.js'
import { wilsonInterval } from '../metrics/classification.js'
import { maxWeightAssignment } from '../metrics/labelOrder.js'
import { mcnemarExact } from '../metrics/stats.js'
import { isProbabilityRow } from '../metrics/softmax.js'

/** How one candidate scores under one labelling of the model's outputs. */
export interface LabelledOutcome {
  labels: Emotion[]
  correct: number
  accuracy: number
  accuracyCI95: [number, number]
  /** Per sample: 1 when right. */
  right: Uint8Array
  /** Per sample: the predicted dataset class (index into the dataset's labels). */
  predicted: Int16Array
}

/** Outputs whose rows all look like probabilities (values in [0, 1] summing to 1, see isProbabilityRow) are softmax outputs. */
export function looksLikeProbabilities(scores: Float32Array, classes: number): boolean {
  const rows = scores.length / classes
  if (rows === 0) return false
  for (let r = 0; r < rows; r++) if (!isProbabilityRow(scores, r * classes, classes)) return false
  return true
}

/**
 * Accuracy when the outputs are labelled `labels`, scored as `ferbench eval` scores by default
 * (model classes the dataset lacks are left out of the argmax).
 */
function outcomeUnder(
  scores: Float32Array,
  truth: readonly Emotion[],
  labels: readonly Emotion[],
  datasetLabels: readonly Emotion[],
): LabelledOutcome {
  const classes = labels.length
  const mapping = mapLabels(labels, datasetLabels, 'drop')
  const n = truth.length
  const right = new Uint8Array(n)
  const predicted = new Int16Array(n)
  let correct = 0
  for (let s = 0; s < n; s++) {
    const column = predictColumn(scores, s * classes, mapping)
    predicted[s] = column
    if (column >= 0 && mapping.columns[column] === truth[s]) {
      right[s] = 1
      correct += 1
    }
  }
  return {
    labels: [...labels],
    correct,
    accuracy: n === 0 ? 0 : correct / n,
    accuracyCI95: wilsonInterval(correct, n),
    right,
    predicted,
  }
}

/** counts[i][e]: samples of canonical class EMOTIONS[e] whose highest output (over all outputs) is output i. */
function argmaxConfusion(scores: Float32Array, classes: number, truth: readonly Emotion[]): number[][] {
  const counts = Array.from({ length: classes }, () => new Array<number>(EMOTIONS.length).fill(0))
  for (let s = 0; s < truth.length; s++) {
    let best = 0
    for (let i = 1; i < classes; i++) if (scores[s * classes + i]! > scores[s * classes + best]!) best = i
    counts[best]![EMOTIONS.indexOf(truth[s]!)]! += 1
  }
  return counts
}

/**
 * The labelling of the outputs that maximises the number of right argmax predictions: an optimal
 * assignment of outputs to the eight canonical emotions (src/metrics/labelOrder.ts's Hungarian
 * solver). Among equally good labellings the declared one wins (a +1 bonus below any real count).
 */
function bestLabels(confusion: readonly (readonly number[])[], declared: readonly Emotion[]): Emotion[] {
  const k = EMOTIONS.length
  const weight = Array.from({ length: k }, (_, i) =>
    EMOTIONS.map((e, j) => (i < confusion.length ? confusion[i]![j]! * (k + 1) + (declared[i] === e ? 1 : 0) : 0)),
  )
  const assign = maxWeightAssignment(weight)
  return confusion.map((_, i) => EMOTIONS[assign[i]!]!)
}

export interface CandidateAnalysis {
  output: 'logits' | 'probabilities'
  given: LabelledOutcome
  best: LabelledOutcome
  confusion: number[][]
}

export function analyseScores(
  scores: Float32Array,
  truth: readonly Emotion[],
  declared: readonly Emotion[],
  datasetLabels: readonly Emotion[],
): CandidateAnalysis {
  const classes = declared.length
  const confusion = argmaxConfusion(scores, classes, truth)
  const given = outcomeUnder(scores, truth, declared, datasetLabels)
  const assigned = bestLabels(confusion, declared)
  const candidate = outcomeUnder(scores, truth, assigned, datasetLabels)
  return {
    output: looksLikeProbabilities(scores, classes) ? 'probabilities' : 'logits',
    given,
    best: candidate.correct > given.correct ? candidate : given,
    confusion,
  }
}

/** Two outputs whose labels the sample cannot order: swapping them changes no significant number of predictions. */
export interface LabelTie {
  labels: [Emotion, Emotion]
  /** Samples the swap would make right / wrong. */
  gained: number
  lost: number
  pValue: number
  absent: boolean
}

/**
 * Pairs of outputs whose labels could be swapped without a significant loss (McNemar's exact test
 * on the samples the swap changes, p ≥ alpha): the sample cannot tell their label order.
 */
export function labelTies(
  confusion: readonly (readonly number[])[],
  labels: readonly Emotion[],
  datasetLabels: readonly Emotion[],
  alpha: number,
): LabelTie[] {
  const ties: LabelTie[] = []
  const col = (e: Emotion): number => EMOTIONS.indexOf(e)
  for (let i = 0; i < labels.length; i++) {
    for (let j = i + 1; j < labels.length; j++) {
      const a = labels[i]!
      const b = labels[j]!
      const absent = !datasetLabels.includes(a) && !datasetLabels.includes(b)
      const lost = confusion[i]![col(a)]! + confusion[j]![col(b)]!
      const gained = confusion[i]![col(b)]! + confusion[j]![col(a)]!
      const { pValue } = mcnemarExact(gained, lost)
      if (absent || pValue >= alpha) ties.push({ labels: [a, b], gained, lost, pValue, absent })
    }
  }
  return ties
}

/** McNemar on two candidates' per-sample correctness: b01 = b right where a was wrong. */
export function pairedTest(
  a: LabelledOutcome,
  b: LabelledOutcome,
): { b01: number; b10: number; pValue: number; identical: boolean } {
  let b01 = 0
  let b10 = 0
  let identical = true
  for (let s = 0; s < a.right.length; s++) {
    if (!a.right[s] && b.right[s]) b01 += 1
    else if (a.right[s] && !b.right[s]) b10 += 1
    if (a.predicted[s] !== b.predicted[s]) identical = false
  }
  return { ...mcnemarExact(b01, b10), identical }
}

/**
 * Samples that would separate two candidates: with the disagreements split as observed, the
 * smallest number of discordant samples for which McNemar's exact p < alpha, over the share of
 * samples on which they disagree. undefined when they never disagree or disagree evenly (more of
 * the same data cannot separate them).
 */
export function samplesToSeparate(b01: number, b10: number, n: number, alpha: number): number | undefined {
  const discordant = b01 + b10
  if (discordant === 0 || b01 === b10 || n === 0) return undefined
  const minority = Math.min(b01, b10) / discordant
  for (let d = discordant; d <= 1_000_000; d = Math.ceil(d * 1.05) + 1) {
    if (mcnemarExact(Math.round(d * minority), d - Math.round(d * minority)).pValue < alpha)
      return Math.ceil((d * n) / discordant)
  }
  return undefined
}
