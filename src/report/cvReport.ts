import type { CvResult } from '../results/cvDocument.js'
import { percent as pct } from './format.js'

/** What the cross-validation views read: a cv document as written or as parsed from a file. */
export type CvView = Pick<
  CvResult,
  | 'schema'
  | 'complete'
  | 'createdAt'
  | 'tool'
  | 'protocol'
  | 'dataset'
  | 'runner'
  | 'machine'
  | 'folds'
  | 'metrics'
  | 'warnings'
  | 'failures'
>

/** One row per fold: fold, subjects, samples, accuracy, balanced accuracy, macro-F1, failures. */
export function cvFoldRows(result: CvView): string[][] {
  return result.folds.map((f) => {
    const subjects =
      f.subjects.length <= 4 ? f.subjects.join(' ') : `${f.subjects.slice(0, 4).join(' ')} … (${f.subjects.length})`
    return [
      String(f.fold),
      subjects,
      String(f.samples),
      pct(f.metrics.accuracy),
      pct(f.metrics.balancedAccuracy),
      f.metrics.macroF1.toFixed(3),
      String(f.failures.length),
    ]
  })
}

export const CV_FOLD_HEAD = ['fold', 'subjects', 'samples', 'accuracy', 'balanced acc.', 'macro-F1', 'failures']

/** The pooled summary: metric name → value, as the table, markdown and HTML views print it. */
export function cvSummaryRows(result: CvView): string[][] {
  const m = result.metrics
  return [
    [
      'dataset',
      `${result.dataset.name} ${result.dataset.split}, ${result.protocol.folds} subject-independent folds (${result.dataset.samples} samples)`,
    ],
    ['model', result.protocol.model],
    ['accuracy, mean ± std over folds', `${pct(m.accuracyFoldMean)} ± ${pct(m.accuracyFoldStd)} (population std)`],
    [
      'pooled accuracy',
      `${pct(m.accuracy)} (${m.correct}/${m.samples}), 95% CI ${pct(m.accuracyCI95[0])} – ${pct(m.accuracyCI95[1])}`,
    ],
    ['pooled balanced accuracy', pct(m.balancedAccuracy)],
    ['pooled macro-F1', m.macroF1.toFixed(3)],
    ...(result.dataset.digest ? [['dataset digest', `${result.dataset.digest.slice(0, 16)}…`]] : []),
    ['complete', result.complete ? 'yes' : 'NO (stopped before the last fold)'],
  ]
}
