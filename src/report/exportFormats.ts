import { csvTextCell } from './escape.js'
import { junitXml } from './junit.js'
import type { BoardDocument } from '../leaderboard/collect.js'
import { runnerLabel, type Question, type Selected } from '../leaderboard/select.js'
import { textRecord } from '../base/textKeys.js'

export const GAB_DIRECTIONS = ['bigger', 'smaller'] as const
export type GabDirection = (typeof GAB_DIRECTIONS)[number]

/** One measured value of one benchmark, the common ground of every export format. */
export interface Measure {
  benchmark: string
  /** kebab-case slug (Bencher measures are ≤ 64 characters). */
  measure: string
  unit: string
  value: number
  lower?: number
  upper?: number
  biggerIsBetter: boolean
}

/** A benchmark name's first part: `model/dataset/split` (eval, cv), `…/robust`, or the model alone (speed: cells follow). */
function baseName(entry: BoardDocument, q: Question): string {
  if (entry.kind === 'eval') return `${q.model}/${entry.doc.dataset.name}/${entry.doc.dataset.split}`
  if (entry.kind === 'cv') return `${q.model}/${entry.doc.dataset.name}/${entry.doc.protocol.folds}-fold`
  if (entry.kind === 'robust') return `${q.model}/${entry.doc.dataset.name}/${entry.doc.dataset.split}/robust`
  return q.model
}

const slug = (text: string): string => text.replace(/[\s/]+/g, '-')

/** What can tell two selected results with one base name apart, in the order they are added to the name. */
const QUALIFIERS: ReadonlyArray<(s: Selected) => string> = [
  (s) => slug(runnerLabel(s.question.runner)),
  (s) => `sha-${s.question.sha256.slice(0, 12)}`,
  (s) => slug(`${s.question.split ?? ''} ${s.question.protocol}`),
  (s) => `data-${(s.question.datasetDigest ?? 'none').slice(0, 12)}`,
  (s) => slug(s.entry.doc.createdAt),
  (s) => slug(s.entry.file),
]

/**
 * Unique benchmark names: each result's base name, plus, where several results share one, the
 * qualifiers that differ among them (runner, model sha256, protocol, dataset digest, then time and
 * file for --pick all), so no dashboard gets two values under one name.
 */
export function benchmarkNames(selected: readonly Selected[]): string[] {
  const bases = selected.map((s) => `${s.entry.kind === 'speed' ? 'speed:' : ''}${baseName(s.entry, s.question)}`)
  const names = selected.map((s) => baseName(s.entry, s.question))
  const byBase = new Map<string, number[]>()
  bases.forEach((b, i) => byBase.set(b, [...(byBase.get(b) ?? []), i]))
  for (const indices of byBase.values()) {
    if (indices.length < 2) continue
    for (const qualifier of QUALIFIERS) {
      const distinct = new Set(indices.map((i) => names[i]))
      if (distinct.size === indices.length) break
      const values = indices.map((i) => qualifier(selected[i]!))
      if (new Set(values).size > 1) indices.forEach((i, k) => (names[i] = `${names[i]}/${values[k]}`))
    }
  }
  return names
}

/** The measures of one document; the benchmark name is `<name>` (eval, cv, robust) or `<name>/batch-B/threads-T` (speed). */
function measuresOf(entry: BoardDocument, benchmarkName: string): Measure[] {
  if (entry.kind === 'eval' || entry.kind === 'cv') {
    const d = entry.doc
    const benchmark = benchmarkName
    const m = d.metrics
    return [
      {
        benchmark,
        measure: 'accuracy',
        unit: '%',
        value: m.accuracy * 100,
        lower: m.accuracyCI95[0] * 100,
        upper: m.accuracyCI95[1] * 100,
        biggerIsBetter: true,
      },
      { benchmark, measure: 'macro-f1', unit: 'F1', value: m.macroF1, biggerIsBetter: true },
      { benchmark, measure: 'balanced-accuracy', unit: '%', value: m.balancedAccuracy * 100, biggerIsBetter: true },
    ]
  }
  if (entry.kind === 'robust') {
    const d = entry.doc
    const benchmark = benchmarkName
    return [
      {
        benchmark,
        measure: 'mean-corruption-accuracy',
        unit: '%',
        value: d.meanCorruptionAccuracy * 100,
        biggerIsBetter: true,
      },
      { benchmark, measure: 'relative-robustness', unit: 'ratio', value: d.relativeRobustness, biggerIsBetter: true },
      ...(d.referenceErrors?.meanCorruptionError != null
        ? [
            {
              benchmark,
              measure: 'mce',
              unit: 'ratio',
              value: d.referenceErrors.meanCorruptionError,
              biggerIsBetter: false,
            },
          ]
        : []),
      ...(d.referenceErrors?.relativeMeanCorruptionError != null
        ? [
            {
              benchmark,
              measure: 'relative-mce',
              unit: 'ratio',
              value: d.referenceErrors.relativeMeanCorruptionError,
              biggerIsBetter: false,
            },
          ]
        : []),
    ]
  }
  const d = entry.doc
  return d.results.flatMap((c): Measure[] => {
    const benchmark = `${benchmarkName}/batch-${c.batch}/threads-${c.threads ?? 'default'}`
    return [
      { benchmark, measure: 'latency-p50', unit: 'ms', value: c.latencyMs.p50, biggerIsBetter: false },
      { benchmark, measure: 'latency-p99', unit: 'ms', value: c.latencyMs.p99, biggerIsBetter: false },
      { benchmark, measure: 'throughput', unit: 'images/s', value: c.imagesPerSecond, biggerIsBetter: true },
    ]
  })
}

