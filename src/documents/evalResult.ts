import type { ModelFileEntry } from '../identity/modelFiles.js'
import type { MachineInfo } from '../identity/provenance.js'
import type { FoldInfo } from '../datasets/types.js'
import type { LabelMapping } from '../labels/mapping.js'
import type { CalibrationReport } from '../metrics/calibration.js'
import type { ClassificationMetrics } from '../metrics/classification.js'
import type { SliceMetrics } from '../metrics/slices.js'
import type { LabelOrderCheck } from '../metrics/labelOrder.js'
import type { OutputCheck, OutputStatsState } from '../metrics/degenerate.js'
import type { ModelCard } from '../card/schema.js'
import type { PredictionsField } from './predictions.js'
import type { StoredSpec } from './storedSpec.js'

export const EVAL_SCHEMA = 'ferbench/eval@1'

export interface SamplePrediction {
  id: string
  truth: string
  predicted: string
  /** The first 16 hex digits of the sha256 of the decoded pixels (src/identity/datasetDigest.ts); absent in older documents. */
  content?: string
  /** The best three classes among those the argmax considers, with their scores (probabilities where the card says so, else the raw/averaged logits). */
  top: Array<{ label: string; score: number }>
}

export interface SampleFailure {
  id: string
  source: string
  error: string
}

/** Only in a partial result (complete:false): where to continue from. */
export interface ResumePoint {
  /** Samples of the (sharded) split stream settled (scored or failed), in stream order: a prefix. */
  settled: number
  /** Digest (as dataset.digest) of every settled sample, failed ones included: checked against the data on resume. */
  settledDigest: string
  /** What stopped the run: the signal (`SIGINT`, `SIGTERM`), or `<kind> error` for an error after progress (see warnings). */
  signal: string
  /** Accumulators of the degenerate-output check, continued on resume. */
  outputStats?: OutputStatsState
  /** The run's spec as stored (src/documents/storedSpec.ts). */
  options: StoredSpec
}

/** `timing.split` of an eval result: this segment's time per stage, in ms. */
export interface StageSplit {
  startupMs: number
  readMs: number
  decodeMs: number
  preprocessMs: number
  inferMs: number
  metricsMs: number
}

export interface EvalResult {
  schema: typeof EVAL_SCHEMA
  /** false for a partial result (interrupted run): metrics cover `dataset.samples` samples so far. */
  complete: boolean
  demo: boolean
  createdAt: string
  tool: { name: 'ferbench'; version: string }
  /** sha256 and bytes cover every file of the model (src/identity/modelFiles.ts, docs/identity.md); `files` lists them. */
  model: { path: string; sha256: string; bytes: number; files?: ModelFileEntry[]; card: ModelCard }
  dataset: {
    name: string
    path: string
    split: string
    /** Samples scored (failures excluded). */
    samples: number
    /**
     * Sum modulo 2^256 of sha256(`id\tlabel\tcontent\n`) over the scored samples (content = sha256 of
     * the decoded pixels), 64 hex digits: independent of order, so resumed runs and merged shards give
     * the digest of the whole run (src/identity/datasetDigest.ts, docs/identity.md).
     */
    digest: string
    /** The same sum of sha256(`label\tcontent\n`): the pictures and labels, whatever file or row they came from. Absent in older documents. */
    contentDigest?: string
    /** The same sum of sha256(`id\tlabel\n`): ids and labels only (the digest older versions wrote). Absent in older documents. */
    idDigest?: string
    labels: string[]
    /** Present when the run evaluated one shard (--shard index/count) of the split. */
    shard?: { index: number; count: number; hash: string }
    /** Present when the run evaluated one subject-independent fold (--folds N --fold k); rule in src/datasets/folds.ts. */
    fold?: FoldInfo
  }
  labelMapping: Pick<LabelMapping, 'policy' | 'modelLabels' | 'datasetLabels' | 'columns' | 'extraModelClasses' | 'missingModelClasses'>
  runner: {
    name: string
    backend: string
    device: string
    version: string
    threads: number | null
    graphOptimization: string | null
    /** Samples per inference call requested. */
    batch: number
    /** Rows actually sent per inference call (views × samples, or the model's fixed batch). */
    rowsPerCall: number
    /** True when the model's graph fixes the batch dimension and ferbench ran it at that size. */
    fixedBatch: boolean
  }
  machine: MachineInfo
  versions: Record<string, string>
  metrics: ClassificationMetrics & {
    /** Calibration of the probabilities (src/metrics/calibration.ts); absent only in results of older versions. */
    calibration?: CalibrationReport
    /** Per-group metrics, one entry per `--slice-by` attribute (src/metrics/slices.ts). */
    slices?: SliceMetrics
  }
  /** Would another order of the card's labels fit much better? (src/metrics/labelOrder.ts) */
  labelOrderCheck?: LabelOrderCheck
  /** The degenerate-output check (src/metrics/degenerate.ts): output statistics and the flags raised. */
  outputCheck?: OutputCheck
  timing: {
    wallSeconds: number
    imagesPerSecond: number
    /** Per-stage times summed over samples; with --concurrency > 1 read and preprocess overlap inference. */
    stagesMs: { read: number; preprocess: number; infer: number; metrics: number }
    /** Number of process runs that made this result (> 1 after --resume); wallSeconds sums them. */
    segments?: number
    /** Where this run segment's time went, ms (stages overlap; see the schema). */
    split?: StageSplit
  }
  warnings: string[]
  failures: SampleFailure[]
  /** Per-sample predictions, embedded by default (columns, src/documents/predictions.ts); older documents hold an array. */
  predictions?: PredictionsField
  /** Only in a partial result (complete:false): what `eval --resume` needs to continue. */
  resume?: ResumePoint
  /** Only in a merged result (`ferbench merge`): the shards it was made from. */
  merged?: { shards: Array<{ index: number; count: number; file: string; samples: number; failures: number; machine: MachineInfo; wallSeconds: number }> }
}
