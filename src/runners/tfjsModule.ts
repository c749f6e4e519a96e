import type * as TfjsCore from '@tensorflow/tfjs-core'
import type * as TfjsConverter from '@tensorflow/tfjs-converter'
import type * as TfjsLayers from '@tensorflow/tfjs-layers'

export interface Tfjs {
  core: typeof TfjsCore
  converter: typeof TfjsConverter
  layers: typeof TfjsLayers
}

let loaded: Promise<Tfjs> | undefined

/** tfjs core, converter and layers, imported on first use: together they cost ~0.2 s of start-up that ONNX runs and --help should not pay. */
export function loadTfjs(): Promise<Tfjs> {
  loaded ??= Promise.all([
    import('@tensorflow/tfjs-core'),
    import('@tensorflow/tfjs-converter'),
    import('@tensorflow/tfjs-layers'),
  ]).then(([core, converter, layers]) => ({ core, converter, layers }))
  return loaded
}
