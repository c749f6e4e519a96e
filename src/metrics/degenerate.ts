/**
 * Degenerate-output detector: is the model looking at the faces at all?
 *
 * A model fed the wrong pixel scale, channel order or layout often answers the same for every
 * input, which ferbench would otherwise score as a plain low accuracy. From the raw output rows of
 * an evaluation (one row per image or TTA view) and its confusion matrix it flags, each with what
 * to check:
 *   one-class          one class predicted for ≥ 90 % of samples while it is < 50 % of the truth;
 *   constant-outputs   every output varies across rows by less than 1 % of the outputs' typical
 *                      size (std / RMS < 0.01; all-zero outputs included), or their softmax by
 *                      less than 1e-4 (a shift shared by all classes is no information);
 *   chance-accuracy    the accuracy's 95 % Wilson interval reaches down to the accuracy of always
 *                      answering the most frequent class;
 *   probabilities-as-logits / logits-as-probabilities
 *                      every row is a probability vector (values in [0,1], summing to 1 within
 *                      1e-3) while the card says logits, or a row is not one while it says
 *                      probabilities.
 * The first three need at least MIN_SAMPLES scored samples (a handful of images says little).
 * Calibration (precision and recall on correct and broken models): docs/doctor.md.
 */
import { isProbabilityRow, softmaxRow } from './softmax.js'
import { percent } from '../base/format.js'

const ONE_CLASS_SHARE = 0.9
const ONE_CLASS_MAX_TRUTH_SHARE = 0.5
/** Largest per-output std across rows, relative to the RMS of all outputs, below which outputs count as constant. */
const CONSTANT_RELATIVE_STD = 0.01
/** Largest per-class std of the softmax below which it counts as constant. */
const CONSTANT_SOFTMAX_STD = 1e-4
const MIN_SAMPLES = 20

export type DegenerateFlag =
  | 'one-class'
  | 'constant-outputs'
  | 'chance-accuracy'
  | 'probabilities-as-logits'
  | 'logits-as-probabilities'

/** Running statistics of the output rows (Welford per class, on the softmax or the probabilities as they are). */
export class OutputStats {
  rows = 0
  probabilityRows = 0
  nonFiniteRows = 0
  /** Welford accumulators per output: of the softmax (or the probabilities as they are), and of the raw outputs. */
  mean: Float64Array
  m2: Float64Array
  rawMean: Float64Array
  rawM2: Float64Array
  private readonly tmp: Float64Array

  constructor(readonly classes: number) {
    this.mean = new Float64Array(classes)
    this.m2 = new Float64Array(classes)
    this.rawMean = new Float64Array(classes)
    this.rawM2 = new Float64Array(classes)
    this.tmp = new Float64Array(classes)
  }

  /** Adds `rows` rows of `classes` scores from `scores` (row-major). */
  addRows(scores: Float32Array, rows: number): void {
    const k = this.classes
    for (let r = 0; r < rows; r++) {
      const offset = r * k
      let finite = true
      for (let i = 0; i < k; i++) if (!Number.isFinite(scores[offset + i]!)) finite = false
      if (!finite) {
        this.nonFiniteRows += 1
        continue
      }
      const probability = isProbabilityRow(scores, offset, k)
      if (probability) {
        this.probabilityRows += 1
        for (let i = 0; i < k; i++) this.tmp[i] = scores[offset + i]!
      } else softmaxRow(scores, offset, k, this.tmp)
      this.rows += 1
      for (let i = 0; i < k; i++) {
        const d = this.tmp[i]! - this.mean[i]!
        this.mean[i]! += d / this.rows
        this.m2[i]! += d * (this.tmp[i]! - this.mean[i]!)
        const v = scores[offset + i]!
        const dr = v - this.rawMean[i]!
        this.rawMean[i]! += dr / this.rows
        this.rawM2[i]! += dr * (v - this.rawMean[i]!)
      }
    }
  }

  private std(m2: Float64Array): number[] {
    return Array.from(m2, (m) => (this.rows > 1 ? Math.sqrt(m / (this.rows - 1)) : 0))
  }

  /** Largest per-class standard deviation (sample, n − 1) of the softmax across rows. */
  maxSoftmaxStd(): number {
    return Math.max(0, ...this.std(this.m2))
  }

  /** Largest per-output std of the raw outputs across rows over their RMS (0 when every output is 0). */
  relativeRawStd(): number {
    const std = this.std(this.rawM2)
    let meanSquare = 0
    for (let i = 0; i < this.classes; i++)
      meanSquare += (this.rawMean[i]! ** 2 + (this.rows > 1 ? this.rawM2[i]! / this.rows : 0)) / this.classes
    const rms = Math.sqrt(meanSquare)
    return rms === 0 ? 0 : Math.max(...std) / rms
  }

