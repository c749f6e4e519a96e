import Table, { confusionTable } from './table.js'
import type { CvResult } from '../core/crossValidate.js'
import { fitText } from './fit.js'

const pct = (x: number): string => `${(x * 100).toFixed(2)}%`

/** Human view of a cross-validation result: per-fold metrics, mean ± std, pooled metrics and confusion matrix. */
export function renderCvTables(result: CvResult): string {
  const perFold = new Table({ head: ['fold', 'subjects', 'samples', 'accuracy', 'balanced acc.', 'macro-F1', 'failures'] })
  for (const f of result.folds) {
    const subjects = f.subjects.length <= 4 ? f.subjects.join(' ') : `${f.subjects.slice(0, 4).join(' ')} … (${f.subjects.length})`
    perFold.push([String(f.fold), subjects, String(f.samples), pct(f.metrics.accuracy), pct(f.metrics.balancedAccuracy), f.metrics.macroF1.toFixed(3), String(f.failures.length)])
  }
  const m = result.metrics
  const summary = new Table({ head: ['metric', 'value'] })
  summary.push(
    ['dataset', `${result.dataset.name} ${result.dataset.split}, ${result.protocol.folds} subject-independent folds (${result.dataset.samples} samples)`],
    ['model', result.protocol.model],
    ['accuracy, mean ± std over folds', `${pct(m.accuracyFoldMean)} ± ${pct(m.accuracyFoldStd)} (population std)`],
    ['pooled accuracy', `${pct(m.accuracy)} (${m.correct}/${m.samples}), 95% CI ${pct(m.accuracyCI95[0])} – ${pct(m.accuracyCI95[1])}`],
    ['pooled balanced accuracy', pct(m.balancedAccuracy)],
    ['pooled macro-F1', m.macroF1.toFixed(3)],
  )
  const lines = [perFold.toString(), summary.toString(), 'Pooled confusion matrix (rows = truth, columns = prediction):', confusionTable(m.confusionMatrix)]
  if (result.warnings.length > 0) lines.push('Warnings:', ...result.warnings.map((w) => `  - ${w}`))
  if (result.failures.length > 0) {
    lines.push(`Failures (${result.failures.length}):`, ...result.failures.slice(0, 20).map((f) => `  - fold ${f.fold}: ${f.id} (${f.source}): ${f.error}`))
  }
  return fitText(lines.join('\n'))
}
