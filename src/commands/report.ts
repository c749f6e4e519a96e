import { Args } from '@oclif/core'
import { FerbenchCommand } from '../cli/baseCommand.js'
import { writeReports } from '../report/writeReports.js'
import { formatFlag, outputFlag } from '../cli/flags/output.js'
import { checkOutputs } from '../cli/outputs.js'
import { readScoredDocument } from '../results/readDocument.js'
import type { CvResult } from '../results/cvDocument.js'
import type { EvalResult } from '../results/evalDocument.js'
import type { ReportSubject } from '../report/renderer.js'
import type { RobustResult } from '../results/robustDocument.js'
import { isRobustFile, readRobustDocument } from '../robust/mergeRobust.js'

export default class Report extends FerbenchCommand {
  static override summary =
    'Render an eval, cross-validation or robust result document as a table, markdown, a self-contained HTML page or a PNG.'
  static override description =
    'Every report is a view of the one result document (ferbench eval --output result.json); nothing is re-measured. ' +
    'HTML embeds the confusion matrix as an SVG heatmap and per-class bars, with no external resources.'
  static override examples = [
    '<%= config.bin %> report result.json',
    '<%= config.bin %> report result.json --format markdown >> "$GITHUB_STEP_SUMMARY"',
    '<%= config.bin %> report result.json --output report.html --output confusion.png',
    '<%= config.bin %> eval --output result.json && <%= config.bin %> report result.json',
    '<%= config.bin %> eval --output result.json && <%= config.bin %> report result.json --output report.html --output confusion.png',
  ]

  static override args = {
    result: Args.string({
      description: 'eval, cross-validation (eval --folds N) or robust result document (JSON)',
      required: true,
    }),
  }

  static override flags = {
    format: formatFlag(),
    output: outputFlag({
      description:
        'write the report to this file (format from --format or the extension: .md, .html, .png, .json, .txt); repeatable',
      multiple: true,
    }),
  }

  async run(): Promise<EvalResult | CvResult | RobustResult> {
    const { args, flags } = await this.parse(Report)
    checkOutputs(
      (flags.output ?? []).map((file) => ({ flag: '--output', file })),
      [{ flag: 'result', file: args.result }],
    )
    const scored = isRobustFile(args.result) ? undefined : readScoredDocument(args.result, 'report')
    const subject: ReportSubject = !scored
      ? { kind: 'robust', result: readRobustDocument(args.result) }
      : scored.kind === 'cv'
        ? { kind: 'cv', result: scored.doc }
        : { kind: 'eval', result: scored.doc }
    const result = subject.result as EvalResult | CvResult | RobustResult
    const text = await writeReports(subject, {
      ...(flags.format ? { format: flags.format } : {}),
      ...(flags.output ? { files: flags.output } : {}),
      json: this.jsonEnabled(),
    })
    if (text !== undefined) this.log(text)
    return result
  }
}
