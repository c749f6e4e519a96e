import type * as TfjsCore from '@tensorflow/tfjs-core'
import type * as TfjsConverter from '@tensorflow/tfjs-converter'
import type * as TfjsLayers from '@tensorflow/tfjs-layers'

export interface Tfjs {
  core: typeof TfjsCore
  converter: typeof TfjsConverter
  layers: typeof TfjsLayers
}

let graph: Promise<Pick<Tfjs, 'core' | 'converter'>> | undefined
let layers: Promise<Tfjs['layers']> | undefined

/**
 * tfjs core and converter, imported on first use: ONNX runs and --help should not pay for them.
 * Enough to choose a backend and run a graph model; layers models need loadTfjs().
 */
export function loadTfjsGraph(): Promise<Pick<Tfjs, 'core' | 'converter'>> {
  graph ??= Promise.all([import('@tensorflow/tfjs-core'), import('@tensorflow/tfjs-converter')]).then(
    ([core, converter]) => ({ core, converter }),
  )
  return graph
}

/** tfjs core, converter and layers, imported on first use: together they cost ~0.2 s of start-up (each tfjs worker thread pays it too). */
export async function loadTfjs(): Promise<Tfjs> {
  layers ??= import('@tensorflow/tfjs-layers')
  const [loaded, tfl] = await Promise.all([loadTfjsGraph(), layers])
  return { ...loaded, layers: tfl }
}
