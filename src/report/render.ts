import path from 'node:path'
import { writeFileAtomic } from '../base/atomicWrite.js'
import { usageError } from '../base/errors.js'
import { formatsOf, render, renderersFor } from './registry.js'
import { REPORT_KINDS, type ReportSubject } from './renderer.js'

/** The formats of `report`, `--report` and `--format`: every format one of their documents has, in the registry's order. */
const REPORT_RENDERERS = renderersFor(REPORT_KINDS)
export const REPORT_FORMATS: readonly string[] = REPORT_RENDERERS.map((r) => r.name)

/** Each report format's file extensions (.md, .xml, .html, .png, .json, .txt …), from the registry. */
const EXTENSIONS: ReadonlyMap<string, string> = new Map(
  REPORT_RENDERERS.flatMap((r) => r.extensions.map((ext) => [ext, r.name] as const)),
)

/**
 * The format for an output file: its extension's, or --format's; both given and disagreeing (markdown
 * into `flip.html`) is a usage error, never a file whose contents contradict its name. A file with no
 * known extension needs --format.
 */
export function formatFor(format: string | undefined, output: string | undefined): string {
  if (format !== undefined && !REPORT_FORMATS.includes(format))
    throw usageError(`--format ${format}: expected one of ${REPORT_FORMATS.join(', ')}`)
  if (output === undefined) return format ?? 'table'
  const ext = path.extname(output).toLowerCase()
  const fromExt = EXTENSIONS.get(ext)
  if (format !== undefined) {
    if (fromExt !== undefined && fromExt !== format) {
      throw usageError(
        `--format ${format} but ${output} is named as ${fromExt} (${ext}): drop --format and let the extension choose, or name the file for ${format}`,
      )
    }
    return format
  }
  if (!fromExt)
    throw usageError(
      `${output}: cannot tell the report format from the extension; give --format (${REPORT_FORMATS.join(', ')})`,
    )
  return fromExt
}

/** Refuses a format the document cannot be shown in (usage error naming the choices). */
export function checkFormatFor(kind: ReportSubject['kind'], format: string, output: string | undefined): void {
  const formats = formatsOf(kind)
  if (!formats.includes(format)) {
    const what = output !== undefined ? `${output}: ${format}` : `--format ${format}`
    throw usageError(
      `${what} is not available for ${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind} result; choose one of ${formats.join(', ')}${format === 'junit' ? ' (JUnit has one test case per gate check: use it with ferbench gate)' : ''}`,
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
): string[] {
  return files.map((file) => {
    const f = formatFor(format, file)
    checkFormatFor(kind, f, file)
    return f
  })
}

/**
 * Writes a report to `output` atomically, or returns the text to print when no output is given
 * (png needs a file).
 */
export async function emitReport(
  subject: ReportSubject,
  format: string,
  output: string | undefined,
): Promise<string | undefined> {
  if (format === 'png' && output === undefined)
    throw usageError('--format png needs --output <file.png> (a PNG is not printed to the terminal)')
  if (!formatsOf(subject.kind).includes(format)) checkFormatFor(subject.kind, format, undefined)
  const rendered = await render(subject, format)
  if (output !== undefined) {
    writeFileAtomic(output, rendered)
    return undefined
  }
  return typeof rendered === 'string' ? rendered.replace(/\n$/, '') : undefined
}
