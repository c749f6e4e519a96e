import { Flags } from '@oclif/core'
import { FerbenchCommand } from '../cli/baseCommand.js'
import { progressOnStderr } from '../cli/progress.js'
import { writeFileAtomic } from '../core/atomicWrite.js'
import { usageError } from '../core/errors.js'
import { EXIT_CODES } from '../core/exitCodes.js'
import { evaluate } from '../core/evaluate.js'
import { DEMO } from '../core/paths.js'
import { datasetNames } from '../datasets/registry.js'
import type { EvalResult } from '../report/evalResult.js'
import { renderEvalTables } from '../report/evalTable.js'

export default class Eval extends FerbenchCommand {
  static override summary = 'Evaluate a model on a dataset: accuracy with a 95% interval, per-class metrics, confusion matrix.'
  static override description =
    'With no --model and no --data, runs the bundled demo (an oracle model on a miniature fer2013.csv). ' +
    'The model card (--card, --preset or <model>.ferbench.json) says how to preprocess and which label each output is.'
  static override examples = [
    '<%= config.bin %> eval',
    '<%= config.bin %> eval --model m.onnx --dataset fer2013 --data fer2013.csv --split PrivateTest',
    '<%= config.bin %> eval --model m.onnx --card m.card.json --data fer2013.csv --json --output result.json',
  ]

  static override flags = {
    model: Flags.string({ char: 'm', description: 'model file (.onnx, or a tfjs model.json)' }),
    card: Flags.string({ description: 'model card JSON (default: <model>.ferbench.json beside the model)' }),
    preset: Flags.string({ description: 'a built-in model card by name (see `ferbench models presets`)' }),
    dataset: Flags.string({ char: 'd', description: `dataset adapter (${datasetNames().join(', ')}, ...)`, default: 'fer2013' }),
    data: Flags.string({ description: 'the dataset file or folder as downloaded' }),
    split: Flags.string({ char: 's', description: 'split to evaluate (fer2013: Training, PublicTest, PrivateTest; default PrivateTest)' }),
    batch: Flags.integer({ char: 'b', description: 'samples per inference call', default: 32, min: 1 }),
    threads: Flags.integer({ description: 'intra-op threads for the runner (default: engine decides)', min: 1 }),
    device: Flags.string({ description: 'device to run on', options: ['cpu', 'gpu'], default: 'cpu' }),
    runner: Flags.string({ description: 'runner (default: chosen from the model file type)', options: ['onnx', 'tfjs'] }),
    'extra-classes': Flags.string({
      description: 'model classes the dataset lacks (e.g. contempt on FER2013): drop = exclude from the argmax, keep = count as wrong',
      options: ['drop', 'keep'],
      default: 'drop',
    }),
    output: Flags.string({ char: 'o', description: 'write the result JSON to this file (atomically)' }),
    'embed-predictions': Flags.boolean({ description: 'include per-sample predictions in the result JSON' }),
    strict: Flags.boolean({ description: 'stop at the first sample that fails to load' }),
  }

  async run(): Promise<EvalResult> {
    const { flags } = await this.parse(Eval)
    const demo = flags.model === undefined && flags.data === undefined
    if (!demo && (flags.model === undefined || flags.data === undefined)) {
      throw usageError(`eval needs both --model and --data (or neither, for the bundled demo); missing ${flags.model === undefined ? '--model' : '--data'}`)
    }
    if (demo && !this.jsonEnabled()) this.logToStderr('ferbench eval: no --model/--data given, running the bundled demo (oracle model on fixtures/fer2013/fer2013.csv)')
    const progress = progressOnStderr(!this.jsonEnabled(), 'evaluating')
    let result: EvalResult
    try {
      result = await evaluate({
        model: flags.model ?? DEMO.model,
        dataset: demo ? DEMO.dataset : flags.dataset,
        data: flags.data ?? DEMO.data,
        ...(flags.split ? { split: flags.split } : demo ? { split: DEMO.split } : {}),
        ...(flags.card ? { card: flags.card } : {}),
        ...(flags.preset ? { preset: flags.preset } : {}),
        batch: flags.batch,
        ...(flags.threads !== undefined ? { threads: flags.threads } : {}),
        device: flags.device as 'cpu' | 'gpu',
        ...(flags.runner ? { runner: flags.runner } : {}),
        extraClasses: flags['extra-classes'] as 'drop' | 'keep',
        predictions: flags['embed-predictions'],
        strict: flags.strict,
        demo,
        onProgress: (done) => progress.update(done),
      })
    } finally {
      progress.stop()
    }
    if (flags.output) writeFileAtomic(flags.output, `${JSON.stringify(result, null, 2)}\n`)
    if (!this.jsonEnabled()) this.log(renderEvalTables(result))
    if (result.failures.length > 0) process.exitCode = EXIT_CODES.incomplete.code
    return result
  }
}
