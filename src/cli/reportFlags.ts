import { usageError } from '../base/errors.js'
import { writeOutputs } from './outputs.js'
import { checkFormatFor, emitReport, formatFor, reportFormats, type ReportSubject } from '../report/render.js'

/**
 * Writes every requested report file (each one tried; the failures named together, exit 10), then returns what to print on stdout: the --format view
 * when no file is given, else the table (nothing in --json mode: oclif prints the JSON).
 */
export async function writeReports(
  subject: ReportSubject,
  options: { format?: string; files?: string[]; json: boolean },
): Promise<string | undefined> {
  const files = options.files ?? []
  if (options.format !== undefined && files.length > 1) {
    throw usageError(
      `--format ${options.format} with ${files.length} report files: give one file per format and let the extensions choose (e.g. report.md, gate.xml, report.html)`,
    )
  }
  // every file's format is checked before any is written: no first file left behind by a bad second one
  const formats = reportFormats(subject.kind, options.format, files)
  const stdoutFormat = files.length === 0 ? formatFor(options.format, undefined) : 'table'
  if (!options.json) checkFormatFor(subject.kind, stdoutFormat, undefined)
  await writeOutputs(files.map((file, i) => () => emitReport(subject, formats[i]!, file)))
  if (options.json) return undefined
  return emitReport(subject, stdoutFormat, undefined)
}
