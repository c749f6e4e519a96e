import type { ClassificationMetrics } from '../metrics/classification.js'
import type { LabelOrderCheck } from '../metrics/labelOrder.js'
import type { EvalResult, SampleFailure } from './evalResult.js'
import type { StoredSpec } from './storedSpec.js'
import type { PredictionsField } from './predictions.js'

/** The cross-validation document written by `ferbench eval --folds N` without --fold (src/eval/crossValidate.ts). */
export const CV_SCHEMA = 'ferbench/cv@1'

export interface CvFold {
  fold: number
  model: { path: string; sha256: string }
  subjects: string[]
  samples: number
  digest: string
  contentDigest?: string
  idDigest?: string
  metrics: ClassificationMetrics
  warnings: string[]
  failures: SampleFailure[]
}

export interface CvResult {
  schema: typeof CV_SCHEMA
  complete: boolean
  createdAt: string
  tool: { name: 'ferbench'; version: string }
  protocol: { folds: number; rule: string; split: string; model: string; sameModelEveryFold: boolean; note: string }
  /** digest, contentDigest, idDigest: the folds' digests added up (src/identity/datasetDigest.ts). */
  dataset: { name: string; path: string; split: string; samples: number; digest?: string; contentDigest?: string; idDigest?: string; labels: string[] }
  labelMapping: EvalResult['labelMapping']
  runner: EvalResult['runner']
  machine: EvalResult['machine']
  versions: Record<string, string>
  /** One entry per fold, in fold order. */
  folds: CvFold[]
  /** Pooled over all folds (the confusion matrices summed), plus the mean and population std (ddof 0) of the per-fold accuracies. */
  metrics: ClassificationMetrics & { accuracyFoldMean: number; accuracyFoldStd: number }
  /** One label-order check on the pooled confusion matrix (not one per fold); drivingFold = the fold its moves gain most on. */
  labelOrderCheck: LabelOrderCheck & { drivingFold: number | null }
  timing: { wallSeconds: number }
  warnings: string[]
  failures: Array<SampleFailure & { fold: number }>
  /** Per-sample predictions of every fold, pooled in fold order (src/documents/predictions.ts). */
  predictions?: PredictionsField
  /** Only in a partial result (complete:false, an interrupted run): what `eval --resume` needs. */
  resume?: CvResumePoint
}

/** Only in a partial all-fold result (complete:false): what `eval --resume` needs to continue. */
export interface CvResumePoint {
  /** What stopped the run (`SIGINT`, `SIGTERM`). */
  signal: string
  /** The options of the run, as a partial eval result stores them (model: the --model pattern; paths resolved). */
  options: StoredSpec
  /** Every fold finished before the stop, in fold order: the whole eval result of each. */
  folds: EvalResult[]
  /** The fold in progress when the run stopped: its partial eval result, resumed where it stopped. */
  current?: EvalResult
}

