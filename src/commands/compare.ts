import { Args } from '@oclif/core'
import { FerbenchCommand } from '../cli/baseCommand.js'
import { writeReports } from '../report/writeReports.js'
import { formatFlag, outputFlag } from '../cli/flags/output.js'
import { runCommand } from '../cli/runCommand.js'
import { compareFiles } from '../compare/compare.js'
import type { CompareResult } from '../results/compareDocument.js'

export default class Compare extends FerbenchCommand {
  static override summary =
    "Compare two eval (or cross-validation) results on the same test set: metric and per-class recall deltas, McNemar's exact test."
  static override description =
    'Reads two eval or cross-validation documents (ferbench eval --output/--json, eval --folds N); never re-runs a model. Refuses (exit 3) when they scored different pictures or labels, ' +
    'and says so when the same sample ids carry different pixels (the data changed). When both carry per-sample predictions (embedded by default), pairs them by pixel content ' +
    "(a test-only CSV and the full fer2013.csv pair up) and runs McNemar's exact test on the accuracy difference. Cross-validation documents are compared on their pooled metrics."
  static override examples = [
    '<%= config.bin %> compare base.json cur.json',
    '<%= config.bin %> compare base.json cur.json --json',
    '<%= config.bin %> compare base.json cur.json --output compare.md',
    '<%= config.bin %> eval --embed-predictions --output base.json && <%= config.bin %> eval --model fixtures/models/tinyconv.onnx --data fixtures/fer2013/fer2013.csv --embed-predictions --output cur.json && <%= config.bin %> compare base.json cur.json',
    '<%= config.bin %> eval --embed-predictions --output result.json && <%= config.bin %> compare result.json result.json --output compare.md',
  ]

  static override args = {
    a: Args.string({ description: 'first eval result (a)', required: true }),
    b: Args.string({ description: 'second eval result (b); deltas are b − a', required: true }),
  }

  static override flags = {
    format: formatFlag(),
    output: outputFlag({
      description: 'write the comparison to this file (format from --format or the extension: .md, .json, .txt)',
      multiple: true,
    }),
  }

  async run(): Promise<CompareResult> {
    const { args, flags } = await this.parse(Compare)
    return runCommand(this.terminal(), {
      outputs: (flags.output ?? []).map((file) => ({ flag: '--output', file })),
      inputs: [
        { flag: 'a', file: args.a },
        { flag: 'b', file: args.b },
      ],
      run: async () => compareFiles(args.a, args.b),
      reports: (result) =>
        writeReports(
          { kind: 'compare', result },
          {
            ...(flags.format ? { format: flags.format } : {}),
            ...(flags.output ? { files: flags.output } : {}),
            json: this.jsonEnabled(),
          },
        ),
    })
  }
}
