import path from 'node:path'
import { writeFileAtomic } from '../base/atomicWrite.js'
import { usageError } from '../base/errors.js'
import { writeOutputs } from '../base/writeOutputs.js'
import type { TrendPoint } from '../leaderboard/historyQuery.js'
import type { LeaderboardDocument } from '../results/leaderboardDocument.js'
import type { SamplePrediction } from '../results/predictions.js'
import { render } from './registry.js'
import { checkFormatFor, emitReport, formatFor, reportFormats } from './render.js'
import type { ReportSubject } from './renderer.js'

/** Where rendered outputs go: every file through the renderer registry (src/report/registry.ts), written atomically. */

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

/** `eval --predictions`: the per-sample predictions as CSV. */
export async function writePredictionsCsv(file: string, predictions: readonly SamplePrediction[]): Promise<void> {
  writeFileAtomic(file, await render({ kind: 'predictions', result: predictions }, 'csv'))
}

export interface LeaderboardOutputs {
  json?: string
  html?: string
  png?: string
}

/** Renders every requested leaderboard view first, then writes each file atomically: a failed render writes nothing. */
export async function writeLeaderboardOutputs(doc: LeaderboardDocument, outputs: LeaderboardOutputs): Promise<void> {
  const targets = (['json', 'html', 'png'] as const).flatMap((format) => {
    const file = outputs[format]
    return typeof file === 'string' ? [[format, file] as const] : []
  })
  const seen = new Map<string, string>()
  for (const [format, file] of targets) {
    const key = path.resolve(file)
    if (seen.has(key))
      throw usageError(
        `--${seen.get(key) === 'json' ? 'output' : seen.get(key)} and --${format === 'json' ? 'output' : format} name the same file ${file}`,
      )
    seen.set(key, format)
  }
  const contents: Array<[string, string | Buffer]> = []
  for (const [format, file] of targets)
    contents.push([file, await render({ kind: 'leaderboard', result: doc }, format)])
  for (const [file, data] of contents) writeFileAtomic(file, data)
}

/** Writes the trend chart of a metric as a self-contained HTML page and/or a PNG, each atomically (the HTML first). */
export async function writeTrendCharts(
  trend: { points: readonly TrendPoint[]; metric: string; store: string },
  outputs: { html?: string | undefined; png?: string | undefined },
): Promise<void> {
  if (outputs.html) writeFileAtomic(outputs.html, await render({ kind: 'trend', result: trend }, 'html'))
  if (outputs.png) writeFileAtomic(outputs.png, await render({ kind: 'trend', result: trend }, 'png'))
}
