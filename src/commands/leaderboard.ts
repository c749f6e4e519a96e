import { Args, Flags } from '@oclif/core'
import { buildLeaderboard } from '../board/leaderboard.js'
import { collectDocuments } from '../board/collect.js'
import { writeLeaderboardOutputs } from '../report/writeLeaderboard.js'
import { FerbenchCommand } from '../cli/baseCommand.js'
import { outputFlag } from '../cli/flags/output.js'
import { renderLeaderboardTables } from '../report/leaderboardTable.js'
import type { LeaderboardDocument } from '../documents/leaderboardDocument.js'

export default class Leaderboard extends FerbenchCommand {
  static override summary =
    'Size–speed–accuracy leaderboard of many result documents, grouped by protocol, with the Pareto front.'
  static override description =
    'Joins eval, cv, robust and speed documents by model sha256. Rows are grouped by protocol (dataset, split or fold protocol, TTA, label set) ' +
    'and never ranked across protocols. Each row: accuracy with its 95% interval, macro-F1, balanced accuracy, params, MACs, bytes, batch-1 ' +
    'latency p50 and best throughput (from the newest speed document of that model, with its machine), the claimed values of a matching claim ' +
    '(ferbench claims), and the Pareto standing on accuracy vs latency and accuracy vs size (ties within the accuracy intervals shown as ties). ' +
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
  }

  async run(): Promise<LeaderboardDocument> {
    const { argv, flags } = await this.parse(Leaderboard)
    const doc = buildLeaderboard(collectDocuments(argv.map(String)))
    await writeLeaderboardOutputs(doc, {
      ...(flags.output ? { json: flags.output } : {}),
      ...(flags.html ? { html: flags.html } : {}),
      ...(flags.png ? { png: flags.png } : {}),
    })
    if (!this.jsonEnabled()) this.log(renderLeaderboardTables(doc))
    return doc
  }
}
