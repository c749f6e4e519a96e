import type { EvalResult } from '../results/evalDocument.js'
import { reliabilityDiagramSvg, sliceBarsSvg, tileSvgs } from './beyondSvg.js'
import { confusionHeatmapSvg } from './svg.js'

/**
 * The eval figures as one SVG, the same ones the HTML report embeds: the confusion-matrix heatmap,
 * the reliability diagram (when the result has calibration) and one accuracy-by-group chart per
 * --slice-by attribute, tiled. A cross-validation result gives its pooled heatmap. PNG rasterises it.
 */
export function evalFiguresSvg(result: {
  metrics: EvalResult['metrics']
  dataset: Pick<EvalResult['dataset'], 'name' | 'split'>
}): string {
  const title = `Confusion matrix — ${result.dataset.name} ${result.dataset.split}`
  const figures = [confusionHeatmapSvg(result.metrics, title)]
  if (result.metrics.calibration) figures.push(reliabilityDiagramSvg(result.metrics.calibration))
  for (const [attribute, slice] of Object.entries(result.metrics.slices ?? {}))
    figures.push(sliceBarsSvg(attribute, slice))
  return figures.length === 1 ? figures[0]! : tileSvgs(figures)
}
