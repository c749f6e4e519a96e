import path from 'node:path'
import type { CompareResult } from '../results/compareDocument.js'
import type { EvalView } from './renderer.js'
import type { GateCheck, GateResult } from '../results/gateDocument.js'
import { escapeMarkdownText as t } from './escape.js'
import { significanceLine } from './gateTable.js'
import { CV_FOLD_HEAD, cvFoldRows, cvSummaryRows, type CvView } from './cvReport.js'
import { shownAsPercent } from '../compare/compare.js'
import { calibrationRows, SLICE_HEAD, sliceGapLines, sliceRows } from './beyondRows.js'
import { accuracyRows, compareCells, perClassCells, pValue, pValueCell, signed } from './format.js'

/** Markdown views, fit for a CI job summary ($GITHUB_STEP_SUMMARY): GitHub-flavoured tables, no HTML. */

/** A table cell: text (escaped) or markdown ferbench wrote itself ({ md }). Every value from a document is text. */
type Cell = string | { md: string }
const row = (cells: readonly Cell[]): string =>
  `| ${cells.map((c) => (typeof c === 'string' ? t(c) : c.md)).join(' | ')} |`
const table = (head: readonly Cell[], rows: readonly (readonly Cell[])[]): string[] => [
  row(head),
  row(head.map(() => ({ md: '---' }))),
  ...rows.map(row),
]

export function evalMarkdown(result: EvalView): string {
  const m = result.metrics
  const lines = [
    `## ferbench eval: ${t(path.basename(result.model.path))} on ${t(result.dataset.name)} ${t(result.dataset.split)}${result.demo ? ' (bundled demo)' : ''}`,
    '',
    ...table(
      ['metric', 'value'],
      [
        ...accuracyRows(m),
        ['model', `${result.model.path} (${result.model.bytes} bytes, sha256 ${result.model.sha256.slice(0, 12)}…)`],
        ['card', result.model.card.origin.source],
        [
          'dataset',
          `${result.dataset.name} ${result.dataset.split}, ${result.dataset.samples} samples, digest ${result.dataset.digest.slice(0, 12)}…`,
        ],
        [
          'runner',
          `${result.runner.backend} ${result.runner.version} on ${result.runner.device}, ${result.runner.rowsPerCall} row(s)/call`,
        ],
        ['machine', `${result.machine.cpu} × ${result.machine.cores}, ${result.machine.os}`],
        ['complete', result.complete ? 'yes' : 'NO (partial result)'],
      ],
    ),
    '',
    '### Per class',
    '',
    ...table(
      ['class', 'precision', 'recall', 'F1', 'support'],
      m.perClass.map((c) => [c.label, ...perClassCells(c)]),
    ),
    '',
    '### Confusion matrix (rows = truth, columns = prediction)',
    '',
    ...table(
      ['truth \\ predicted', ...m.confusionMatrix.labels],
      m.confusionMatrix.counts.map((r, i) => [
        m.confusionMatrix.labels[i]!,
        ...r.map((n, j) => (i === j ? { md: `**${n}**` } : String(n))),
      ]),
    ),
  ]
  if (m.calibration) {
    lines.push('', '### Calibration', '', ...table(['metric', 'value'], calibrationRows(m.calibration)))
    lines.push(
      '',
      ...table(
        ['confidence bin', 'samples', 'mean confidence', 'accuracy'],
        m.calibration.bins
          .filter((b) => b.samples > 0)
          .map((b) => [
            `${b.low.toFixed(3)}–${b.high.toFixed(3)}`,
            String(b.samples),
            b.confidence.toFixed(3),
            b.accuracy.toFixed(3),
          ]),
      ),
    )
  }
  if (m.slices)
    lines.push(
      '',
      '### Per group',
      '',
      ...table(SLICE_HEAD, sliceRows(m.slices)),
      '',
      ...sliceGapLines(m.slices).map((l) => `- ${t(l)}`),
    )
  if (result.warnings.length > 0) lines.push('', '### Warnings', '', ...result.warnings.map((w) => `- ${t(w)}`))
  if (result.failures.length > 0)
    lines.push(
      '',
      `### Failures (${result.failures.length})`,
      '',
      ...result.failures.slice(0, 20).map((f) => `- ${t(f.id)} (${t(f.source)}): ${t(f.error)}`),
    )
  return `${lines.join('\n')}\n`
}

