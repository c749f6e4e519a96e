import Table from './table.js'
import { shownAsPercent } from '../compare/compare.js'
import type { CompareResult } from '../results/compareDocument.js'
import type { GateResult } from '../results/gateDocument.js'
import { fitText } from './fit.js'
import { compareCells, pValue, pValueCell, signed } from './format.js'

/** One line on the significance test the eval checks used, or why they ran without one; undefined for speed gates. */
export function significanceLine(result: GateResult): string | undefined {
  const s = result.significance
  if (!s) return undefined
  if (s.test === 'mcnemar')
    return `significance: McNemar's exact test on ${s.pairs} samples paired by ${s.pairedBy === 'content' ? 'pixel content and label' : 'sample id'} (α = ${result.alpha})`
  return `significance: NONE — McNemar's test could not run: ${s.reason}; drops were judged on the threshold alone`
}

/** Terminal view of a gate result: one line per check with its figures, then the verdict. */
export function renderGateTable(result: GateResult): string {
  const t = new Table({ head: ['check', 'baseline', 'current', 'change [95% CI]', 'threshold', 'p-value', 'result'] })
  for (const c of result.checks) {
    const ratio = c.unit === 'ratio'
    const gap = c.unit === 'gap'
    t.push([
      c.name,
      ratio ? c.baseline.toFixed(3) : `${c.baseline.toFixed(2)}${gap ? ' pts' : '%'}`,
      ratio ? c.current.toFixed(3) : `${c.current.toFixed(2)}${gap ? ' pts' : '%'}`,
      ratio
        ? `${signed(c.change)}%${c.changeCI95 ? ` [${signed(c.changeCI95[0])}, ${signed(c.changeCI95[1])}]` : ''}`
        : `${signed(c.change)} pts`,
      ratio ? `max +${c.threshold}%` : gap ? `max +${c.threshold} pts` : `max drop ${c.threshold} pts`,
      pValueCell(c.pValue),
      c.passed ? 'pass' : 'FAIL',
    ])
  }
  const failed = result.checks.filter((c) => !c.passed)
  const lines = [t.toString(), ...result.checks.map((c) => `${c.passed ? 'pass' : 'FAIL'} ${c.name}: ${c.detail}`)]
  const significance = significanceLine(result)
  if (significance) lines.push(significance)
  if (result.notes.length > 0) lines.push(...result.notes.map((n) => `note: ${n}`))
  lines.push(
    result.passed
      ? `gate passed (${result.checks.length} checks)`
      : `gate FAILED: ${failed.map((c) => c.name).join(', ')}`,
  )
  return fitText(lines.join('\n'))
}

/** Terminal view of a compare result. */
export function renderCompareTable(result: CompareResult): string {
  const t = new Table({ head: ['metric', 'a', 'b', 'delta (b − a)'] })
  for (const [name, v] of Object.entries(result.metrics)) t.push([name, ...compareCells(v, shownAsPercent(name))])
  for (const [name, v] of Object.entries(result.perClassRecall)) t.push([`recall ${name}`, ...compareCells(v, true)])
  for (const [attribute, s] of Object.entries(result.slices ?? {})) {
    for (const [value, v] of Object.entries(s.groups))
      t.push([`${attribute}=${value} accuracy`, ...compareCells(v, true)])
    t.push([`${attribute} largest gap`, ...compareCells(s.maxGap, true)])
  }
  const lines = [
    `a: ${result.a.file} (${result.a.model.path})`,
    `b: ${result.b.file} (${result.b.model.path})`,
    `dataset: ${result.dataset.name} ${result.dataset.split}, ${result.dataset.samples} samples`,
    t.toString(),
  ]
  if (result.mcnemar) {
    const m = result.mcnemar
    lines.push(
      `McNemar exact test on ${m.pairs} samples paired by ${m.pairedBy === 'id' ? 'sample id' : 'pixel content and label'}: b01 (a wrong, b right) = ${m.b01}, b10 (a right, b wrong) = ${m.b10}, p = ${pValue(m.pValue)}`,
    )
  }
  lines.push(...result.notes.map((n) => `note: ${n}`))
  return fitText(lines.join('\n'))
}
