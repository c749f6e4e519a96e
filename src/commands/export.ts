import { Args, Flags } from '@oclif/core'
import { collectDocuments } from '../leaderboard/collect.js'
import { GAB_DIRECTIONS } from '../report/exportFormats.js'
import { formatsOf, renderText } from '../report/registry.js'
import { FerbenchCommand } from '../cli/baseCommand.js'
import { outputFlag } from '../cli/flags/output.js'
import { writeFileAtomic } from '../base/atomicWrite.js'
import { usageError } from '../base/errors.js'
import { DEFAULT_PICK, describeQuestion, PICKS, selectResults } from '../leaderboard/select.js'

export default class Export extends FerbenchCommand {
  static override summary =
    'Export result documents to the formats dashboards read: Bencher (BMF), github-action-benchmark, JUnit, CSV.'
  static override description =
    'bmf: Bencher Metric Format JSON, one benchmark per model/dataset/split (accuracy with its 95% interval as lower/upper, macro-F1, balanced accuracy) ' +
    'and per model/batch/threads (latency p50 and p99 in ms, throughput in images/s). github-action-benchmark: the customBiggerIsBetter array ' +
    '(--direction bigger: accuracy, F1, throughput) or customSmallerIsBetter (--direction smaller: latencies). junit: a testsuite per document. ' +
    'csv: one row per measure, spreadsheet-safe. ' +
    'One result per question (model sha256, dataset digest, protocol, runner/backend/device), picked by --pick as leaderboard and history do ' +
    '(docs/results-across-runs.md#one-result-per-question); every question with several results is warned about, naming the file used. ' +
    'Benchmark names are unique: where two results would share one, the runner, model hash or protocol that tells them apart is appended.'
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
    format: Flags.option({ description: 'output format', options: formatsOf('export'), required: true })(),
    direction: Flags.option({
      description: 'github-action-benchmark only: which measures (the action takes one direction per step)',
      options: GAB_DIRECTIONS,
      default: 'bigger',
    })(),
    pick: Flags.option({
      description:
        'which result answers a question that several documents answer: newest (createdAt), best (accuracy, mCA, lowest latency), or all (csv and junit only)',
      options: PICKS,
      default: DEFAULT_PICK,
    })(),
    output: outputFlag({ description: 'write to this file (atomically) instead of stdout' }),
  }

  async run(): Promise<{
    format: string
    documents: number
    selected: Array<{ file: string; question: string; leftOut: string[] }>
    warnings: string[]
    text: string
  }> {
    const { argv, flags } = await this.parse(Export)
    if (flags.pick === 'all' && (flags.format === 'bmf' || flags.format === 'github-action-benchmark'))
      throw usageError(
        `--pick all with --format ${flags.format}: a dashboard series takes one value per benchmark and run; use --pick newest or best (or --format csv/junit for every result)`,
      )
    const { documents, skipped } = collectDocuments(argv.map(String))
    const { selected, warnings } = selectResults(documents, flags.pick)
    const allWarnings = [...skipped.map((s) => `skipped ${s}`), ...warnings]
    for (const w of allWarnings) this.warnToStderr(`warning: ${w}`)
    const text = await renderText({ kind: 'export', result: { selected, direction: flags.direction } }, flags.format)
    if (flags.output) writeFileAtomic(flags.output, text)
    else if (!this.jsonEnabled()) process.stdout.write(text)
    return {
      format: flags.format,
      documents: documents.length,
      selected: selected.map((s) => ({
        file: s.entry.file,
        question: describeQuestion(s.question),
        leftOut: s.leftOut,
      })),
      warnings: allWarnings,
      text,
    }
  }
}