  /** What a result document shows: means and stds rounded to 6 significant digits (float noise of a resumed run's pooling stays out). */
  snapshot(): OutputStatsSnapshot {
    const round = (values: ArrayLike<number>): number[] => Array.from(values, (v) => significant(v, 6))
    return {
      rows: this.rows,
      probabilityRows: this.probabilityRows,
      nonFiniteRows: this.nonFiniteRows,
      softmaxMean: round(this.mean),
      softmaxStd: round(this.std(this.m2)),
      rawMean: round(this.rawMean),
      rawStd: round(this.std(this.rawM2)),
    }
  }

  /** The exact accumulators, for a partial result to resume from. */
  state(): OutputStatsState {
    return {
      rows: this.rows,
      probabilityRows: this.probabilityRows,
      nonFiniteRows: this.nonFiniteRows,
      mean: Array.from(this.mean),
      m2: Array.from(this.m2),
      rawMean: Array.from(this.rawMean),
      rawM2: Array.from(this.rawM2),
    }
  }

  static restore(classes: number, state: OutputStatsState | undefined): OutputStats {
    const out = new OutputStats(classes)
    if (!state || state.mean.length !== classes) return out
    Object.assign(out, { rows: state.rows, probabilityRows: state.probabilityRows, nonFiniteRows: state.nonFiniteRows })
    out.mean.set(state.mean)
    out.m2.set(state.m2)
    out.rawMean.set(state.rawMean)
    out.rawM2.set(state.rawM2)
    return out
  }

  /** Pools the snapshots of several runs (Chan et al.'s parallel update): merged shards (to the snapshots' 6 digits). */
  static pool(classes: number, parts: readonly OutputStatsSnapshot[]): OutputStats {
    const out = new OutputStats(classes)
    for (const p of parts) {
      if (p.softmaxMean.length !== classes || p.rows === 0) continue
      const n = out.rows + p.rows
      const combine = (
        mean: Float64Array,
        m2: Float64Array,
        pMean: readonly number[],
        pStd: readonly number[],
      ): void => {
        for (let i = 0; i < classes; i++) {
          const m2b = p.rows > 1 ? pStd[i]! ** 2 * (p.rows - 1) : 0
          const d = pMean[i]! - mean[i]!
          m2[i] = m2[i]! + m2b + (d * d * out.rows * p.rows) / n
          mean[i] = mean[i]! + (d * p.rows) / n
        }
      }
      combine(out.mean, out.m2, p.softmaxMean, p.softmaxStd)
      combine(out.rawMean, out.rawM2, p.rawMean, p.rawStd)
      out.rows = n
      out.probabilityRows += p.probabilityRows
      out.nonFiniteRows += p.nonFiniteRows
    }
    return out
  }
}

const significant = (x: number, digits: number): number =>
  x === 0 || !Number.isFinite(x) ? x : Number(x.toPrecision(digits))

/** Exact Welford accumulators (partial results only). */
export interface OutputStatsState {
  rows: number
  probabilityRows: number
  nonFiniteRows: number
  mean: number[]
  m2: number[]
  rawMean: number[]
  rawM2: number[]
}

export interface OutputStatsSnapshot {
  /** Finite output rows seen (images × TTA views). */
  rows: number
  /** Rows that are probability vectors (values in [0,1] summing to 1). */
  probabilityRows: number
  nonFiniteRows: number
  /** Per model output: mean and std (n − 1) across rows of its softmax (or probability). */
  softmaxMean: number[]
  softmaxStd: number[]
  /** Per model output: mean and std (n − 1) across rows of the raw output. */
  rawMean: number[]
  rawStd: number[]
}

export interface OutputCheck extends OutputStatsSnapshot {
  /** Largest per-output std of the raw outputs across rows, over their RMS (4 significant digits). */
  relativeStd: number
  /** Largest per-class std of the softmax across rows (4 significant digits). */
  softmaxStdMax: number
  /** The most predicted class and its share of the scored samples. */
  topPrediction: { label: string; share: number } | null
  /** Accuracy of always answering the most frequent true class. */
  chanceAccuracy: number
  flags: DegenerateFlag[]
}

const pct = (x: number): string => percent(x, 1)

/** Where every warning points: the doctor command for this run, when known. */
function doctorHint(run?: { model: string; dataset?: string; data?: string }): string {
  const args = run
    ? `--model ${run.model} --dataset ${run.dataset ?? '<dataset>'} --data ${run.data ?? '<path>'}`
    : '--model <model> --dataset <dataset> --data <path>'
  return `run \`ferbench models doctor ${args}\` to find the card the model wants (docs/doctor.md)`
}

/** The warning prefix commands echo to stderr. */
export const DEGENERATE_PREFIX = 'degenerate output: '

