import Table, { confusionTable } from './table.js'
import { CV_FOLD_HEAD, cvFoldRows, cvSummaryRows, type CvView } from './cvReport.js'
import { fitText } from './fit.js'

/** Human view of a cross-validation result: per-fold metrics, mean ± std, pooled metrics and confusion matrix. */
export function renderCvTables(result: CvView): string {
  const perFold = new Table({ head: CV_FOLD_HEAD })
  for (const row of cvFoldRows(result)) perFold.push(row)
  const m = result.metrics
  const summary = new Table({ head: ['metric', 'value'], fit: { keep: [0] } })
  summary.push(...cvSummaryRows(result))
  const lines = [
    perFold.toString(),
    summary.toString(),
    'Pooled confusion matrix (rows = truth, columns = prediction):',
    confusionTable(m.confusionMatrix),
  ]
  if (result.warnings.length > 0) lines.push('Warnings:', ...result.warnings.map((w) => `  - ${w}`))
  if (result.failures.length > 0) {
    lines.push(
      `Failures (${result.failures.length}):`,
      ...result.failures.slice(0, 20).map((f) => `  - fold ${f.fold}: ${f.id} (${f.source}): ${f.error}`),
    )
  }
  return fitText(lines.join('\n'))
}
