import { Flags } from '@oclif/core'
import { trend, type TrendPoint } from '../../leaderboard/historyQuery.js'
import { readHistory } from '../../leaderboard/historyStore.js'
import { FerbenchCommand } from '../../cli/baseCommand.js'
import { renderText } from '../../report/registry.js'
import { writeTrendCharts } from '../../report/writeReports.js'
import { storeFlag } from '../../cli/flags/history.js'
import { DEFAULT_PICK, PICKS } from '../../leaderboard/select.js'

export default class HistoryShow extends FerbenchCommand {
  static override summary = 'Show how a metric moved across recorded commits, as a table and an HTML/PNG trend chart.'
  static override examples = [
    '<%= config.bin %> eval --output result.json && <%= config.bin %> history add result.json --store history --branch main && <%= config.bin %> history show --store history --metric accuracy --html trend.html',
    '<%= config.bin %> speed --model fixtures/models/oracle.onnx --duration 0.2 --output speed.json && <%= config.bin %> history add speed.json --store history --branch main && <%= config.bin %> history show --store history --metric latencyP50Ms --branch main --html trend.html --png trend.png',
    '<%= config.bin %> eval --output result.json && <%= config.bin %> history add result.json --store history --branch main && <%= config.bin %> history show --store history --metric accuracy',
  ]
  static override flags = {
    store: storeFlag(),
    metric: Flags.string({
      description:
        'accuracy, macroF1, balancedAccuracy, latencyP50Ms, imagesPerSecond, modelBytes or meanCorruptionAccuracy',
      default: 'accuracy',
    }),
    model: Flags.string({ description: 'only this model (name or sha256 prefix)' }),
    branch: Flags.string({ description: 'only this branch' }),
    dataset: Flags.string({ description: 'only this dataset' }),
    pick: Flags.option({
      description:
        'which entry stands for a series at a commit where several were recorded: newest (document createdAt), best (the metric), or all',
      options: PICKS,
      default: DEFAULT_PICK,
    })(),
    html: Flags.string({ description: 'write the trend chart as a self-contained HTML page' }),
    png: Flags.string({ description: 'write the trend chart as a PNG' }),
  }

  async run(): Promise<{ metric: string; points: TrendPoint[]; warnings: string[] }> {
    const { flags } = await this.parse(HistoryShow)
    const { points, warnings } = trend(readHistory(flags.store), {
      metric: flags.metric,
      pick: flags.pick,
      ...(flags.model ? { model: flags.model } : {}),
      ...(flags.branch ? { branch: flags.branch } : {}),
      ...(flags.dataset ? { dataset: flags.dataset } : {}),
    })
    for (const w of warnings) this.warnToStderr(`warning: ${w}`)
    const chart = { points, metric: flags.metric, store: flags.store }
    await writeTrendCharts(chart, { html: flags.html, png: flags.png })
    if (!this.jsonEnabled()) this.log(await renderText({ kind: 'trend', result: chart }, 'table'))
    return { metric: flags.metric, points, warnings }
  }
}
