import { Args, Flags } from '@oclif/core'
import { buildLeaderboard } from '../leaderboard/leaderboard.js'
import { collectDocuments } from '../leaderboard/collect.js'
import { writeLeaderboardOutputs } from '../report/writeReports.js'
import { FerbenchCommand } from '../cli/baseCommand.js'
import { outputFlag } from '../cli/flags/output.js'
import { renderText } from '../report/registry.js'
import type { LeaderboardDocument } from '../results/leaderboardDocument.js'
import { DEFAULT_PICK } from '../leaderboard/select.js'

export default class Leaderboard extends FerbenchCommand {
  static override summary =
    'Size–speed–accuracy leaderboard of many result documents, grouped by protocol, with the Pareto front.'
  static override description =
    'One row per question: model sha256, dataset digest, protocol (dataset, split or fold protocol, TTA, label set) and runner/backend/device; ' +
    'several results of one question: --pick newest (default) or best, the same rule as export and history, warned about naming every file. ' +
    'Rows are grouped by protocol and never ranked across protocols. Each row: runner, accuracy with its 95% interval, macro-F1, balanced accuracy, params, MACs, bytes, batch-1 ' +
    'latency p50 and best throughput (from a speed document of that model with the same runner/backend/device), mean corruption accuracy (from a robust document ' +
    'of that model on the same samples), the claimed values of a matching claim (ferbench claims), and the Pareto standing on accuracy vs latency ' +
    '(one front per runner and machine) and accuracy vs size (ties within the accuracy intervals shown as ties). ' +
    'Folders are searched for *.json result documents; files there that are not result documents are skipped and listed.'
  static override strict = false
  static override examples = [
    '<%= config.bin %> leaderboard results/',
    '<%= config.bin %> leaderboard results/ speed/ --html board.html --png board.png --output board.json',
    '<%= config.bin %> eval --output result.json && <%= config.bin %> leaderboard result.json',
    '<%= config.bin %> eval --output result.json && <%= config.bin %> speed --model fixtures/models/oracle.onnx --duration 0.2 --output speed.json && <%= config.bin %> leaderboard result.json speed.json --html board.html',
  ]
  static override args = {
    inputs: Args.string({
      description: 'result documents (eval, cv, robust, speed JSON) or folders of them',
      required: true,
    }),
  }
  static override flags = {
    output: outputFlag({ description: 'write the leaderboard JSON (ferbench/leaderboard@1) to this file' }),
    html: Flags.string({ description: 'write a self-contained HTML page (scatters and sortable tables, no network)' }),
    png: Flags.string({ description: 'write the scatters (accuracy vs latency and vs size, per protocol) as a PNG' }),
    pick: Flags.option({
      description:
        'which result answers a question that several documents answer: newest (createdAt) or best (accuracy; speed: lowest latency)',
      options: ['newest', 'best'] as const,
      default: DEFAULT_PICK as 'newest',
    })(),
  }

  async run(): Promise<LeaderboardDocument> {
    const { argv, flags } = await this.parse(Leaderboard)
    const doc = buildLeaderboard(collectDocuments(argv.map(String)), new Date(), flags.pick)
    await writeLeaderboardOutputs(doc, {
      ...(flags.output ? { json: flags.output } : {}),
      ...(flags.html ? { html: flags.html } : {}),
      ...(flags.png ? { png: flags.png } : {}),
    })
    if (!this.jsonEnabled()) this.log(await renderText({ kind: 'leaderboard', result: doc }, 'table'))
    return doc
  }
}
