import path from 'node:path'
import { FerbenchError, usageError } from '../base/errors.js'
import { loadTfjsModel } from '../runners/tfjs.js'
import { chooseTfjsBackend } from '../runners/tfjsBackends.js'
import type { ModelCard } from '../card/schema.js'
import type { CardChoice } from '../card/load.js'
import { modelFile, type ModelFile } from './openModel.js'
import { presetsFittingInput } from '../card/presets.js'
import { cardSkeleton, type CardSkeleton } from '../card/skeleton.js'
import { onnxModelStats } from './onnxStats.js'
import { isTfjsModelPath, readTfjsModelJson, tfjsModelBytes } from '../runners/tfjsModelFile.js'
import { tfjsModelStats } from './tfjsStats.js'

export interface TensorDescription {
  name: string
  /** Dimensions; a dynamic one is its symbolic name (ONNX) or -1 (tfjs). */
  shape: Array<number | string>
  dtype: string
}

const INSPECT_SCHEMA = 'ferbench/inspect@1'

export interface InspectResult {
  schema: typeof INSPECT_SCHEMA
  path: string
  format: 'onnx' | 'tfjs-graph' | 'tfjs-layers'
  /** ONNX default-domain opset; null for tfjs. */
  opset: number | null
  inputs: TensorDescription[]
  outputs: TensorDescription[]
  /** Bytes on disk: the .onnx file, or model.json plus every weight shard. */
  bytes: number
  params: number
  /** Multiply-accumulates at batch 1 (Conv/Gemm/MatMul for ONNX; conv/depthwise/dense for tfjs). */
  macs: number
  macsComplete: boolean
  macsByOp: Record<string, number>
  /** The card that applies (resolved against the model's input), or null with `cardNote` saying why. */
  card: ModelCard | null
  /** Where the card came from: `given` (--card), `preset`, `sidecar` (found beside the model). */
  cardKind: 'given' | 'preset' | 'sidecar' | null
  cardNote?: string
  /** Built-in presets whose input (size, channels, layout) fits the model's input shape (src/card/presets.ts presetsFittingInput); a fit of the input only. */
  fittingPresets: string[]
  /** With --card-skeleton: the card fields the model settles and those to fill (src/card/skeleton.ts). */
  cardSkeleton?: CardSkeleton
  warnings: string[]
}

async function applicableCard(
  file: ModelFile,
  choice: CardChoice,
  input: TensorDescription | undefined,
): Promise<Pick<InspectResult, 'card' | 'cardKind' | 'cardNote'>> {
  const kind: InspectResult['cardKind'] = choice.card ? 'given' : choice.preset ? 'preset' : 'sidecar'
  try {
    await file.chooseCard(choice, { kind: 'error', modelInput: async () => input })
    if (!input)
      return { card: null, cardKind: kind, cardNote: 'the model has no tensor input to resolve the card against' }
    return { card: file.resolveCard(input), cardKind: kind }
  } catch (error) {
    // No card is a normal answer for inspect; a card given explicitly that does not fit is an error.
    if (error instanceof FerbenchError && kind === 'sidecar')
      return { card: null, cardKind: null, cardNote: error.message }
    throw error
  }
}

/**
 * Reads a model file's format, inputs, outputs, bytes, parameters and MACs, and the card that
 * applies; with `cardSkeleton`, also the card fields the model settles and those left to fill.
 */
export async function inspectModel(
  modelPath: string,
  choice: CardChoice = {},
  options: { cardSkeleton?: boolean } = {},
): Promise<InspectResult> {
  const result = await inspectModelFile(modelPath, choice)
  if (options.cardSkeleton && result.inputs[0]) result.cardSkeleton = cardSkeleton(result.inputs[0], result.outputs[0])
  return result
}

async function inspectModelFile(modelPath: string, choice: CardChoice): Promise<InspectResult> {
  const toInspect = modelFile(modelPath)
  const resolved = path.resolve(modelPath)
  if (/\.onnx$/i.test(modelPath)) {
    const stats = onnxModelStats(modelPath)
    const dtype = (t: string): string => (t === 'float' ? 'float32' : t)
    const inputs = stats.inputs.map((t) => ({ name: t.name, shape: t.shape, dtype: dtype(t.elemType) }))
    return {
      schema: INSPECT_SCHEMA,
      path: resolved,
      format: 'onnx',
      opset: stats.opset,
      inputs,
      outputs: stats.outputs.map((t) => ({ name: t.name, shape: t.shape, dtype: dtype(t.elemType) })),
      bytes: stats.bytes,
      params: stats.params,
      macs: stats.macs,
      macsComplete: stats.macsComplete,
      macsByOp: stats.macsByOp,
      ...(await applicableCard(toInspect, choice, inputs[0])),
      fittingPresets: inputs[0] ? presetsFittingInput(inputs[0]) : [],
      warnings: stats.warnings,
    }
  }
  if (!isTfjsModelPath(modelPath))
    throw usageError(`${modelPath}: ferbench inspects .onnx files and TensorFlow.js model.json files`)
  const file = readTfjsModelJson(modelPath)
  await chooseTfjsBackend('cpu')
  const model = await loadTfjsModel(modelPath)
  const inputs = model.inputs
  const outputs = model.outputs
  model.dispose()
  const cardPart = await applicableCard(toInspect, choice, inputs[0])
  const card = cardPart.card
  const fromCard = card
    ? card.input.layout === 'NHWC'
      ? [1, card.input.height, card.input.width, card.input.channels]
      : undefined
    : undefined
  const stats = await tfjsModelStats(modelPath, fromCard)
  return {
    schema: INSPECT_SCHEMA,
    path: resolved,
    format: file.kind === 'graph' ? 'tfjs-graph' : 'tfjs-layers',
    opset: null,
    inputs,
    outputs,
    bytes: tfjsModelBytes(modelPath, file),
    params: stats.params,
    macs: stats.macs,
    macsComplete: stats.macsComplete,
    macsByOp: stats.macsByOp,
    ...cardPart,
    fittingPresets: inputs[0] ? presetsFittingInput(inputs[0]) : [],
    warnings: stats.warnings,
  }
}
