import { Flags } from '@oclif/core'
import { trend, type TrendPoint } from '../../board/historyQuery.js'
import { readHistory } from '../../board/historyStore.js'
import { FerbenchCommand } from '../../cli/baseCommand.js'
import { storeFlag } from '../../cli/flags/history.js'
import { writeFileAtomic } from '../../base/atomicWrite.js'
import { escapeXml } from '../../report/escape.js'
import { trendChartSpec } from '../../report/historyChart.js'
import Table from '../../report/table.js'
import { renderPng, renderSvg } from '../../report/vegaRender.js'

const FRACTIONS = new Set(['accuracy', 'accuracyLow', 'accuracyHigh', 'balancedAccuracy', 'meanCorruptionAccuracy'])

export default class HistoryShow extends FerbenchCommand {
  static override summary = 'Show how a metric moved across recorded commits, as a table and an HTML/PNG trend chart.'
  static override examples = [
    '<%= config.bin %> eval --output result.json && <%= config.bin %> history add result.json --store history --branch main && <%= config.bin %> history show --store history --metric accuracy --html trend.html',
    '<%= config.bin %> speed --model fixtures/models/oracle.onnx --duration 0.2 --output speed.json && <%= config.bin %> history add speed.json --store history --branch main && <%= config.bin %> history show --store history --metric latencyP50Ms --branch main --html trend.html --png trend.png',
    '<%= config.bin %> eval --output result.json && <%= config.bin %> history add result.json --store history --branch main && <%= config.bin %> history show --store history --metric accuracy',
  ]
  static override flags = {
    store: storeFlag(),
    metric: Flags.string({ description: 'accuracy, macroF1, balancedAccuracy, latencyP50Ms, imagesPerSecond, modelBytes or meanCorruptionAccuracy', default: 'accuracy' }),
    model: Flags.string({ description: 'only this model (name or sha256 prefix)' }),
    branch: Flags.string({ description: 'only this branch' }),
    dataset: Flags.string({ description: 'only this dataset' }),
    html: Flags.string({ description: 'write the trend chart as a self-contained HTML page' }),
    png: Flags.string({ description: 'write the trend chart as a PNG' }),
  }

  async run(): Promise<{ metric: string; points: TrendPoint[] }> {
    const { flags } = await this.parse(HistoryShow)
    const points = trend(readHistory(flags.store), {
      metric: flags.metric,
      ...(flags.model ? { model: flags.model } : {}),
      ...(flags.branch ? { branch: flags.branch } : {}),
      ...(flags.dataset ? { dataset: flags.dataset } : {}),
    })
    const spec = trendChartSpec(points, flags.metric)
    if (flags.html) {
      const svg = await renderSvg(spec)
      writeFileAtomic(flags.html, `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>ferbench history: ${escapeXml(flags.metric)}</title></head><body>${svg}</body></html>\n`)
    }
    if (flags.png) writeFileAtomic(flags.png, await renderPng(spec))
    if (!this.jsonEnabled()) {
      const fmt = (x: number): string => (FRACTIONS.has(flags.metric) ? `${(x * 100).toFixed(2)}%` : x.toPrecision(4))
      const delta = (x: number | null): string => (x === null ? '' : FRACTIONS.has(flags.metric) ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)} pts` : `${x >= 0 ? '+' : ''}${x.toPrecision(3)}`)
      const table = new Table({ head: ['recorded', 'commit', 'branch', 'series', flags.metric, 'change'] })
      for (const p of points) table.push([p.entry.recordedAt.slice(0, 19), p.entry.commit?.slice(0, 8) ?? '', p.entry.branch ?? '', `${p.entry.model.name}${p.entry.dataset ? ` ${p.entry.dataset} ${p.entry.split}` : ''}`, fmt(p.value), delta(p.change)])
      this.log(points.length ? table.toString() : `no entries with ${flags.metric} in ${flags.store}`)
    }
    return { metric: flags.metric, points }
  }
}
