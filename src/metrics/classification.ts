/**
 * Classification metrics as pure functions over a confusion matrix (rows = truth, columns =
 * prediction, both in the order of `labels`). Like scikit-learn, a ratio with a zero denominator
 * is 0 and is never NaN.
 */

export interface PerClassMetrics {
  label: string
  precision: number
  recall: number
  f1: number
  support: number
}

export interface ClassificationMetrics {
  samples: number
  correct: number
  accuracy: number
  accuracyCI95: [number, number]
  balancedAccuracy: number
  macroF1: number
  perClass: PerClassMetrics[]
  confusionMatrix: { labels: string[]; counts: number[][] }
}

export function emptyConfusion(size: number): number[][] {
  return Array.from({ length: size }, () => new Array<number>(size).fill(0))
}

export function confusionFromPairs(truth: readonly number[], predicted: readonly number[], size: number): number[][] {
  if (truth.length !== predicted.length) {
    throw new RangeError(`truth has ${truth.length} entries but predicted has ${predicted.length}`)
  }
  const counts = emptyConfusion(size)
  truth.forEach((t, i) => {
    const p = predicted[i]!
    if (t < 0 || t >= size || p < 0 || p >= size) throw new RangeError(`pair ${i}: (${t}, ${p}) outside 0..${size - 1}`)
    counts[t]![p]! += 1
  })
  return counts
}

/** Wilson score interval for a binomial proportion (z = 1.96 for 95%). */
export function wilsonInterval(successes: number, trials: number, z = 1.959963984540054): [number, number] {
  if (trials === 0) return [0, 0]
  const p = successes / trials
  const z2 = z * z
  const denom = 1 + z2 / trials
  const center = (p + z2 / (2 * trials)) / denom
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denom
  return [Math.max(0, center - half), Math.min(1, center + half)]
}

const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b)

export function classificationMetrics(
  labels: readonly string[],
  counts: readonly (readonly number[])[],
): ClassificationMetrics {
  const k = labels.length
  if (counts.length !== k || counts.some((row) => row.length !== k)) {
    throw new RangeError(`confusion matrix must be ${k}×${k} for labels [${labels.join(', ')}]`)
  }
  let samples = 0
  let correct = 0
  const rowSum = new Array<number>(k).fill(0)
  const colSum = new Array<number>(k).fill(0)
  for (let t = 0; t < k; t++) {
    for (let p = 0; p < k; p++) {
      const n = counts[t]![p]!
      samples += n
      rowSum[t]! += n
      colSum[p]! += n
      if (t === p) correct += n
    }
  }
  const perClass = labels.map((label, i) => {
    const tp = counts[i]![i]!
    const precision = ratio(tp, colSum[i]!)
    const recall = ratio(tp, rowSum[i]!)
    return { label, precision, recall, f1: ratio(2 * precision * recall, precision + recall), support: rowSum[i]! }
  })
  // Balanced accuracy and macro-F1 average over the classes present in the truth (support > 0),
  // as scikit-learn's balanced_accuracy_score does; macro-F1 likewise skips absent classes so an
  // always-wrong extra column (policy keep) does not drag it down.
  const present = perClass.filter((c) => c.support > 0)
  const mean = (xs: number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length)
  return {
    samples,
    correct,
    accuracy: ratio(correct, samples),
    accuracyCI95: wilsonInterval(correct, samples),
    balancedAccuracy: mean(present.map((c) => c.recall)),
    macroF1: mean(present.map((c) => c.f1)),
    perClass,
    confusionMatrix: { labels: [...labels], counts: counts.map((row) => [...row]) },
  }
}
