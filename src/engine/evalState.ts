import { CalibrationAccumulator, type CalibrationMetrics } from '../metrics/calibration.js'
import { emptyConfusion } from '../metrics/classification.js'
import { SliceAccumulator, type SliceMetrics } from '../metrics/slices.js'
import type { SampleFailure } from '../results/evalDocument.js'
import { decodePredictions, type PredictionsField, type SamplePrediction } from '../results/predictions.js'
import { DatasetDigest, SampleDigests, sampleHashes, type SampleIdentity } from '../base/datasetDigest.js'
import { dataError } from '../base/errors.js'
import type { OutputStats } from '../metrics/degenerate.js'
import { DecodeTally } from '../datasets/decodeTally.js'

/** Stage times in milliseconds, summed over samples (they overlap when --concurrency > 1). */
export interface StagesMs {
  read: number
  preprocess: number
  infer: number
  metrics: number
}

/**
 * Everything an eval run has settled so far, in stream order: the confusion counts, the digest of
 * the scored samples, failures, optional predictions, and how many samples of the (sharded)
 * stream are settled. A partial result stores it; a resumed run starts from it.
 */
export class EvalState {
  counts: number[][]
  /** digest, contentDigest and idDigest of the scored samples (src/base/datasetDigest.ts). */
  readonly digests: SampleDigests
  /** Digest over every settled sample (failed ones too): checked against the data on resume. */
  readonly settledDigest: DatasetDigest
  scored: number
  /** Samples taken from the stream in order and settled (scored or failed). */
  settled: number
  readonly failures: SampleFailure[]
  readonly predictions: SamplePrediction[] | undefined
  readonly stagesMs: StagesMs
  /** Wall time of earlier segments of a resumed run, in seconds. */
  priorWallSeconds: number
  segments: number
  /** Calibration sums of the scored samples (src/metrics/calibration.ts). */
  readonly calibration = new CalibrationAccumulator()
  /** Per-group confusion counts for `eval --slice-by` (src/metrics/slices.ts). */
  readonly slices: SliceAccumulator | undefined
  /** With `--calibrate temperature`: the fitted temperature and the calibration sums after scaling. */
  scaled: { temperature: number; calibration: CalibrationAccumulator } | undefined
  /** Statistics of the raw output rows, for the degenerate-output check (set by evaluate). */
  outputs?: OutputStats
  /** What the decoder did to the settled images (orientation, frames, shrinking): `dataset.images`. */
  readonly images = new DecodeTally()
  /** This segment only (not saved): ms waiting on the dataset stream, and in sample.load(). */
  streamMs = 0
  loadMs = 0

  /** Keep each prediction's top-3 classes and scores (only a --predictions CSV needs them). */
  readonly keepScores: boolean

  constructor(
    columns: number,
    keepPredictions: boolean,
    sliceBy?: { attributes: readonly string[]; minSamples: number },
    keepScores = false,
  ) {
    this.keepScores = keepScores
    this.counts = emptyConfusion(columns)
    this.digests = new SampleDigests()
    this.settledDigest = new DatasetDigest()
    this.scored = 0
    this.settled = 0
    this.failures = []
    this.predictions = keepPredictions ? [] : undefined
    this.stagesMs = { read: 0, preprocess: 0, infer: 0, metrics: 0 }
    this.priorWallSeconds = 0
    this.segments = 1
    this.slices =
      sliceBy && sliceBy.attributes.length > 0
        ? new SliceAccumulator(sliceBy.attributes, columns, sliceBy.minSamples)
        : undefined
    this.scaled = undefined
  }

  /** Starts accumulating calibration after temperature scaling (`--calibrate temperature`). */
  scaleBy(temperature: number, saved?: CalibrationMetrics): void {
    this.scaled = { temperature, calibration: new CalibrationAccumulator() }
    if (saved) savedPart('metrics.calibration', () => this.scaled!.calibration.addSaved(saved))
  }

  static restore(
    saved: SavedState,
    columns: number,
    sliceBy?: { attributes: readonly string[]; minSamples: number },
    keepScores = false,
  ): EvalState {
    const state = new EvalState(columns, saved.predictions !== undefined, sliceBy, keepScores)
    if (saved.calibration) savedPart('metrics.calibration', () => state.calibration.addSaved(saved.calibration!))
    else if (saved.scored > 0)
      throw dataError(
        'the partial result has no metrics.calibration (written by an older ferbench); run again without --resume',
      )
    if (state.slices) {
      if (!saved.slices)
        throw dataError('the partial result has no metrics.slices for --slice-by; run again without --resume')
      savedPart('metrics.slices', () => state.slices!.addSaved(saved.slices!))
    }
    if (saved.counts.length !== columns || saved.counts.some((row) => row.length !== columns)) {
      throw new RangeError(`saved confusion matrix is not ${columns}×${columns}`)
    }
    state.counts = saved.counts.map((row) => [...row])
    Object.assign(state, {
      digests: new SampleDigests(saved),
      settledDigest: new DatasetDigest(saved.settledDigest),
      scored: saved.scored,
      settled: saved.settled,
      priorWallSeconds: saved.wallSeconds,
      segments: saved.segments + 1,
    })
    state.failures.push(...saved.failures)
    state.predictions?.push(...(saved.predictions ? decodePredictions(saved.predictions) : []))
    Object.assign(state.stagesMs, saved.stagesMs)
    return state
  }

  score(sample: SampleIdentity, truthColumn: number, predictedColumn: number): void {
    this.counts[truthColumn]![predictedColumn]! += 1
    const hashes = sampleHashes(sample)
    this.digests.add(hashes)
    this.settledDigest.addHash(hashes.digest)
    this.scored += 1
    this.settled += 1
  }

  fail(sample: SampleIdentity, failure: SampleFailure): void {
    this.failures.push(failure)
    this.settledDigest.add(sample)
    this.settled += 1
  }
}

/** What a partial result's `resume.state` part holds beyond the regular result fields. */
export interface SavedState {
  counts: number[][]
  digest: string
  contentDigest: string
  idDigest: string
  settledDigest: string
  scored: number
  settled: number
  failures: SampleFailure[]
  predictions?: PredictionsField
  stagesMs: StagesMs
  wallSeconds: number
  segments: number
  calibration?: CalibrationMetrics
  slices?: SliceMetrics
}

/** Restores one saved part of a partial result; a part that does not fit (cut or changed by hand) is a data error naming it. */
function savedPart(field: string, restore: () => void): void {
  try {
    restore()
  } catch (error) {
    if (error instanceof RangeError)
      throw dataError(
        `the partial result's ${field} does not fit this run (${error.message}); the document was changed after ferbench wrote it (or damaged): run again without --resume`,
      )
    throw error
  }
}
