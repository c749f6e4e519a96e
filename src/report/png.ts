import { loadSharp } from '../preprocess/sharpModule.js'
import type { EvalDocument } from './schemas/evalDocument.js'
import { confusionHeatmapSvg } from './svg.js'

/** The confusion-matrix heatmap as a PNG, rasterised from the same SVG the HTML report embeds (sharp/librsvg, 2× density). */
export async function heatmapPng(result: { metrics: EvalDocument['metrics']; dataset: Pick<EvalDocument['dataset'], 'name' | 'split'> }): Promise<Buffer> {
  const title = `Confusion matrix — ${result.dataset.name} ${result.dataset.split}`
  const svg = confusionHeatmapSvg(result.metrics, title)
  const sharp = await loadSharp()
  return sharp(Buffer.from(svg), { density: 144 }).png().toBuffer()
}