/**
 * The check on an evaluation: `confusion` rows = truth, columns = prediction; `accuracyCI95` its
 * Wilson interval; `output` what the card says.
 */
export function checkOutputs(
  stats: OutputStats,
  confusion: { labels: readonly string[]; counts: readonly (readonly number[])[] },
  accuracyCI95: readonly [number, number],
  output: 'logits' | 'probabilities',
  run?: { model: string; dataset: string; data: string },
): { check: OutputCheck; warnings: string[] } {
  const { labels, counts } = confusion
  const k = labels.length
  const predicted = new Array<number>(k).fill(0)
  const truth = new Array<number>(k).fill(0)
  let samples = 0
  for (let t = 0; t < k; t++) {
    for (let p = 0; p < k; p++) {
      predicted[p]! += counts[t]![p]!
      truth[t]! += counts[t]![p]!
      samples += counts[t]![p]!
    }
  }
  const top = predicted.indexOf(Math.max(...predicted))
  const topShare = samples === 0 ? 0 : predicted[top]! / samples
  const chance = samples === 0 ? 0 : Math.max(...truth) / samples
  const flags: DegenerateFlag[] = []
  const warnings: string[] = []
  const say = (flag: DegenerateFlag, text: string): void => {
    flags.push(flag)
    warnings.push(`${DEGENERATE_PREFIX}${text}; ${doctorHint(run)}`)
  }
  if (samples >= MIN_SAMPLES) {
    if (topShare >= ONE_CLASS_SHARE && truth[top]! / samples < ONE_CLASS_MAX_TRUTH_SHARE) {
      say(
        'one-class',
        `the model predicts ${labels[top]} for ${pct(topShare)} of the samples (${pct(truth[top]! / samples)} of the truth): it is probably not seeing the faces as it was trained to — check the card's scale, channel order (RGB/BGR), layout and resize`,
      )
    }
    const relative = stats.relativeRawStd()
    const soft = stats.maxSoftmaxStd()
    if (stats.rows >= 2 && (relative < CONSTANT_RELATIVE_STD || soft < CONSTANT_SOFTMAX_STD)) {
      say(
        'constant-outputs',
        `the model's outputs hardly change from image to image (largest std across images ${relative.toPrecision(2)} of their typical size, softmax std ${soft.toPrecision(2)}): ` +
          "check the card's scale (raw255, unit, symmetric, meanstd) first",
      )
    }
    if (accuracyCI95[0] <= chance) {
      say(
        'chance-accuracy',
        `accuracy is not above chance: its 95% interval [${pct(accuracyCI95[0])}, ${pct(accuracyCI95[1])}] reaches the ${pct(chance)} of always answering the most frequent class — check the card's label order and preprocessing`,
      )
    }
  }
  if (stats.rows > 0 && output === 'logits' && stats.probabilityRows === stats.rows) {
    say(
      'probabilities-as-logits',
      `every output row is a probability vector (values in [0,1] summing to 1) but the card says "output": "logits": set "output": "probabilities" (it changes TTA averaging and calibration, not the argmax)`,
    )
  }
  if (stats.rows > 0 && output === 'probabilities' && stats.probabilityRows < stats.rows) {
    say(
      'logits-as-probabilities',
      `${stats.rows - stats.probabilityRows} of ${stats.rows} output rows are not probability vectors but the card says "output": "probabilities": set "output": "logits" (or check the model's last layer)`,
    )
  }
  return {
    check: {
      ...stats.snapshot(),
      relativeStd: significant(stats.relativeRawStd(), 4),
      softmaxStdMax: significant(stats.maxSoftmaxStd(), 4),
      topPrediction: samples === 0 ? null : { label: labels[top]!, share: topShare },
      chanceAccuracy: chance,
      flags,
    },
    warnings,
  }
}

/** The speed check: the first inference on the synthetic input gave all zeros or non-finite values. */
export function checkSyntheticOutputs(model: string, scores: Float32Array): string[] {
  const hint = doctorHint({ model })
  let nonFinite = 0
  let zeros = 0
  for (const v of scores) {
    if (!Number.isFinite(v)) nonFinite += 1
    else if (v === 0) zeros += 1
  }
  if (nonFinite > 0) {
    return [
      `${DEGENERATE_PREFIX}${model}: ${nonFinite} of ${scores.length} outputs on the synthetic input are NaN or infinite: check the card's scale and the model file (the timings still stand); ${hint}`,
    ]
  }
  if (scores.length > 0 && zeros === scores.length) {
    return [
      `${DEGENERATE_PREFIX}${model}: every output on the synthetic input is exactly 0: check the card's scale and layout (the timings still stand); ${hint}`,
    ]
  }
  return []
}
