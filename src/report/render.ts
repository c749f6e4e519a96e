import path from 'node:path'
import { writeFileAtomic } from '../core/atomicWrite.js'
import { usageError } from '../core/errors.js'
import type { EvalResult } from './evalResult.js'
import { renderEvalTables } from './evalTable.js'
import { compareMarkdown, cvMarkdown, evalMarkdown, gateMarkdown } from './markdown.js'
import { cvHtml, evalHtml, gateHtml } from './html.js'
import { renderCvTables } from './cvTable.js'
import type { CvView } from './cvReport.js'
import { gateJunit } from './junit.js'
import { heatmapPng } from './png.js'
import type { CompareResult } from './schemas/compareDocument.js'
import type { EvalDocument } from './schemas/evalDocument.js'
import type { GateResult } from './schemas/gateDocument.js'
import { renderCompareTable, renderGateTable } from './gateTable.js'
import { robustHtml, robustMarkdown, robustPng, robustTable } from './robustViews.js'
import type { RobustResult } from './schemas/robustDocument.js'

export const REPORT_FORMATS = ['table', 'json', 'markdown', 'junit', 'html', 'png'] as const
export type ReportFormat = (typeof REPORT_FORMATS)[number]

/**
 * What the eval views read: the fields an EvalResult (eval's own output) and a parsed EvalDocument
 * (a saved file) share, so either can be rendered without tying the two types together.
 */
export type EvalView = Pick<EvalDocument, 'schema' | 'complete' | 'demo' | 'createdAt' | 'tool' | 'model' | 'dataset' | 'runner' | 'machine' | 'metrics' | 'warnings' | 'failures'>

export type ReportSubject =
  | { kind: 'eval'; result: EvalView }
  | { kind: 'cv'; result: CvView }
  | { kind: 'compare'; result: CompareResult }
  | { kind: 'gate'; result: GateResult }
  | { kind: 'robust'; result: RobustResult }

/** Which formats each document can be shown in. */
export const FORMATS_OF: Record<ReportSubject['kind'], readonly ReportFormat[]> = {
  eval: ['table', 'json', 'markdown', 'html', 'png'],
  cv: ['table', 'json', 'markdown', 'html', 'png'],
  compare: ['table', 'json', 'markdown'],
  gate: ['table', 'json', 'markdown', 'junit', 'html'],
  robust: ['table', 'json', 'markdown', 'html', 'png'],
}

const EXTENSIONS: Record<string, ReportFormat> = { '.md': 'markdown', '.markdown': 'markdown', '.xml': 'junit', '.html': 'html', '.htm': 'html', '.png': 'png', '.json': 'json', '.txt': 'table' }

/** The format for an output file: --format when given, else from the file's extension. */
export function formatFor(format: string | undefined, output: string | undefined): ReportFormat {
  if (format !== undefined) {
    if (!(REPORT_FORMATS as readonly string[]).includes(format)) throw usageError(`--format ${format}: expected one of ${REPORT_FORMATS.join(', ')}`)
    return format as ReportFormat
  }
  if (output !== undefined) {
    const fromExt = EXTENSIONS[path.extname(output).toLowerCase()]
    if (!fromExt) throw usageError(`${output}: cannot tell the report format from the extension; give --format (${REPORT_FORMATS.join(', ')})`)
    return fromExt
  }
  return 'table'
}

/** Renders a document in a format; png is binary, the rest text. */
export async function renderReport(subject: ReportSubject, format: ReportFormat): Promise<string | Buffer> {
  if (!FORMATS_OF[subject.kind].includes(format)) {
    throw usageError(`--format ${format} is not available for ${/^[aeiou]/.test(subject.kind) ? 'an' : 'a'} ${subject.kind} result; choose one of ${FORMATS_OF[subject.kind].join(', ')}${format === 'junit' ? ' (JUnit has one test case per gate check: use it with ferbench gate)' : ''}`)
  }
  if (format === 'json') return `${JSON.stringify(subject.result, null, 2)}\n`
  switch (subject.kind) {
    case 'eval':
      if (format === 'markdown') return evalMarkdown(subject.result)
      if (format === 'html') return evalHtml(subject.result)
      if (format === 'png') return heatmapPng(subject.result)
      // the terminal table (evalTable.ts) also shows timing, present in eval's result and in saved files alike
      return renderEvalTables(subject.result as unknown as EvalResult)
    case 'cv':
      if (format === 'markdown') return cvMarkdown(subject.result)
      if (format === 'html') return cvHtml(subject.result)
      if (format === 'png') return heatmapPng(subject.result)
      return renderCvTables(subject.result)
    case 'compare':
      return format === 'markdown' ? compareMarkdown(subject.result) : renderCompareTable(subject.result)
    case 'gate':
      if (format === 'markdown') return gateMarkdown(subject.result)
      if (format === 'junit') return gateJunit(subject.result)
      if (format === 'html') return gateHtml(subject.result)
      return renderGateTable(subject.result)
    case 'robust':
      if (format === 'markdown') return robustMarkdown(subject.result)
      if (format === 'html') return robustHtml(subject.result)
      if (format === 'png') return robustPng(subject.result)
      return robustTable(subject.result)
  }
}

/**
 * Writes a report to `output` atomically, or returns the text to print when no output is given
 * (png needs a file).
 */
export async function emitReport(subject: ReportSubject, format: ReportFormat, output: string | undefined): Promise<string | undefined> {
  if (format === 'png' && output === undefined) throw usageError('--format png needs --output <file.png> (a PNG is not printed to the terminal)')
  const rendered = await renderReport(subject, format)
  if (output !== undefined) {
    writeFileAtomic(output, rendered)
    return undefined
  }
  return typeof rendered === 'string' ? rendered.replace(/\n$/, '') : undefined
}
