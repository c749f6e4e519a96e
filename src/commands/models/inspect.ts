import { Flags } from '@oclif/core'
import Table from '../../report/table.js'
import { fitText } from '../../report/fit.js'
import { FerbenchCommand } from '../../cli/baseCommand.js'
import { inspectModel, type InspectResult } from '../../models/inspect.js'

const shape = (dims: ReadonlyArray<number | string>): string => `[${dims.join(', ')}]`
/** A tensor's shape and dtype; a tfjs graph model without a signature records neither for its outputs. */
const tensor = (t: { shape: ReadonlyArray<number | string>; dtype: string }): string =>
  t.shape.length === 0 && t.dtype === 'unknown' ? 'shape and dtype not recorded in the model file' : `${shape(t.shape)} ${t.dtype}`

export default class ModelsInspect extends FerbenchCommand {
  static override summary = 'Show a model file: format, opset, inputs and outputs, bytes, parameters, multiply-accumulates, and the card that applies.'
  static override description =
    'Reads .onnx files statically and TensorFlow.js model.json files (graph or layers) from disk. MACs are counted at batch 1: ' +
    'Conv/Gemm/MatMul for ONNX, conv/depthwise/dense for tfjs. The card is --card, else --preset, else the sidecar beside the model.'
  static override examples = [
    '<%= config.bin %> models inspect --model fixtures/models/oracle.onnx',
    '<%= config.bin %> models inspect --model fixtures/models/tinyconv-graph/model.json --json',
    '<%= config.bin %> models inspect --model emotion-ferplus-8.onnx --preset ferplus',
  ]

  static override flags = {
    model: Flags.string({ char: 'm', description: 'model file (.onnx, or a tfjs model.json)', required: true }),
    card: Flags.string({ description: 'model card JSON to resolve against the model' }),
    preset: Flags.string({ description: 'a built-in model card by name (see `ferbench models presets`)' }),
  }

  async run(): Promise<InspectResult> {
    const { flags } = await this.parse(ModelsInspect)
    const result = await inspectModel(flags.model, { ...(flags.card ? { card: flags.card } : {}), ...(flags.preset ? { preset: flags.preset } : {}) })
    if (!this.jsonEnabled()) {
      const table = new Table({ head: ['field', 'value'] })
      table.push(
        ['model', result.path],
        ['format', result.format + (result.opset !== null ? ` (opset ${result.opset})` : '')],
        ...result.inputs.map((t) => [`input ${t.name}`, tensor(t)]),
        ...result.outputs.map((t) => [`output ${t.name}`, tensor(t)]),
        ['bytes', String(result.bytes)],
        ['params', result.params.toLocaleString('en-US')],
        ['MACs (batch 1)', `${result.macs.toLocaleString('en-US')}${result.macsComplete ? '' : ' (incomplete, see warnings)'} ${JSON.stringify(result.macsByOp)}`],
        ['card', result.card ? `${result.cardKind}: ${result.card.origin.source}` : `none (${result.cardNote ?? ''})`],
      )
      if (result.card) {
        const c = result.card
        table.push(['preprocess', `${c.input.height}×${c.input.width}×${c.input.channels} ${c.input.layout}, scale ${c.scale}, resize ${c.resize}${c.crop ? `, crop ${c.crop.size} from ${c.crop.from ?? 'image'}` : ''}, tta ${c.tta}`])
        table.push(['labels', c.labels.join(', ')])
      }
      this.log(table.toString())
      if (result.warnings.length > 0) this.log(fitText(['Warnings:', ...result.warnings.map((w) => `  - ${w}`)].join('\n')))
    }
    return result
  }
}
