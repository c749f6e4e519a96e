import path from 'node:path'
import { writeFileAtomic } from '../base/atomicWrite.js'
import { usageError } from '../base/errors.js'
import type { CvView } from './cvReport.js'
import type { CompareResult } from '../results/compareDocument.js'
import type { EvalResult } from '../results/evalDocument.js'
import type { GateResult } from '../results/gateDocument.js'
import type { RobustResult } from '../results/robustDocument.js'

export const REPORT_FORMATS = ['table', 'json', 'markdown', 'junit', 'html', 'png'] as const
export type ReportFormat = (typeof REPORT_FORMATS)[number]

/** What the eval views (Markdown, HTML) read of an eval document. */
export type EvalView = Pick<
  EvalResult,
  | 'schema'
  | 'complete'
  | 'demo'
  | 'createdAt'
  | 'tool'
  | 'model'
  | 'dataset'
  | 'runner'
  | 'machine'
  | 'metrics'
  | 'warnings'
  | 'failures'
>

export type ReportSubject =
  | { kind: 'eval'; result: EvalResult }
  | { kind: 'cv'; result: CvView }
  | { kind: 'compare'; result: CompareResult }
  | { kind: 'gate'; result: GateResult }
  | { kind: 'robust'; result: RobustResult }

/** Which formats each document can be shown in. */
const FORMATS_OF: Record<ReportSubject['kind'], readonly ReportFormat[]> = {
  eval: ['table', 'json', 'markdown', 'html', 'png'],
  cv: ['table', 'json', 'markdown', 'html', 'png'],
  compare: ['table', 'json', 'markdown'],
  gate: ['table', 'json', 'markdown', 'junit', 'html'],
  robust: ['table', 'json', 'markdown', 'html', 'png'],
}

const EXTENSIONS: ReadonlyMap<string, ReportFormat> = new Map<string, ReportFormat>([
  ['.md', 'markdown'],
  ['.markdown', 'markdown'],
  ['.xml', 'junit'],
  ['.html', 'html'],
  ['.htm', 'html'],
  ['.png', 'png'],
  ['.json', 'json'],
  ['.txt', 'table'],
])

/**
 * The format for an output file: its extension's, or --format's; both given and disagreeing (markdown
 * into `flip.html`) is a usage error, never a file whose contents contradict its name. A file with no
 * known extension needs --format.
 */
export function formatFor(format: string | undefined, output: string | undefined): ReportFormat {
  if (format !== undefined && !(REPORT_FORMATS as readonly string[]).includes(format))
    throw usageError(`--format ${format}: expected one of ${REPORT_FORMATS.join(', ')}`)
  if (output === undefined) return (format as ReportFormat | undefined) ?? 'table'
  const ext = path.extname(output).toLowerCase()
  const fromExt = EXTENSIONS.get(ext)
  if (format !== undefined) {
    if (fromExt !== undefined && fromExt !== format) {
      throw usageError(
        `--format ${format} but ${output} is named as ${fromExt} (${ext}): drop --format and let the extension choose, or name the file for ${format}`,
      )
    }
    return format as ReportFormat
  }
  if (!fromExt)
    throw usageError(
      `${output}: cannot tell the report format from the extension; give --format (${REPORT_FORMATS.join(', ')})`,
    )
  return fromExt
}

/** Refuses a format the document cannot be shown in (usage error naming the choices). */
export function checkFormatFor(kind: ReportSubject['kind'], format: ReportFormat, output: string | undefined): void {
  if (!FORMATS_OF[kind].includes(format)) {
    const what = output !== undefined ? `${output}: ${format}` : `--format ${format}`
    throw usageError(
      `${what} is not available for ${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind} result; choose one of ${FORMATS_OF[kind].join(', ')}${format === 'junit' ? ' (JUnit has one test case per gate check: use it with ferbench gate)' : ''}`,
    )
  }
  if (format === 'png' && output === undefined)
    throw usageError('--format png needs --output <file.png> (a PNG is not printed to the terminal)')
}

/** The format of every report file, each checked against the document kind before anything is written. */
export function reportFormats(
  kind: ReportSubject['kind'],
  format: string | undefined,
  files: readonly string[],
): ReportFormat[] {
  return files.map((file) => {
    const f = formatFor(format, file)
    checkFormatFor(kind, f, file)
    return f
  })
}

/**
 * Renders a document in a format; png is binary, the rest text. Each renderer is imported when it
 * is used, so a run that prints JSON (or one table) loads none of the others (nor robust's views).
 */
async function renderReport(subject: ReportSubject, format: ReportFormat): Promise<string | Buffer> {
  if (!FORMATS_OF[subject.kind].includes(format)) checkFormatFor(subject.kind, format, undefined)
  if (format === 'json') return `${JSON.stringify(subject.result, null, 2)}\n`
  switch (subject.kind) {
    case 'eval':
      if (format === 'markdown') return (await import('./markdown.js')).evalMarkdown(subject.result)
      if (format === 'html') return (await import('./html.js')).evalHtml(subject.result)
      if (format === 'png') return (await import('./png.js')).heatmapPng(subject.result)
      return (await import('./evalTable.js')).renderEvalTables(subject.result)
    case 'cv':
      if (format === 'markdown') return (await import('./markdown.js')).cvMarkdown(subject.result)
      if (format === 'html') return (await import('./html.js')).cvHtml(subject.result)
      if (format === 'png') return (await import('./png.js')).heatmapPng(subject.result)
      return (await import('./cvTable.js')).renderCvTables(subject.result)
    case 'compare':
      return format === 'markdown'
        ? (await import('./markdown.js')).compareMarkdown(subject.result)
        : (await import('./gateTable.js')).renderCompareTable(subject.result)
    case 'gate':
      if (format === 'markdown') return (await import('./markdown.js')).gateMarkdown(subject.result)
      if (format === 'junit') return (await import('./junit.js')).gateJunit(subject.result)
      if (format === 'html') return (await import('./html.js')).gateHtml(subject.result)
      return (await import('./gateTable.js')).renderGateTable(subject.result)
    case 'robust': {
      const views = await import('./robustViews.js')
      if (format === 'markdown') return views.robustMarkdown(subject.result)
      if (format === 'html') return views.robustHtml(subject.result)
      if (format === 'png') return views.robustPng(subject.result)
      return views.robustTable(subject.result)
    }
  }
}

/**
 * Writes a report to `output` atomically, or returns the text to print when no output is given
 * (png needs a file).
 */
export async function emitReport(
  subject: ReportSubject,
  format: ReportFormat,
  output: string | undefined,
): Promise<string | undefined> {
  if (format === 'png' && output === undefined)
    throw usageError('--format png needs --output <file.png> (a PNG is not printed to the terminal)')
  const rendered = await renderReport(subject, format)
  if (output !== undefined) {
    writeFileAtomic(output, rendered)
    return undefined
  }
  return typeof rendered === 'string' ? rendered.replace(/\n$/, '') : undefined
}
