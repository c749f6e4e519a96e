import { LIMITS } from '../base/limits.js'
import { Flags } from '@oclif/core'
import { FerbenchCommand } from '../cli/baseCommand.js'
import { DEFAULT_PARTIAL_FILE } from '../engine/partialResult.js'
import type { EvalResult } from '../results/evalDocument.js'
import type { CvResult } from '../results/cvDocument.js'
import { modelFlags } from '../cli/flags/model.js'
import { runnerFlags } from '../cli/flags/runner.js'
import { adapterFlags, dataFlags, faceFlags, foldFlags, imageLimitFlags } from '../cli/flags/dataset.js'
import { concurrencyFlag, scoringFlags, strictFlag } from '../cli/flags/evaluation.js'
import { formatFlag, outputFlag, reportFlag } from '../cli/flags/output.js'
import { DEFAULT_SLICE_MIN_SAMPLES } from '../metrics/slices.js'
import { runEval } from '../cli/evalRun.js'
import { flagsGiven } from '../cli/flagsGiven.js'
import { EVAL_FIXED_BY_RESUME } from '../engine/spec.js'

export default class Eval extends FerbenchCommand {
  static override summary =
    'Evaluate a model on a dataset: accuracy with a 95% interval, per-class metrics, confusion matrix.'
  static override description =
    'With no --model and no --data, runs the bundled demo (an oracle model on a miniature fer2013.csv). ' +
    'The model card (--card, --preset or <model>.ferbench.json) says how to preprocess and which label each output is.'
  static override examples = [
    '<%= config.bin %> eval',
    '<%= config.bin %> eval --model m.onnx --dataset fer2013 --data fer2013.csv --split PrivateTest',
    '<%= config.bin %> eval --model m.onnx --card m.card.json --data fer2013.csv --json --output result.json',
    '<%= config.bin %> eval --model fixtures/models/tinyconv.onnx --data fixtures/fer2013/fer2013.csv --split PublicTest',
  ]

  static override flags = {
    ...modelFlags,
    ...dataFlags,
    ...runnerFlags,
    ...scoringFlags,
    output: outputFlag(),
    'embed-predictions': Flags.boolean({
      description:
        "embed per-sample predictions (compact columns: ids, truth, prediction, pixel-content key) in the result JSON, which compare and gate need for McNemar's test (default; --no-embed-predictions omits them)",
      allowNo: true,
      default: true,
    }),
    predictions: Flags.string({
      description:
        'write per-sample predictions to this CSV (id, truth, predicted, correct, top-3 labels with scores), atomically',
    }),
    format: formatFlag(),
    report: reportFlag(),
    strict: strictFlag,
    ...adapterFlags,
    ...foldFlags,
    concurrency: concurrencyFlag,
    timings: Flags.boolean({
      description:
        'print on stderr where the time went: start-up, read, decode, preprocess, infer, metrics, write (also in the JSON as timing.split)',
    }),
    ...imageLimitFlags,
    ...faceFlags,
    shard: Flags.string({
      description:
        'evaluate one part i/n (1-based) of the split, chosen by a hash of the sample id; combine with `ferbench merge`. `auto`: i/n from the engine running it (Kubernetes Indexed Job, SLURM array, GitLab/CircleCI/Buildkite parallel)',
    }),
    'shard-count': Flags.integer({
      description: `with --shard auto: the number of shards where the engine gives only an index (Kubernetes: .spec.completions), 1–${LIMITS.shardCount}`,
      min: 1,
      max: LIMITS.shardCount,
    }),
    'slice-by': Flags.string({
      description:
        "per-group metrics by this attribute (repeatable): rafdb gender, race, age (from basic/Annotation/manual); subject (CK+, JAFFE, a manifest subject column); a manifest's extra columns",
      multiple: true,
    }),
    'slice-min-samples': Flags.integer({
      description: `groups with fewer samples are reported but not ranked for the largest gap (default ${DEFAULT_SLICE_MIN_SAMPLES}, max ${LIMITS.sliceMinSamples})`,
      min: 1,
      max: LIMITS.sliceMinSamples,
    }),
    calibrate: Flags.option({
      description:
        'fit a calibration on --calibration-split and report calibration before and after: temperature (one scalar dividing the logits)',
      options: ['temperature'] as const,
    })(),
    'calibration-split': Flags.string({
      description: 'the split the --calibrate temperature is fitted on (never the scored split)',
    }),
    resume: Flags.string({
      description: `continue an interrupted run from its partial result (written on SIGINT/SIGTERM to --output, else ./${DEFAULT_PARTIAL_FILE}); the final result replaces it unless --output is given`,
    }),
  }

  async run(): Promise<EvalResult | CvResult> {
    const { flags, raw } = await this.parse(Eval)
    return runEval(this.terminal(), flags, flagsGiven(raw, EVAL_FIXED_BY_RESUME))
  }
}
