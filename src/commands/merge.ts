import { Args } from '@oclif/core'
import { FerbenchCommand } from '../cli/baseCommand.js'
import { outputFlag } from '../cli/flags/output.js'
import { runCommand } from '../cli/runCommand.js'
import { EXIT_CODES } from '../base/exitCodes.js'
import { expandShardInputs, mergeShards, readShardInput } from '../engine/merge.js'
import type { EvalResult } from '../results/evalDocument.js'
import { renderEvalTables } from '../report/evalTable.js'
import { robustTable } from '../report/robustViews.js'
import { ROBUST_SCHEMA, type RobustResult } from '../results/robustDocument.js'
import { isRobustFile, mergeRobustShards, readRobustShard } from '../robust/mergeRobust.js'

export default class Merge extends FerbenchCommand {
  static override summary =
    'Merge the results of `eval --shard i/n` (or `robust --shard i/n`), i = 1..n, into the result of the unsharded run.'
  static override description =
    "Adds the shards' confusion counts and recomputes every metric and interval from them; the dataset digest of the merge equals " +
    "the unsharded run's. Refuses shards of different models, cards, datasets, splits or shard counts, a shard given twice, a missing " +
    'shard and partial (interrupted) shards.'
  static override strict = false
  static override examples = [
    '<%= config.bin %> merge shard-1.json shard-2.json shard-3.json --output result.json',
    '<%= config.bin %> merge results/shard-*.json --json',
    '<%= config.bin %> merge shards/ --output result.json',
    '<%= config.bin %> eval --model fixtures/models/oracle.onnx --data fixtures/fer2013/fer2013.csv --shard 1/2 --output shard-1.json && <%= config.bin %> eval --model fixtures/models/oracle.onnx --data fixtures/fer2013/fer2013.csv --shard 2/2 --output shard-2.json && <%= config.bin %> merge shard-1.json shard-2.json --output result.json',
    '<%= config.bin %> eval --model fixtures/models/oracle.onnx --data fixtures/fer2013/fer2013.csv --shard 1/3 --output shard-1.json && <%= config.bin %> eval --model fixtures/models/oracle.onnx --data fixtures/fer2013/fer2013.csv --shard 2/3 --output shard-2.json && <%= config.bin %> eval --model fixtures/models/oracle.onnx --data fixtures/fer2013/fer2013.csv --shard 3/3 --output shard-3.json && <%= config.bin %> merge shard-1.json shard-2.json shard-3.json --json',
  ]
  static override args = {
    shards: Args.string({
      description: 'shard result files (ferbench eval --shard i/n --output ...), or a folder holding them',
      required: true,
    }),
  }
  static override flags = {
    output: outputFlag({ description: 'write the merged result JSON to this file (atomically)' }),
  }

  async run(): Promise<EvalResult | RobustResult> {
    const { argv, flags } = await this.parse(Merge)
    const shards = expandShardInputs(argv.map(String))
    return runCommand<EvalResult | RobustResult>(this.terminal(), {
      outputs: [{ flag: '--output', file: flags.output }],
      inputs: shards.map(({ file }) => ({ flag: 'shard', file })),
      run: async () =>
        shards.length > 0 && isRobustFile(shards[0]!.file)
          ? mergeRobustShards(shards.map(({ file }) => readRobustShard(file)))
          : mergeShards(shards.map(readShardInput)),
      output: flags.output,
      view: (result) => (result.schema === ROBUST_SCHEMA ? robustTable(result) : renderEvalTables(result)),
      exitCode: (result) =>
        result.schema !== ROBUST_SCHEMA && result.failures.length > 0 ? EXIT_CODES.incomplete.code : undefined,
    })
  }
}
