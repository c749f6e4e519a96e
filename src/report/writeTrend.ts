import type { TrendPoint } from '../leaderboard/historyQuery.js'
import { writeFileAtomic } from '../base/atomicWrite.js'
import { escapeXml } from './escape.js'
import { trendChartSpec } from './historyChart.js'
import { renderPng, renderSvg } from './vegaRender.js'

/** Writes the trend chart of a metric as a self-contained HTML page and/or a PNG, each atomically (the HTML first). */
export async function writeTrendCharts(
  points: readonly TrendPoint[],
  metric: string,
  outputs: { html?: string | undefined; png?: string | undefined },
): Promise<void> {
  const spec = trendChartSpec(points, metric)
  if (outputs.html) {
    const svg = await renderSvg(spec)
    writeFileAtomic(
      outputs.html,
      `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>ferbench history: ${escapeXml(metric)}</title></head><body>${svg}</body></html>\n`,
    )
  }
  if (outputs.png) writeFileAtomic(outputs.png, await renderPng(spec))
}
