import type { VegaLiteSpec } from './leaderboardChart.js'

/**
 * Compiles a Vega-Lite spec and renders it to SVG in process, with no browser and no network
 * (vega's headless renderer). vega and vega-lite are loaded only here, when a chart is drawn.
 */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')])
  const compiled = vegaLite.compile(spec as unknown as Parameters<typeof vegaLite.compile>[0]).spec
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' })
  try {
    return await view.toSVG()
  } finally {
    view.finalize()
  }
}
