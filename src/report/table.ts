import CliTable from 'cli-table3'
import { plainOutput } from './escape.js'
import { fitColumns, terminalColumns, textWidth, wrapCell } from './fit.js'

export { wrapProse } from './fit.js'

export interface FitOptions {
  /** Widest line allowed, in columns (default: the terminal's width on a TTY, else 100). */
  maxColumns?: number
  /** Columns never wrapped (ids a user copies): they keep their full width. */
  keep?: readonly number[]
}

type Options = CliTable.TableConstructorOptions & { fit?: FitOptions }

/** Cells as ferbench pushes them: plain strings and numbers. */
type Row = ReadonlyArray<string | number>

/**
 * cli-table3 with ferbench's defaults: compact rows, plain text where colours would be noise, and a
 * table that fits the terminal: columns wider than their share are wrapped (at spaces, else at
 * punctuation), `fit.keep` columns never; when even that cannot fit, each row is printed as a
 * key/value table of its own.
 */
export default class Table extends CliTable {
  private readonly fit: FitOptions

  constructor(options: Options = {}) {
    const { fit, ...rest } = options
    super({ ...rest, style: { compact: true, ...rest.style, ...(plainOutput() ? { head: [], border: [] } : {}) } })
    this.fit = fit ?? {}
  }

  override toString(): string {
    const head = (this.options.head ?? []).map(String)
    const rows = ([...this] as unknown as Row[]).map((r) => r.map(String))
    const maxColumns = this.fit.maxColumns ?? terminalColumns()
    const layout = fitColumns([head, ...rows], maxColumns, this.fit.keep ?? [])
    if (layout === 'natural') return super.toString()
    if (layout === 'transpose') return transposed(head, rows, maxColumns, this.options)
    const wrapRow = (r: readonly string[]): string[] => r.map((cell, c) => wrapCell(cell, layout[c]!))
    const table = new CliTable({ ...this.options, head: wrapRow(head), colWidths: layout.map((w) => w + 2) })
    for (const r of rows) table.push(wrapRow(r))
    return table.toString()
  }
}

/** Each row as a table of (header, value) pairs, the value wrapped to what is left of the width. */
function transposed(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  maxColumns: number,
  options: CliTable.TableConstructorOptions,
): string {
  const keyWidth = Math.min(Math.max(...head.map(textWidth)), Math.floor(maxColumns / 3))
  const valueWidth = Math.max(8, maxColumns - keyWidth - 7)
  return rows
    .map((r) => {
      const t = new CliTable({ ...options, head: [], colWidths: [keyWidth + 2, valueWidth + 2] })
      r.forEach((cell, c) => t.push([wrapCell(head[c] ?? '', keyWidth), wrapCell(cell, valueWidth)]))
      return t.toString()
    })
    .join('\n')
}

/**
 * Abbreviations of labels for column headers: the shortest prefix (at least 3 characters) that
 * tells every label apart, so a legend can map them back.
 */
export function abbreviations(labels: readonly string[]): string[] {
  for (let n = 3; n < Math.max(...labels.map((l) => l.length)); n++) {
    const short = labels.map((l) => l.slice(0, n))
    if (new Set(short).size === labels.length) return short
  }
  return [...labels]
}

/**
 * A table whose last columns are one per label (counts per class): headed by the full labels when
 * the table fits `maxColumns`, else by abbreviations, with a legend line below the table.
 */
export function labelColumnsTable(
  head: readonly string[],
  labels: readonly string[],
  rows: readonly (readonly string[])[],
  maxColumns = terminalColumns(),
): string {
  const build = (heads: readonly string[]): Table => {
    const t = new Table({ head: [...head, ...heads], fit: { maxColumns } })
    for (const r of rows) t.push([...r])
    return t
  }
  if (fitColumns([[...head, ...labels], ...rows], maxColumns, []) === 'natural') return build(labels).toString()
  const short = abbreviations(labels)
  return [
    build(short).toString(),
    ...legend(
      short.map((s, i) => `${s} = ${labels[i]}`),
      maxColumns,
    ),
  ].join('\n')
}

/** "columns: a = b, c = d, …" packed into lines of at most `maxColumns`, never splitting an entry. */
function legend(entries: readonly string[], maxColumns: number): string[] {
  const lines: string[] = []
  let line = 'columns:'
  entries.forEach((entry, i) => {
    const piece = entry + (i < entries.length - 1 ? ',' : '')
    if (textWidth(line) + 1 + textWidth(piece) > maxColumns) {
      lines.push(line)
      line = `  ${piece}`
    } else line += ` ${piece}`
  })
  lines.push(line)
  return lines
}

/** The confusion matrix as a table: rows = truth, columns = prediction (see labelColumnsTable). */
export function confusionTable(
  matrix: { labels: readonly string[]; counts: readonly (readonly number[])[] },
  maxColumns = terminalColumns(),
): string {
  return labelColumnsTable(
    ['truth \\ predicted'],
    matrix.labels,
    matrix.counts.map((row, i) => [matrix.labels[i]!, ...row.map(String)]),
    maxColumns,
  )
}