export function cvMarkdown(result: CvView): string {
  const m = result.metrics
  const lines = [
    `## ferbench cross-validation: ${t(path.basename(result.protocol.model))} on ${t(result.dataset.name)} ${t(result.dataset.split)}, ${result.protocol.folds} folds`,
    '',
    ...table(['metric', 'value'], cvSummaryRows(result)),
    '',
    '### Per fold',
    '',
    ...table(CV_FOLD_HEAD, cvFoldRows(result)),
    '',
    '### Pooled per class',
    '',
    ...table(
      ['class', 'precision', 'recall', 'F1', 'support'],
      m.perClass.map((c) => [c.label, ...perClassCells(c)]),
    ),
    '',
    '### Pooled confusion matrix (rows = truth, columns = prediction)',
    '',
    ...table(
      ['truth \\ predicted', ...m.confusionMatrix.labels],
      m.confusionMatrix.counts.map((r, i) => [
        m.confusionMatrix.labels[i]!,
        ...r.map((n, j) => (i === j ? { md: `**${n}**` } : String(n))),
      ]),
    ),
  ]
  if (result.warnings.length > 0) lines.push('', '### Warnings', '', ...result.warnings.map((w) => `- ${t(w)}`))
  if (result.failures.length > 0)
    lines.push(
      '',
      `### Failures (${result.failures.length})`,
      '',
      ...result.failures.slice(0, 20).map((f) => `- fold ${f.fold}: ${t(f.id)} (${t(f.source)}): ${t(f.error)}`),
    )
  return `${lines.join('\n')}\n`
}

function checkFigures(c: GateCheck): [string, string, string, string] {
  if (c.unit === 'gap')
    return [
      `${c.baseline.toFixed(2)} pts`,
      `${c.current.toFixed(2)} pts`,
      `${signed(c.change)} pts`,
      `max +${c.threshold} pts`,
    ]
  if (c.unit === 'percent')
    return [
      `${c.baseline.toFixed(2)}%`,
      `${c.current.toFixed(2)}%`,
      `${signed(c.change)} pts`,
      `max drop ${c.threshold} pts`,
    ]
  const ci = c.changeCI95 ? ` [${signed(c.changeCI95[0])}, ${signed(c.changeCI95[1])}]` : ''
  return [c.baseline.toFixed(3), c.current.toFixed(3), `${signed(c.change)}%${ci}`, `max +${c.threshold}% (low end)`]
}

export function gateMarkdown(result: GateResult): string {
  const failed = result.checks.filter((c) => !c.passed).length
  const lines = [
    `## ferbench gate: ${result.passed ? '✅ passed' : `❌ failed (${failed} of ${result.checks.length} checks)`}`,
    '',
    `Baseline ${t(result.baseline.file)} vs current ${t(result.current.file)} (α = ${result.alpha}).`,
    '',
    ...(significanceLine(result)
      ? [`**${significanceLine(result)!.replace(/^significance: /, 'Significance: ')}**`, '']
      : []),
    ...table(
      ['check', 'baseline', 'current', 'change', 'threshold', 'p-value', 'result'],
      result.checks.map((c) => [c.name, ...checkFigures(c), pValueCell(c.pValue), c.passed ? '✅ pass' : '❌ FAIL']),
    ),
    '',
    '<details><summary>Details</summary>',
    '',
    ...result.checks.map((c) => `- **${t(c.name)}**: ${t(c.detail)}`),
    '',
    '</details>',
  ]
  if (result.notes.length > 0) lines.push('', ...result.notes.map((n) => `> ${t(n)}`))
  return `${lines.join('\n')}\n`
}

export function compareMarkdown(result: CompareResult): string {
  const lines = [
    `## ferbench compare: ${t(result.dataset.name)} ${t(result.dataset.split)} (${result.dataset.samples} samples)`,
    '',
    `a = ${t(result.a.file)} (${t(path.basename(result.a.model.path))}), b = ${t(result.b.file)} (${t(path.basename(result.b.model.path))}); delta = b − a.`,
    '',
    ...table(
      ['metric', 'a', 'b', 'delta'],
      Object.entries(result.metrics).map(([name, d]) => [name, ...compareCells(d, shownAsPercent(name))]),
    ),
    '',
    '### Per-class recall',
    '',
    ...table(
      ['class', 'a', 'b', 'delta'],
      Object.entries(result.perClassRecall).map(([name, d]) => [name, ...compareCells(d, true)]),
    ),
  ]
  if (result.slices) {
    const rows = Object.entries(result.slices).flatMap(([attribute, s]) => [
      ...Object.entries(s.groups).map(([value, d]) => [`${attribute}=${value} accuracy`, ...compareCells(d, true)]),
      [`${attribute} largest gap`, ...compareCells(s.maxGap, true)],
    ])
    lines.push('', '### Per group', '', ...table(['group', 'a', 'b', 'delta'], rows))
  }
  if (result.mcnemar) {
    const { b01, b10, pValue: p, pairs, pairedBy } = result.mcnemar
    lines.push(
      '',
      `McNemar's exact test on ${pairs} samples paired by ${pairedBy === 'id' ? 'sample id' : 'pixel content and label'}: b01 (a wrong, b right) = ${b01}, b10 (a right, b wrong) = ${b10}, p = ${pValue(p)}.`,
    )
  }
  if (result.notes.length > 0) lines.push('', ...result.notes.map((n) => `> ${t(n)}`))
  return `${lines.join('\n')}\n`
}
