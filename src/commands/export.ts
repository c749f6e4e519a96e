import { Args, Flags } from '@oclif/core'
import { collectDocuments } from '../board/collect.js'
import { EXPORT_FORMATS, exportDocuments, GAB_DIRECTIONS } from '../report/exportFormats.js'
import { FerbenchCommand } from '../cli/baseCommand.js'
import { outputFlag } from '../cli/flags/output.js'
import { writeFileAtomic } from '../base/atomicWrite.js'

export default class Export extends FerbenchCommand {
  static override summary =
    'Export result documents to the formats dashboards read: Bencher (BMF), github-action-benchmark, JUnit, CSV.'
  static override description =
    'bmf: Bencher Metric Format JSON, one benchmark per model/dataset/split (accuracy with its 95% interval as lower/upper, macro-F1, balanced accuracy) ' +
    'and per model/batch/threads (latency p50 and p99 in ms, throughput in images/s). github-action-benchmark: the customBiggerIsBetter array ' +
    '(--direction bigger: accuracy, F1, throughput) or customSmallerIsBetter (--direction smaller: latencies). junit: a testsuite per document. ' +
    'csv: one row per measure, spreadsheet-safe.'
  static override strict = false
  static override examples = [
    '<%= config.bin %> export --format bmf results/ --output bencher.json',
    '<%= config.bin %> export --format github-action-benchmark --direction smaller speed.json --output smaller.json',
    '<%= config.bin %> export --format csv results/ > results.csv',
    '<%= config.bin %> eval --output result.json && <%= config.bin %> export --format csv result.json --output results.csv',
    '<%= config.bin %> eval --output result.json && <%= config.bin %> export --format bmf result.json --output bencher.json',
  ]
  static override args = {
    inputs: Args.string({
      description: 'result documents (eval, cv, robust, speed JSON) or folders of them',
      required: true,
    }),
  }
  static override flags = {
    format: Flags.option({ description: 'output format', options: EXPORT_FORMATS, required: true })(),
    direction: Flags.option({
      description: 'github-action-benchmark only: which measures (the action takes one direction per step)',
      options: GAB_DIRECTIONS,
      default: 'bigger',
    })(),
    output: outputFlag({ description: 'write to this file (atomically) instead of stdout' }),
  }

  async run(): Promise<{ format: string; documents: number; text: string }> {
    const { argv, flags } = await this.parse(Export)
    const { documents, skipped } = collectDocuments(argv.map(String))
    for (const s of skipped) this.logToStderr(`warning: skipped ${s}`)
    const text = exportDocuments(documents, flags.format, flags.direction)
    if (flags.output) writeFileAtomic(flags.output, text)
    else if (!this.jsonEnabled()) process.stdout.write(text)
    return { format: flags.format, documents: documents.length, text }
  }
}
