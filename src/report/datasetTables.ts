import Table, { labelColumnsTable, wrapProse } from './table.js'
import type { AuditItem, AuditResult } from '../results/auditDocument.js'
import type { DatasetInspectResult } from '../results/datasetInspectDocument.js'
import type { DatasetInfo } from '../datasets/types.js'
import { fitText } from './fit.js'

export function renderDatasetList(infos: readonly DatasetInfo[]): string {
  const table = new Table({ head: ['dataset', 'splits', 'native label order', '--data'], fit: { keep: [0] } })
  for (const i of infos) {
    table.push([
      i.name,
      i.splits.join(', '),
      i.labels.length > 0 ? i.labels.join(', ') : '(from the data)',
      i.dataHint ?? '--data <file>',
    ])
  }
  return table.toString()
}

export function renderInspect(result: DatasetInspectResult): string {
  const rows = result.splits.map((s) => [
    s.name,
    String(s.samples),
    s.canonicalSamples === undefined ? '—' : String(s.canonicalSamples),
    String(s.subjects.length),
    ...result.labels.map((l) => String(s.classes[l] ?? 0)),
  ])
  rows.push([
    'total',
    String(result.samples),
    '',
    String(result.subjects),
    ...result.labels.map((l) => String(result.classes[l] ?? 0)),
  ])
  const table = labelColumnsTable(['split', 'samples', 'canonical', 'subjects'], result.labels, rows)
  const lines = [`${result.dataset} at ${result.path}`, table]
  if (result.folds)
    lines.push(
      ...wrapProse([`folds: ${result.folds.folds} of split ${result.folds.split}; rule: ${result.folds.rule}`]),
    )
  const withSubjects = result.splits.filter((s) => s.subjects.length > 0)
  if (withSubjects.length > 0)
    lines.push('Subjects:', ...wrapProse(withSubjects.map((s) => `  ${s.name}: ${s.subjects.join(' ')}`)))
  if (result.faces) lines.push(...facesLines(result.faces))
  if (result.warnings.length > 0) lines.push('Warnings:', ...wrapProse(result.warnings.map((w) => `  - ${w}`)))
  return fitText(lines.join('\n'))
}

/** `datasets inspect --faces detect`: the rate per class, the images without a face, the contact sheet. */
function facesLines(faces: NonNullable<DatasetInspectResult['faces']>): string[] {
  const rate = (r: number) => `${(r * 100).toFixed(1)}%`
  const table = new Table({ head: ['class', 'images', 'faces found', 'rate'] })
  for (const c of faces.perClass) table.push([c.label, String(c.samples), String(c.detected), rate(c.detectionRate)])
  table.push(['all', String(faces.samples), String(faces.detected), rate(faces.detectionRate)])
  return [
    ...wrapProse([
      `Faces: ${faces.detector}, score ≥ ${faces.thresholds.minScore}; crop: square, ${faces.crop.margin} × the box${faces.crop.align ? ', eyes levelled' : ''}; ${faces.multipleFaces} image(s) with several faces (the largest used)`,
    ]),
    table.toString(),
    ...(faces.missed.length > 0 ? ['Without a face:', ...wrapProse(faces.missed.map((m) => `  - ${m.error}`))] : []),
    ...(faces.contactSheet
      ? wrapProse([
          `contact sheet: ${faces.contactSheet.path} (${faces.contactSheet.crops} crops, then ${faces.contactSheet.missed} image(s) without a face in red)`,
        ])
      : []),
  ]
}

const item = (i: AuditItem): string =>
  `${i.split}:${i.id}${i.subject !== undefined ? ` (${i.subject}${i.fold !== undefined ? `, fold ${i.fold}` : ''})` : ''}`

/** Terminal summary of an audit: counts per pair of splits, the closest pairs, subject conflicts; the full lists are in the JSON. */
export function renderAudit(result: AuditResult, top = 10, output?: string): string {
  const mirrored = result.nearDuplicates.filter((p) => p.kind === 'mirrored').length
  const lines = [
    `${result.dataset} at ${result.path}: ${result.samples} images decoded over ${result.splits.join(', ')}`,
    `exact duplicates: ${result.exactDuplicates.length} group(s), ${result.crossSplitExact} across splits`,
    `near duplicates: ${result.nearDuplicates.length - mirrored} re-saved and ${mirrored} mirrored cop(ies), ${result.crossSplitNear} across splits ` +
      `(${result.method.nearCandidates} candidates within ${result.method.nearMaxDistance} bits, confirmed at similarity ≥ ${result.method.nearMinSimilarity})`,
  ]
  const byClass = result.method.nearPairsByTransformation
  if (byClass && result.nearDuplicates.length > 0)
    lines.push(
      `near pairs by transformation: ${Object.entries(byClass)
        .filter(([, n]) => n > 0)
        .map(([c, n]) => `${c} ${n}`)
        .join(', ')}`,
    )
  if (result.splitPairs.length > 0) {
    const table = new Table({ head: ['splits', 'exact groups', 'near pairs', 'mirrored pairs'] })
    for (const p of result.splitPairs)
      table.push([
        p.splits[0] === p.splits[1] ? `within ${p.splits[0]}` : `${p.splits[0]} × ${p.splits[1]}`,
        String(p.exactGroups),
        String(p.nearPairs),
        String(p.mirroredPairs),
      ])
    lines.push(table.toString())
  }
  const exact = result.exactDuplicates
    .filter((g) => g.crossSplit)
    .concat(result.exactDuplicates.filter((g) => !g.crossSplit))
    .slice(0, top)
  if (exact.length > 0)
    lines.push(
      `Exact groups (${exact.length} of ${result.exactDuplicates.length}, cross-split first):`,
      ...exact.map((g) => `  ${g.crossSplit ? '[cross-split] ' : ''}${g.items.map(item).join('  =  ')}`),
    )
  const near = result.nearDuplicates.slice(0, top)
  if (near.length > 0) {
    lines.push(
      `Closest near pairs (${near.length} of ${result.nearDuplicates.length}):`,
      ...near.map(
        (p) =>
          `  ${p.crossSplit ? '[cross-split] ' : ''}${item(p.a)}  ${p.kind === 'mirrored' ? '~mirror~' : '~'}  ${item(p.b)}  (similarity ${p.similarity.toFixed(3)}${p.transformation ? `, ${p.transformation}` : ''}, ${p.distance} bits)`,
      ),
    )
  }
  if (result.subjectConflicts.length > 0) {
    lines.push(
      `Pictures under two subject ids (${result.subjectConflicts.length}):`,
      ...result.subjectConflicts
        .slice(0, top)
        .map((c) => `  ${c.crossFold ? '[two folds] ' : ''}${c.kind}: ${c.items.map(item).join('  /  ')}`),
    )
  }
  if (result.exactDuplicates.length + result.nearDuplicates.length > 2 * top)
    lines.push(`Full lists: ${output ?? '--output <file> or --json'}`)
  if (result.warnings.length > 0) lines.push('Warnings:', ...wrapProse(result.warnings.map((w) => `  - ${w}`)))
  if (result.failures.length > 0)
    lines.push(
      `Failures (${result.failures.length}):`,
      ...result.failures.slice(0, 20).map((f) => `  - ${f.split}:${f.id} (${f.source}): ${f.error}`),
    )
  return fitText(lines.join('\n'))
}
