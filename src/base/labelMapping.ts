import type { Emotion } from './emotions.js'

/** What to do with a model class the dataset does not have (e.g. contempt on FER2013). */
export const EXTRA_CLASS_POLICIES = ['drop', 'keep'] as const
export type ExtraClassPolicy = (typeof EXTRA_CLASS_POLICIES)[number]

export interface LabelMapping {
  policy: ExtraClassPolicy
  /** The model's output order. */
  modelLabels: Emotion[]
  /** The dataset's native order. */
  datasetLabels: Emotion[]
  /** Confusion-matrix columns: the dataset's labels, then (policy keep) the model's extra classes. */
  columns: Emotion[]
  /** For each model output index, its column, or -1 when excluded from the argmax. */
  modelToColumn: number[]
  /** Model classes the dataset lacks: excluded from the argmax (drop) or kept as always-wrong columns (keep). */
  extraModelClasses: Emotion[]
  /** Dataset classes the model cannot output: their samples can never be predicted correctly. */
  missingModelClasses: Emotion[]
}

export function mapLabels(
  modelLabels: readonly Emotion[],
  datasetLabels: readonly Emotion[],
  policy: ExtraClassPolicy,
): LabelMapping {
  const extra = modelLabels.filter((l) => !datasetLabels.includes(l))
  const missing = datasetLabels.filter((l) => !modelLabels.includes(l))
  const columns = policy === 'keep' ? [...datasetLabels, ...extra] : [...datasetLabels]
  const modelToColumn = modelLabels.map((l) => columns.indexOf(l))
  return {
    policy,
    modelLabels: [...modelLabels],
    datasetLabels: [...datasetLabels],
    columns,
    modelToColumn,
    extraModelClasses: extra,
    missingModelClasses: missing,
  }
}

/** Column of the highest score among the model outputs that map to a column; first one wins ties. */
export function predictColumn(scores: Float32Array, offset: number, mapping: LabelMapping): number {
  let best = -1
  let bestScore = -Infinity
  const m = mapping.modelToColumn
  for (let i = 0; i < m.length; i++) {
    const column = m[i]!
    if (column < 0) continue
    const s = scores[offset + i]!
    if (s > bestScore || best < 0) {
      best = column
      bestScore = s
    }
  }
  return best
}
