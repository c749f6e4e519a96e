import type * as tfconv from '@tensorflow/tfjs-converter'
import type * as tfl from '@tensorflow/tfjs-layers'
import { messageOf, modelError } from '../base/errors.js'
import { chooseTfjsBackend } from '../runners/tfjsBackends.js'
import { loadTfjs, type Tfjs } from '../runners/tfjsModule.js'
import { fileLoadHandler, readTfjsModelJson, type TfjsModelKind } from '../runners/tfjsModelFile.js'
import { textRecord } from '../base/textKeys.js'

/**
 * Parameters and multiply-accumulates of a TensorFlow.js model at batch 1, with the same
 * conventions as onnxStats (thop/ptflops): conv = output elements × kh·kw·(in channels / groups),
 * depthwise = output elements × kh·kw, dense / MatMul = output elements × inner dimension;
 * activations, pooling, normalisation and element-wise ops count 0.
 *  - layers models: from the layers' static output shapes and kernel shapes.
 *  - graph models: output shapes of the counted nodes are measured by executing the graph once on
 *    a zero batch of 1 (GraphDef JSON carries no shapes); kernel shapes come from the weights manifest.
 * `params`: elements of every floating-point weight (integer constants such as shapes excluded).
 */
export interface TfjsModelStats {
  kind: TfjsModelKind
  params: number
  macs: number
  macsComplete: boolean
  macsByOp: Record<string, number>
  warnings: string[]
}

const prod = (dims: ReadonlyArray<number>): number => dims.reduce((a, b) => a * b, 1)

function add(byOp: Record<string, number>, op: string, macs: number): void {
  byOp[op] = (byOp[op] ?? 0) + macs
}

function layersStats(tfl: Tfjs['layers'], model: tfl.LayersModel): TfjsModelStats {
  const byOp = textRecord<number>() // layer and op names come from the model file
  const warnings: string[] = []
  const visit = (layer: tfl.layers.Layer): void => {
    const className = layer.getClassName()
    if (layer instanceof tfl.LayersModel) {
      for (const inner of layer.layers) visit(inner)
      return
    }
    const outShape = layer.outputShape
    if (!Array.isArray(outShape) || Array.isArray(outShape[0])) return
    const perSample = (outShape as Array<number | null>).slice(1)
    if (!['Conv2D', 'DepthwiseConv2D', 'SeparableConv2D', 'Dense', 'Conv1D'].includes(className)) return
    if (perSample.some((d) => d === null)) {
      warnings.push(
        `${layer.name} (${className}): output shape [${outShape.join(', ')}] has dynamic dimensions; not counted`,
      )
      return
    }
    const outElements = prod(perSample as number[])
    const kernel = layer.weights.find((w) => /kernel$/.test(w.originalName) && !/pointwise/.test(w.originalName))
    if (!kernel) return
    const k = kernel.shape as number[]
    if (className === 'Dense') add(byOp, 'Dense', outElements * k[0]!)
    else if (className === 'Conv2D' || className === 'Conv1D') add(byOp, className, outElements * prod(k.slice(0, -1)))
    else if (className === 'DepthwiseConv2D') add(byOp, 'DepthwiseConv2D', outElements * k[0]! * k[1]!)
    else {
      // Separable: depthwise [kh, kw, in, m] over the input grid, then pointwise [1, 1, in·m, out].
      const pointwise = layer.weights.find((w) => /pointwise_kernel$/.test(w.originalName))!.shape as number[]
      const grid = outElements / pointwise[3]!
      add(byOp, 'SeparableConv2D', grid * k[0]! * k[1]! * k[2]! * k[3]! + outElements * pointwise[2]!)
    }
  }
  for (const layer of model.layers) visit(layer)
  return {
    kind: 'layers',
    params: model.countParams(),
    macs: Object.values(byOp).reduce((a, b) => a + b, 0),
    macsComplete: warnings.length === 0,
    macsByOp: byOp,
    warnings,
  }
}

interface GraphNode {
  name: string
  op: string
  input?: string[]
  attr?: Record<string, { b?: boolean }>
}

const COUNTED_GRAPH_OPS = [
  'Conv2D',
  '_FusedConv2D',
  'DepthwiseConv2dNative',
  'FusedDepthwiseConv2dNative',
  'MatMul',
  '_FusedMatMul',
  'BatchMatMul',
  'BatchMatMulV2',
]

