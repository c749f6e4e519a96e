import Table, { labelColumnsTable, wrapProse } from './table.js'
import type { AuditResult } from '../core/auditDataset.js'
import type { InspectResult } from '../core/inspectDataset.js'
import type { DatasetInfo } from '../datasets/types.js'
import { fitText } from './fit.js'

export function renderDatasetList(infos: readonly DatasetInfo[]): string {
  const table = new Table({ head: ['dataset', 'splits', 'native label order', '--data'], fit: { keep: [0] } })
  for (const i of infos) {
    table.push([i.name, i.splits.join(', '), i.labels.length > 0 ? i.labels.join(', ') : '(from the data)', i.dataHint ?? '--data <file>'])
  }
  return table.toString()
}

export function renderInspect(result: InspectResult): string {
  const rows = result.splits.map((s) => [s.name, String(s.samples), s.canonicalSamples === undefined ? '—' : String(s.canonicalSamples), String(s.subjects.length), ...result.labels.map((l) => String(s.classes[l] ?? 0))])
  rows.push(['total', String(result.samples), '', String(result.subjects), ...result.labels.map((l) => String(result.classes[l] ?? 0))])
  const table = labelColumnsTable(['split', 'samples', 'canonical', 'subjects'], result.labels, rows)
  const lines = [`${result.dataset} at ${result.path}`, table]
  if (result.folds) lines.push(...wrapProse([`folds: ${result.folds.folds} of split ${result.folds.split}; rule: ${result.folds.rule}`]))
  const withSubjects = result.splits.filter((s) => s.subjects.length > 0)
  if (withSubjects.length > 0) lines.push('Subjects:', ...wrapProse(withSubjects.map((s) => `  ${s.name}: ${s.subjects.join(' ')}`)))
  if (result.warnings.length > 0) lines.push('Warnings:', ...wrapProse(result.warnings.map((w) => `  - ${w}`)))
  return fitText(lines.join('\n'))
}

const item = (i: { split: string; id: string }): string => `${i.split}:${i.id}`

export function renderAudit(result: AuditResult): string {
  const lines = [
    `${result.dataset} at ${result.path}: ${result.samples} images decoded over ${result.splits.join(', ')}`,
    `exact duplicates: ${result.exactDuplicates.length} group(s), ${result.crossSplitExact} across splits (${result.method.exact})`,
    ...result.exactDuplicates.map((g) => `  ${g.crossSplit ? '[cross-split] ' : ''}${g.items.map(item).join('  =  ')}`),
    `near-duplicates: ${result.nearDuplicates.length} pair(s), ${result.crossSplitNear} across splits (${result.method.near})`,
    ...result.nearDuplicates.map((p) => `  ${p.crossSplit ? '[cross-split] ' : ''}${item(p.a)}  ~  ${item(p.b)}  (${p.distance} bits)`),
  ]
  if (result.warnings.length > 0) lines.push('Warnings:', ...result.warnings.map((w) => `  - ${w}`))
  if (result.failures.length > 0) lines.push(`Failures (${result.failures.length}):`, ...result.failures.slice(0, 20).map((f) => `  - ${f.split}:${f.id} (${f.source}): ${f.error}`))
  return fitText(lines.join('\n'))
}
