import { Flags } from '@oclif/core'
import { FerbenchCommand } from '../../cli/baseCommand.js'
import { cardFlag, modelFlag, presetFlag } from '../../cli/flags/model.js'
import { dataFlag, datasetFlag, splitFlag } from '../../cli/flags/dataset.js'
import { inspectModel, type InspectResult } from '../../model/inspect.js'
import { doctor } from '../../doctor/doctor.js'
import type { DoctorResult } from '../../results/doctorDocument.js'
import { renderDoctor } from '../../report/doctorTable.js'
import { renderModelInspect } from '../../report/modelTables.js'
import { usageError } from '../../base/errors.js'

export default class ModelsInspect extends FerbenchCommand {
  static override summary =
    'Show a model file: format, opset, inputs and outputs, bytes, parameters, multiply-accumulates, and the card that applies.'
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
      description:
        'list the card fields the model settles and those to fill, with the allowed values; with --data, run `models doctor` to fill them from labelled images',
    }),
    dataset: datasetFlag({
      description: 'with --card-skeleton --data: dataset adapter for the doctor',
      default: 'fer2013',
    }),
    data: dataFlag({ description: 'with --card-skeleton: labelled images to run `models doctor` on' }),
    split: splitFlag({ description: 'with --card-skeleton --data: split to sample' }),
  }

  async run(): Promise<InspectResult | DoctorResult> {
    const { flags } = await this.parse(ModelsInspect)
    if (flags.data !== undefined && !flags['card-skeleton'])
      throw usageError(
        '--data is only used with --card-skeleton (to run `models doctor`); add --card-skeleton or use `ferbench models doctor`',
      )
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
    const result = await inspectModel(
      flags.model,
      { ...(flags.card ? { card: flags.card } : {}), ...(flags.preset ? { preset: flags.preset } : {}) },
      { cardSkeleton: flags['card-skeleton'] },
    )
    if (!this.jsonEnabled()) this.log(renderModelInspect(result))
    return result
  }
}
