import type { MachineInfo } from '../core/provenance.js'
import type { LabelMapping } from '../labels/mapping.js'
import type { ClassificationMetrics } from '../metrics/classification.js'
import type { ModelCard } from '../models/card.js'

export const EVAL_SCHEMA = 'ferbench/eval@1'

export interface SamplePrediction {
  id: string
  truth: string
  predicted: string
  /** The best three classes among those the argmax considers, with their scores (probabilities where the card says so, else the raw/averaged logits). */
  top: Array<{ label: string; score: number }>
}

export interface SampleFailure {
  id: string
  source: string
  error: string
}

export interface EvalResult {
  schema: typeof EVAL_SCHEMA
  /** false for a partial result (interrupted run): metrics cover `dataset.samples` samples so far. */
  complete: boolean
  demo: boolean
  createdAt: string
  tool: { name: 'ferbench'; version: string }
  model: { path: string; sha256: string; bytes: number; card: ModelCard }
  dataset: {
    name: string
    path: string
    split: string
    /** Samples scored (failures excluded). */
    samples: number
    /** sha256 over `id\tlabel` of every scored sample in order: equal digests mean the same test set. */
    digest: string
    labels: string[]
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
  metrics: ClassificationMetrics
  timing: {
    wallSeconds: number
    imagesPerSecond: number
    stagesMs: { read: number; preprocess: number; infer: number; metrics: number }
  }
  warnings: string[]
  failures: SampleFailure[]
  predictions?: SamplePrediction[]
}
