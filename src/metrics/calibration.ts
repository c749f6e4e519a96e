/**
 * Calibration of a classifier's probabilities, accumulated one sample at a time (streaming: the
 * state is 15 bins and four sums, whatever the number of samples) and additive, so resumed runs
 * and merged shards add their sums.
 *
 * For each scored sample, q is the probability vector over the confusion-matrix columns (softmax
 * of the logits, or the card's probabilities, renormalised over the classes the argmax considers),
 * t its truth column, ŷ = argmax q (first wins ties, as the prediction) and conf = q[ŷ].
 * - bins: 15 equal-width bins of conf; bin m (0-based) holds conf in (m/15, (m+1)/15], and bin 0
 *   also holds conf = 0 (Guo et al. 2017, "On Calibration of Modern Neural Networks", §2).
 * - ECE = Σ_m (n_m / N) · |acc_m − conf_m| (top-label expected calibration error);
 *   MCE = max over non-empty bins of |acc_m − conf_m|.
 * - NLL = mean of −ln(max(q[t], 1e-15)) (natural log; the floor keeps a class the model cannot
 *   output finite, as scikit-learn's log_loss clips).
 * - Brier = mean of Σ_c (q[c] − [c = t])² (multi-class Brier score, range 0–2).
 */

export const CALIBRATION_BINS = 15
export const NLL_FLOOR = 1e-15

export interface CalibrationBin {
  low: number
  high: number
  samples: number
  /** Mean top-label confidence of the bin's samples (0 when empty). */
  confidence: number
  /** Share of the bin's samples predicted correctly (0 when empty). */
  accuracy: number
  /** Additive sums the means come from (kept so resumed runs and shards add exactly). */
  correct: number
  confidenceSum: number
}

export interface CalibrationMetrics {
  samples: number
  ece: number
  mce: number
  nll: number
  brier: number
  /** Sums over the samples of −ln q[t] and of the Brier term (additive, for resume and merge). */
  nllSum: number
  brierSum: number
  bins: CalibrationBin[]
}

/** Sums from which every calibration metric is computed; add() per sample, merge() across runs. */
export class CalibrationAccumulator {
  readonly counts = new Array<number>(CALIBRATION_BINS).fill(0)
  readonly correct = new Array<number>(CALIBRATION_BINS).fill(0)
  readonly confidenceSums = new Array<number>(CALIBRATION_BINS).fill(0)
  samples = 0
  nllSum = 0
  brierSum = 0

  /** Adds one sample: q = probabilities over the columns, truth = truth column (−1: not a column). */
  add(q: ArrayLike<number>, truth: number): void {
    let predicted = 0
    for (let c = 1; c < q.length; c++) if (q[c]! > q[predicted]!) predicted = c
    const confidence = q[predicted]!
    const bin = binOf(confidence)
    this.counts[bin]! += 1
    this.confidenceSums[bin]! += confidence
    if (predicted === truth) this.correct[bin]! += 1
    let brier = 0
    for (let c = 0; c < q.length; c++) {
      const d = q[c]! - (c === truth ? 1 : 0)
      brier += d * d
    }
    if (truth < 0 || truth >= q.length) brier += 1
    this.brierSum += brier
    this.nllSum += -Math.log(Math.max(truth >= 0 && truth < q.length ? q[truth]! : 0, NLL_FLOOR))
    this.samples += 1
  }

  /** Adds the sums stored in a result's metrics.calibration (a resumed run's or a shard's). */
  addSaved(saved: CalibrationMetrics): void {
    if (saved.bins.length !== CALIBRATION_BINS)
      throw new RangeError(`calibration has ${saved.bins.length} bins; expected ${CALIBRATION_BINS}`)
    saved.bins.forEach((b, m) => {
      this.counts[m]! += b.samples
      this.correct[m]! += b.correct
      this.confidenceSums[m]! += b.confidenceSum
    })
    this.samples += saved.samples
    this.nllSum += saved.nllSum
    this.brierSum += saved.brierSum
  }

  metrics(): CalibrationMetrics {
    const n = this.samples
    let ece = 0
    let mce = 0
    const bins = this.counts.map((samples, m) => {
      const confidence = samples === 0 ? 0 : Math.min(1, this.confidenceSums[m]! / samples)
      const accuracy = samples === 0 ? 0 : this.correct[m]! / samples
      if (samples > 0) {
        const gap = Math.abs(accuracy - confidence)
        ece += (samples / n) * gap
        mce = Math.max(mce, gap)
      }
      return {
        low: m / CALIBRATION_BINS,
        high: (m + 1) / CALIBRATION_BINS,
        samples,
        confidence,
        accuracy,
        correct: this.correct[m]!,
        confidenceSum: this.confidenceSums[m]!,
      }
    })
    return {
      samples: n,
      ece,
      mce,
      nll: n === 0 ? 0 : this.nllSum / n,
      brier: n === 0 ? 0 : this.brierSum / n,
      nllSum: this.nllSum,
      brierSum: this.brierSum,
      bins,
    }
  }
}

/** Bin of a confidence: (m/15, (m+1)/15] → m; 0 → 0; values above 1 (rounding) → the last bin. */
export function binOf(confidence: number): number {
  return Math.min(CALIBRATION_BINS - 1, Math.max(0, Math.ceil(confidence * CALIBRATION_BINS) - 1))
}

/** Calibration of many samples at once (for tests and small inputs). */
export function calibrationOf(rows: ReadonlyArray<{ q: ArrayLike<number>; truth: number }>): CalibrationMetrics {
  const acc = new CalibrationAccumulator()
  for (const r of rows) acc.add(r.q, r.truth)
  return acc.metrics()
}

/** `eval --calibrate temperature --calibration-split S`: the temperature fitted on S and the scored split's calibration after it. */
export interface TemperatureScaling {
  method: 'temperature'
  /** The split the temperature was fitted on (never the scored one). */
  split: string
  /** Samples of that split used for the fit. */
  samples: number
  temperature: number
  /** Mean NLL on the fitting split before (T = 1) and after scaling. */
  fitNllBefore: number
  fitNllAfter: number
  /** Calibration of the scored split with the logits divided by the temperature. */
  after: CalibrationMetrics
}

export type CalibrationReport = CalibrationMetrics & { temperatureScaling?: TemperatureScaling }
