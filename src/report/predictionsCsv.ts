import { writeFileAtomic } from '../core/atomicWrite.js'
import type { SamplePrediction } from './evalResult.js'

export const PREDICTIONS_CSV_HEADER = ['id', 'truth', 'predicted', 'correct', 'top1', 'top1_score', 'top2', 'top2_score', 'top3', 'top3_score'] as const

/** RFC 4180 quoting: a field with a comma, quote, CR or LF is quoted and its quotes doubled. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value
}

/**
 * Per-sample predictions as CSV: id, truth, predicted, correct (1/0), then the top-3 labels with
 * their scores (fewer classes leave the trailing cells empty). Scores are written with full
 * float precision so the file can be re-scored exactly.
 */
export function predictionsCsv(predictions: readonly SamplePrediction[]): string {
  const lines = [PREDICTIONS_CSV_HEADER.join(',')]
  for (const p of predictions) {
    const cells = [p.id, p.truth, p.predicted, p.truth === p.predicted ? '1' : '0']
    for (let i = 0; i < 3; i++) {
      const t = p.top[i]
      cells.push(t ? t.label : '', t ? String(t.score) : '')
    }
    lines.push(cells.map(csvField).join(','))
  }
  return `${lines.join('\n')}\n`
}

export function writePredictionsCsv(file: string, predictions: readonly SamplePrediction[]): void {
  writeFileAtomic(file, predictionsCsv(predictions))
}