function graphStats(
  tf: Tfjs['core'],
  file: string,
  model: tfconv.GraphModel,
  inputShape: number[] | undefined,
): TfjsModelStats {
  const { json } = readTfjsModelJson(file)
  const specs = new Map((json.weightsManifest ?? []).flatMap((g) => g.weights).map((w) => [w.name, w]))
  const params = [...specs.values()]
    .filter((w) => w.dtype === 'float32' || w.quantization?.dtype !== undefined)
    .reduce((n, w) => n + prod(w.shape), 0)
  const nodes = ((json.modelTopology as { node?: GraphNode[] }).node ?? []) as GraphNode[]
  const byName = new Map(nodes.map((n) => [n.name, n]))
  /** The weight behind a node input, following Identity nodes. */
  const weightShape = (input: string | undefined): number[] | undefined => {
    let name = input?.replace(/^\^/, '').replace(/:\d+$/, '')
    for (let hops = 0; name !== undefined && hops < 8; hops++) {
      const spec = specs.get(name)
      if (spec) return spec.shape
      const node = byName.get(name)
      if (node?.op !== 'Identity') return undefined
      name = node.input?.[0]?.replace(/:\d+$/, '')
    }
    return undefined
  }
  const counted = nodes.filter((n) => COUNTED_GRAPH_OPS.includes(n.op))
  const byOp = textRecord<number>() // layer and op names come from the model file
  const warnings: string[] = []
  if (counted.length === 0) return { kind: 'graph', params, macs: 0, macsComplete: true, macsByOp: byOp, warnings }
  if (!inputShape) {
    warnings.push('the graph input has dynamic height/width and no card gives them; MACs not counted')
    return { kind: 'graph', params, macs: 0, macsComplete: false, macsByOp: byOp, warnings }
  }
  const shapes = tf.tidy(() => {
    const outs = model.execute(
      tf.zeros([1, ...inputShape.slice(1)]),
      counted.map((n) => n.name),
    )
    return (Array.isArray(outs) ? outs : [outs]).map((t) => t.shape)
  })
  counted.forEach((node, i) => {
    const outElements = prod(shapes[i]!.slice(1))
    const kernel = weightShape(node.input?.[1])
    if (!kernel) {
      warnings.push(`${node.name} (${node.op}): its kernel is not a stored weight; not counted`)
      return
    }
    if (node.op === 'Conv2D' || node.op === '_FusedConv2D') add(byOp, 'Conv2D', outElements * prod(kernel.slice(0, 3)))
    else if (node.op.includes('Depthwise')) add(byOp, 'DepthwiseConv2D', outElements * kernel[0]! * kernel[1]!)
    else {
      const transposeB = node.attr?.transpose_b?.b === true || node.attr?.adj_y?.b === true
      const inner = transposeB ? kernel[kernel.length - 1]! : kernel[kernel.length - 2]!
      add(byOp, 'MatMul', outElements * inner)
    }
  })
  return {
    kind: 'graph',
    params,
    macs: Object.values(byOp).reduce((a, b) => a + b, 0),
    macsComplete: warnings.length === 0,
    macsByOp: byOp,
    warnings,
  }
}

/**
 * Statistics of a tfjs model.json. `inputShape` (N, H, W, C with known H, W, C) is needed only for a
 * graph model whose input leaves height/width dynamic.
 */
export async function tfjsModelStats(file: string, inputShape?: number[]): Promise<TfjsModelStats> {
  const { kind } = readTfjsModelJson(file)
  await chooseTfjsBackend('cpu')
  const { core: tf, converter: tfconv, layers: tfl } = await loadTfjs()
  try {
    if (kind === 'layers') {
      const model = await tfl.loadLayersModel(fileLoadHandler(file))
      try {
        return layersStats(tfl, model)
      } finally {
        model.dispose()
      }
    }
    const model = await tfconv.loadGraphModel(fileLoadHandler(file))
    try {
      const declared = model.inputs[0]?.shape?.map((d) => (d === null || d < 0 ? -1 : d))
      const shape = declared?.slice(1).every((d) => d > 0) ? declared : inputShape
      return graphStats(tf, file, model, shape)
    } finally {
      model.dispose()
    }
  } catch (error) {
    if (error instanceof Error && error.name === 'FerbenchError') throw error
    throw modelError(`${file}: could not read the tfjs model for statistics: ${messageOf(error).split('\n')[0]}`)
  }
}
