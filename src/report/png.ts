import { loadSharp } from '../base/sharpModule.js'
import type { EvalResult } from '../results/evalDocument.js'
import { reliabilityDiagramSvg, sliceBarsSvg, tileSvgs } from './beyondSvg.js'
import { confusionHeatmapSvg } from './svg.js'

/**
 * The eval figures as one PNG, rasterised from the same SVGs the HTML report embeds (sharp/librsvg,
 * 2× density): the confusion-matrix heatmap, the reliability diagram (when the result has
 * calibration) and one accuracy-by-group chart per --slice-by attribute. A cross-validation result
 * gives its pooled heatmap.
 */
export async function heatmapPng(result: {
  metrics: EvalResult['metrics']
  dataset: Pick<EvalResult['dataset'], 'name' | 'split'>
}): Promise<Buffer> {
  const title = `Confusion matrix — ${result.dataset.name} ${result.dataset.split}`
  const figures = [confusionHeatmapSvg(result.metrics, title)]
  if (result.metrics.calibration) figures.push(reliabilityDiagramSvg(result.metrics.calibration))
  for (const [attribute, slice] of Object.entries(result.metrics.slices ?? {}))
    figures.push(sliceBarsSvg(attribute, slice))
  const sharp = await loadSharp()
  return sharp(Buffer.from(figures.length === 1 ? figures[0]! : tileSvgs(figures)), { density: 144 })
    .png()
    .toBuffer()
}
