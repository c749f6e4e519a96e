import { csvTextCell } from './escape.js'
import type { SamplePrediction } from '../results/predictions.js'

const PREDICTIONS_CSV_HEADER = [
  'id',
  'truth',
  'predicted',
  'correct',
  'top1',
  'top1_score',
  'top2',
  'top2_score',
  'top3',
  'top3_score',
] as const

/**
 * Per-sample predictions as CSV: id, truth, predicted, correct (1/0), then the top-3 labels with
 * their scores (fewer classes leave the trailing cells empty). Text cells are escaped against
 * spreadsheet formula injection (csvTextCell: an id starting with `=` is written `'=…`). Scores are written with full
 * float precision so the file can be re-scored exactly.
 */
export function predictionsCsv(predictions: readonly SamplePrediction[]): string {
  const lines = [PREDICTIONS_CSV_HEADER.join(',')]
  for (const p of predictions) {
    const cells = [
      csvTextCell(p.id),
      csvTextCell(p.truth),
      csvTextCell(p.predicted),
      p.truth === p.predicted ? '1' : '0',
    ]
    for (let i = 0; i < 3; i++) {
      const t = p.top[i]
      cells.push(t ? csvTextCell(t.label) : '', t ? String(t.score) : '')
    }
    lines.push(cells.join(','))
  }
  return `${lines.join('\n')}\n`
}
