import { Flags } from '@oclif/core'
import Table from '../../report/table.js'
import { fitText } from '../../report/fit.js'
import { FerbenchCommand } from '../../cli/baseCommand.js'
import { cardFlag, modelFlag, presetFlag } from '../../cli/flags/model.js'
import { dataFlag, datasetFlag, splitFlag } from '../../cli/flags/dataset.js'
import { inspectModel, type InspectResult } from '../../modelinfo/inspect.js'
import { cardSkeleton, type CardSkeleton } from '../../card/skeleton.js'
import { doctor } from '../../doctor/doctor.js'
import type { DoctorResult } from '../../documents/doctorResult.js'
import { renderDoctor } from '../../report/doctorTable.js'
import { usageError } from '../../base/errors.js'

const shape = (dims: ReadonlyArray<number | string>): string => `[${dims.join(', ')}]`
/** A tensor's shape and dtype; a tfjs graph model without a signature records neither for its outputs. */
const tensor = (t: { shape: ReadonlyArray<number | string>; dtype: string }): string =>
  t.shape.length === 0 && t.dtype === 'unknown' ? 'shape and dtype not recorded in the model file' : `${shape(t.shape)} ${t.dtype}`

function renderSkeleton(skeleton: CardSkeleton): string {
  const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v))
  const settled = new Table({ head: ['settled by the model', 'value', 'why'] })
  for (const f of skeleton.settled) settled.push([f.field, show(f.value), f.note])
  const fill = new Table({ head: ['to fill', 'allowed', 'default'] })
  for (const f of skeleton.toFill) fill.push([f.field, Array.isArray(f.allowed) ? f.allowed.join(', ') : String(f.allowed), f.default === undefined ? '—' : show(f.default)])
  return [
    settled.toString(),
    fill.toString(),
    'card template (fill the <…> values; `ferbench models doctor --data <labelled images>` finds them):',
    JSON.stringify(skeleton.template, null, 2),
  ].join('\n')
}

export default class ModelsInspect extends FerbenchCommand {
  static override summary = 'Show a model file: format, opset, inputs and outputs, bytes, parameters, multiply-accumulates, and the card that applies.'
  static override description =
    'Reads .onnx files statically and TensorFlow.js model.json files (graph or layers) from disk. MACs are counted at batch 1: ' +
    'Conv/Gemm/MatMul for ONNX, conv/depthwise/dense for tfjs. The card is --card, else --preset, else the sidecar beside the model.'
  static override examples = [
    '<%= config.bin %> models inspect --model fixtures/models/oracle.onnx',
    '<%= config.bin %> models inspect --model fixtures/models/tinyconv-graph/model.json --json',
    '<%= config.bin %> models inspect --model emotion-ferplus-8.onnx --preset ferplus',
    '<%= config.bin %> models inspect --model m.onnx --card-skeleton',
    '<%= config.bin %> models inspect --model m.onnx --card-skeleton --dataset rafdb --data RAF-DB/basic',
  ]

  static override flags = {
    model: modelFlag({ required: true }),
    card: cardFlag({ description: 'model card JSON to resolve against the model' }),
    preset: presetFlag(),
    'card-skeleton': Flags.boolean({
      description: 'list the card fields the model settles and those to fill, with the allowed values; with --data, run `models doctor` to fill them from labelled images',
    }),
    dataset: datasetFlag({ description: 'with --card-skeleton --data: dataset adapter for the doctor', default: 'fer2013' }),
    data: dataFlag({ description: 'with --card-skeleton: labelled images to run `models doctor` on' }),
    split: splitFlag({ description: 'with --card-skeleton --data: split to sample' }),
  }

  async run(): Promise<InspectResult | DoctorResult> {
    const { flags } = await this.parse(ModelsInspect)
    if (flags.data !== undefined && !flags['card-skeleton']) throw usageError('--data is only used with --card-skeleton (to run `models doctor`); add --card-skeleton or use `ferbench models doctor`')
    if (flags['card-skeleton'] && flags.data !== undefined) {
      const result = await doctor({
        model: flags.model,
        dataset: flags.dataset,
        data: flags.data,
        ...(flags.split ? { split: flags.split } : {}),
        ...(flags.card ? { card: flags.card } : {}),
        ...(flags.preset ? { preset: flags.preset } : {}),
      })
      if (!this.jsonEnabled()) this.log(renderDoctor(result))
      return result
    }
    const result = await inspectModel(flags.model, { ...(flags.card ? { card: flags.card } : {}), ...(flags.preset ? { preset: flags.preset } : {}) })
    if (flags['card-skeleton'] && result.inputs[0]) result.cardSkeleton = cardSkeleton(result.inputs[0], result.outputs[0])
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
        ['card', result.card ? `${result.cardKind}: ${result.card.origin.source}` : result.cardSkeleton ? 'none: see the card skeleton below' : `none (${result.cardNote ?? ''})`],
      )
      if (result.card) {
        const c = result.card
        table.push(['preprocess', `${c.input.height}×${c.input.width}×${c.input.channels} ${c.input.layout}, scale ${c.scale}, resize ${c.resize}${c.crop ? `, crop ${c.crop.size} from ${c.crop.from ?? 'image'}` : ''}, tta ${c.tta}`])
        table.push(['labels', c.labels.join(', ')])
      }
      this.log(table.toString())
      if (result.cardSkeleton) this.log(renderSkeleton(result.cardSkeleton))
      if (result.warnings.length > 0) this.log(fitText(['Warnings:', ...result.warnings.map((w) => `  - ${w}`)].join('\n')))
    }
    return result
  }
}