/** Bencher Metric Format: { benchmark: { measure: { value, lower_value?, upper_value? } } }. */
function toBmf(
  measures: readonly Measure[],
): Record<string, Record<string, { value: number; lower_value?: number; upper_value?: number }>> {
  // Benchmark names carry model and file names: null-prototype records, so 'constructor' is a name like any other.
  const out = textRecord<Record<string, { value: number; lower_value?: number; upper_value?: number }>>()
  for (const m of measures) {
    out[m.benchmark] ??= textRecord()
    out[m.benchmark]![m.measure] = {
      value: m.value,
      ...(m.lower !== undefined ? { lower_value: m.lower } : {}),
      ...(m.upper !== undefined ? { upper_value: m.upper } : {}),
    }
  }
  return out
}

export interface GabEntry {
  name: string
  unit: string
  value: number
  range?: string
  extra?: string
}

/**
 * github-action-benchmark's `customBiggerIsBetter` / `customSmallerIsBetter` input: an array of
 * {name, unit, value, range?, extra?}. One direction per file, as the action reads one tool per step.
 */
function toGithubActionBenchmark(measures: readonly Measure[], direction: GabDirection): GabEntry[] {
  return measures
    .filter((m) => m.biggerIsBetter === (direction === 'bigger'))
    .map((m) => ({
      name: `${m.benchmark} ${m.measure}`,
      unit: m.unit,
      value: m.value,
      ...(m.lower !== undefined && m.upper !== undefined
        ? { range: `${m.lower.toPrecision(4)}–${m.upper.toPrecision(4)}` }
        : {}),
    }))
}

/** A CSV cell: text through the spreadsheet-safe rule (src/report/escape.ts), numbers as written, nothing for a missing value. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return ''
  return typeof value === 'number' ? String(value) : csvTextCell(value)
}

const CSV_COLUMNS = [
  'file',
  'kind',
  'benchmark',
  'measure',
  'unit',
  'value',
  'lower',
  'upper',
  'bigger_is_better',
] as const

/** One row per measure: every document flattened for spreadsheets. */
function toCsv(rows: ReadonlyArray<{ file: string; kind: string; measure: Measure }>): string {
  const lines = [CSV_COLUMNS.join(',')]
  for (const { file, kind, measure: m } of rows) {
    lines.push(
      [file, kind, m.benchmark, m.measure, m.unit, m.value, m.lower, m.upper, m.biggerIsBetter ? 'true' : 'false']
        .map(csvCell)
        .join(','),
    )
  }
  return `${lines.join('\n')}\n`
}

/**
 * JUnit XML (src/report/junit.ts): one testsuite per document, one testcase per measure (its value as a
 * property). A testcase fails when the document is incomplete (interrupted) or recorded failed samples.
 */
function toJunit(entries: ReadonlyArray<{ entry: BoardDocument; measures: Measure[] }>): string {
  return junitXml({
    name: 'ferbench export',
    suites: entries.map(({ entry, measures }) => {
      const doc = entry.doc as { complete?: boolean; failures?: unknown[] }
      const problem =
        doc.complete === false
          ? 'the run was interrupted (complete: false)'
          : Array.isArray(doc.failures) && doc.failures.length > 0
            ? `${doc.failures.length} samples failed`
            : undefined
      return {
        name: entry.file,
        tests: measures.length,
        failures: problem ? measures.length : 0,
        cases: measures.map((m) => ({
          classname: m.benchmark,
          name: m.measure,
          properties: [
            { name: 'value', value: m.value },
            { name: 'unit', value: m.unit },
          ],
          ...(problem ? { failure: { message: problem } } : {}),
        })),
      }
    }),
  })
}

/** The selected results (src/leaderboard/select.ts: one per question unless --pick all), each with its measures under a unique benchmark name. */
function measuresPerDocument(selected: readonly Selected[]): Array<{ entry: BoardDocument; measures: Measure[] }> {
  const names = benchmarkNames(selected)
  return selected.map((s, i) => ({ entry: s.entry, measures: measuresOf(s.entry, names[i]!) }))
}

/** `export --format bmf`. */
export const exportBmf = (selected: readonly Selected[]): string =>
  `${JSON.stringify(toBmf(measuresPerDocument(selected).flatMap((d) => d.measures)), null, 2)}\n`

/** `export --format github-action-benchmark --direction …`. */
export const exportGithubActionBenchmark = (selected: readonly Selected[], direction: GabDirection): string =>
  `${JSON.stringify(
    toGithubActionBenchmark(
      measuresPerDocument(selected).flatMap((d) => d.measures),
      direction,
    ),
    null,
    2,
  )}\n`

/** `export --format junit`. */
export const exportJunit = (selected: readonly Selected[]): string => toJunit(measuresPerDocument(selected))

/** `export --format csv`. */
export const exportCsv = (selected: readonly Selected[]): string =>
  toCsv(
    measuresPerDocument(selected).flatMap((d) =>
      d.measures.map((measure) => ({ file: d.entry.file, kind: d.entry.kind, measure })),
    ),
  )
