import type { TrendPoint } from '../leaderboard/historyQuery.js'
import { seriesKey } from '../leaderboard/historyQuery.js'
import { escapeXml } from './escape.js'
import type { VegaLiteSpec } from './leaderboardChart.js'

/** A metric over time, one line per series (model on a dataset split), points labelled with the short commit. */
export function trendChartSpec(points: readonly TrendPoint[], metric: string): VegaLiteSpec {
  const values = points.map((p) => ({
    time: p.entry.recordedAt,
    value: p.value,
    series: seriesKey(p.entry),
    commit: p.entry.commit?.slice(0, 8) ?? 'no commit',
    branch: p.entry.branch ?? '',
  }))
  const x = { field: 'time', type: 'temporal', title: 'recorded' }
  const y = { field: 'value', type: 'quantitative', title: metric, scale: { zero: false } }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `ferbench history: ${metric}`, fontSize: 14 },
    width: 640,
    height: 300,
    data: { values },
    layer: [
      {
        mark: { type: 'line', point: true },
        encoding: {
          x,
          y,
          color: { field: 'series', type: 'nominal', title: 'series' },
          tooltip: [{ field: 'series' }, { field: 'commit' }, { field: 'branch' }, { field: 'value' }],
        },
      },
      { mark: { type: 'text', dy: -10, fontSize: 9 }, encoding: { x, y, text: { field: 'commit' } } },
    ],
    config: { font: 'sans-serif', background: 'white' },
  }
}

/** The trend chart's SVG as a self-contained HTML page (`history show --html`). */
export const trendHtml = (metric: string, svg: string): string =>
  `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>ferbench history: ${escapeXml(metric)}</title></head><body>${svg}</body></html>\n`
