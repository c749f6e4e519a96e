import { Args, Flags } from '@oclif/core'
import { FerbenchCommand } from '../cli/baseCommand.js'
import { formatFlag, writeReports } from '../cli/reportFlags.js'
import { checkOutputs } from '../cli/outputs.js'
import { readScoredDocument } from '../report/readDocument.js'
import type { ReportSubject } from '../report/render.js'
import type { CvDocument } from '../report/schemas/cvDocument.js'
import type { EvalDocument } from '../report/schemas/evalDocument.js'

export default class Report extends FerbenchCommand {
  static override summary = 'Render an eval or cross-validation result document as a table, markdown, a self-contained HTML page or a PNG heatmap.'
  static override description =
    'Every report is a view of the one result document (ferbench eval --output result.json); nothing is re-measured. ' +
    'HTML embeds the confusion matrix as an SVG heatmap and per-class bars, with no external resources.'
  static override examples = [
    '<%= config.bin %> report result.json',
    '<%= config.bin %> report result.json --format markdown >> "$GITHUB_STEP_SUMMARY"',
    '<%= config.bin %> report result.json --output report.html --output confusion.png',
  ]

  static override args = {
    result: Args.string({ description: 'eval or cross-validation (eval --folds N) result document (JSON)', required: true }),
  }

  static override flags = {
    format: formatFlag,
    output: Flags.string({ char: 'o', description: 'write the report to this file (format from --format or the extension: .md, .html, .png, .json, .txt); repeatable', multiple: true }),
  }

  async run(): Promise<EvalDocument | CvDocument> {
    const { args, flags } = await this.parse(Report)
    checkOutputs((flags.output ?? []).map((file) => ({ flag: '--output', file })), [{ flag: 'result', file: args.result }])
    const read = readScoredDocument(args.result, 'report')
    const result = read.doc
    const subject: ReportSubject = read.kind === 'cv' ? { kind: 'cv', result: read.doc } : { kind: 'eval', result: read.doc }
    const text = await writeReports(subject, { ...(flags.format ? { format: flags.format } : {}), ...(flags.output ? { files: flags.output } : {}), json: this.jsonEnabled() })
    if (text !== undefined) this.log(text)
    return result
  }
}
