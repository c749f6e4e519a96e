import Table, { confusionTable } from './table.js'
import type { EvalResult } from '../results/evalDocument.js'
import { calibrationRows, SLICE_HEAD, sliceGapLines, sliceRows } from './beyondRows.js'
import { fitText } from './fit.js'
import { accuracyRows, perClassCells } from './format.js'

/** Human view of an eval result: summary, per-class metrics and the confusion matrix. */
export function renderEvalTables(result: EvalResult): string {
  const m = result.metrics
  const summary = new Table({ head: ['metric', 'value'], fit: { keep: [0] } })
  summary.push(
    ['model', `${result.model.path} (${result.model.bytes} bytes, sha256 ${result.model.sha256.slice(0, 12)}…)`],
    [
      'card',
      result.model.card.origin.source +
        (result.model.card.origin.inferred.length
          ? ` (inferred: ${result.model.card.origin.inferred.join(', ')})`
          : ''),
    ],
    [
      'dataset',
      `${result.dataset.name} ${result.dataset.split} (${result.dataset.samples} samples, digest ${result.dataset.digest.slice(0, 12)}…)`,
    ],
    [
      'runner',
      `${result.runner.backend} ${result.runner.version}, ${result.runner.rowsPerCall} row(s)/call${result.runner.fixedBatch ? ' (fixed by model)' : ''}`,
    ],
    ...accuracyRows(m),
    ...facesRows(result.dataset.faces),
    ['time', `${result.timing.wallSeconds.toFixed(2)} s, ${result.timing.imagesPerSecond.toFixed(1)} images/s`],
  )
  const perClass = new Table({ head: ['class', 'precision', 'recall', 'f1', 'support'] })
  for (const c of m.perClass) perClass.push([c.label, ...perClassCells(c)])
  const lines = [
    summary.toString(),
    perClass.toString(),
    'Confusion matrix (rows = truth, columns = prediction):',
    confusionTable(m.confusionMatrix),
  ]
  if (m.calibration) {
    const calibration = new Table({ head: ['calibration', 'value'], fit: { keep: [0] } })
    calibration.push(...calibrationRows(m.calibration))
    lines.push(calibration.toString())
  }
  if (m.slices) {
    const slices = new Table({ head: SLICE_HEAD })
    slices.push(...sliceRows(m.slices))
    lines.push(slices.toString(), ...sliceGapLines(m.slices))
  }
  if (result.warnings.length > 0) lines.push('Warnings:', ...result.warnings.map((w) => `  - ${w}`))
  if (result.failures.length > 0) {
    lines.push(
      `Failures (${result.failures.length}):`,
      ...result.failures.slice(0, 20).map((f) => `  - ${f.id} (${f.source}): ${f.error}`),
    )
  }
  return fitText(lines.join('\n'))
}

/** --faces: the mode, and for `detect` how many faces were found and the accuracy with each miss counted wrong. */
function facesRows(faces: EvalResult['dataset']['faces']): Array<[string, string]> {
  if (!faces) return []
  if (faces.mode !== 'detect')
    return [
      [
        'faces',
        faces.mode === 'none' ? 'whole images (--faces none)' : "the dataset's own boxes/landmarks (--faces dataset)",
      ],
    ]
  const pct = (x: number | undefined) => `${((x ?? 0) * 100).toFixed(2)}%`
  return [
    [
      'faces',
      `detected in ${faces.detected}/${faces.samples} images (${pct(faces.detectionRate)}) by ${faces.detector?.split(' ')[0]}, score ≥ ${faces.thresholds?.minScore}; ${faces.multipleFaces} with several faces (largest used)`,
    ],
    [
      'accuracy, misses wrong',
      `${pct(faces.accuracyCountingMisses)} over all ${faces.samples} images (the accuracy above covers detected faces)`,
    ],
  ]
}
