import { LIMITS } from '../base/limits.js'
import { usageError } from '../base/errors.js'
import { DEMO } from '../base/paths.js'
import { parseShard, type Shard } from '../engine/shard.js'
import { shardFromEnvironment } from '../engine/shardAuto.js'
import { evalSpec, modelForFold, type EvalSpec, type EvalSpecInput } from '../engine/spec.js'
import { evalDatasetOptions, type DatasetFlagValues } from './flags/dataset.js'

/** The flags of `eval` and `robust` that say what is evaluated. */
export interface EvalSpecFlags extends DatasetFlagValues {
  model?: string | undefined
  card?: string | undefined
  preset?: string | undefined
  dataset: string
  data?: string | undefined
  split?: string | undefined
  batch: number
  threads?: number | undefined
  device: EvalSpec['device']
  runner?: string | undefined
  tta?: EvalSpec['tta']
  'extra-classes': EvalSpec['extraClasses']
  strict: boolean
  concurrency: number
  'slice-by'?: string[] | undefined
  'slice-min-samples'?: number | undefined
  calibrate?: string | undefined
  'calibration-split'?: string | undefined
  shard?: string | undefined
  'shard-count'?: number | undefined
}

/** What the command adds to the flags: the predictions it keeps. */
export type SpecExtras = Pick<EvalSpecInput, 'predictions' | 'predictionScores' | 'embedPredictions'>

export interface SpecChoices {
  /** `--fold k` puts k into a {fold} model pattern (eval of one fold). */
  foldModel?: boolean
  /** `--shard auto` is allowed, and the shard found is announced with this. */
  announceShard?: (line: string) => void
}

/**
 * The spec of one evaluation from the command line, built once: with neither --model nor --data,
 * the bundled demo (its model, data and dataset).
 */
export function evalSpecFromFlags(
  command: 'eval' | 'robust',
  flags: EvalSpecFlags,
  extras: SpecExtras,
  choices: SpecChoices = {},
): EvalSpec {
  const demo = flags.model === undefined && flags.data === undefined
  if (!demo && (flags.model === undefined || flags.data === undefined)) {
    throw usageError(
      `${command} needs both --model and --data (or neither, for the bundled demo); missing ${flags.model === undefined ? '--model' : '--data'}`,
    )
  }
  const model = flags.model ?? DEMO.model
  const { announceShard } = choices
  const shard = !flags.shard
    ? undefined
    : announceShard
      ? shardFromFlags(flags.shard, flags['shard-count'], announceShard)
      : parseShard(flags.shard)
  return evalSpec({
    model: choices.foldModel && flags.fold !== undefined ? modelForFold(model, flags.fold) : model,
    card: flags.card,
    preset: flags.preset,
    dataset: demo ? DEMO.dataset : flags.dataset,
    data: flags.data ?? DEMO.data,
    split: flags.split || undefined, // none (or an empty one): the dataset's default, resolved by the adapter (the demo's: PrivateTest)
    datasetOptions: evalDatasetOptions(flags),
    batch: flags.batch,
    threads: flags.threads,
    device: flags.device,
    runner: flags.runner,
    tta: flags.tta,
    extraClasses: flags['extra-classes'],
    strict: flags.strict,
    concurrency: flags.concurrency,
    demo,
    shard,
    ...extras,
    ...sliceAndCalibration(flags),
  })
}

/** --slice-by, --slice-min-samples, --calibrate and --calibration-split, each checked against the others. */
function sliceAndCalibration(flags: EvalSpecFlags): Pick<EvalSpecInput, 'sliceBy' | 'sliceMinSamples' | 'calibrate'> {
  if (flags.calibrate !== undefined && flags['calibration-split'] === undefined)
    throw usageError('--calibrate temperature needs --calibration-split <split> (a split other than the one scored)')
  if (flags.calibrate === undefined && flags['calibration-split'] !== undefined)
    throw usageError('--calibration-split needs --calibrate temperature')
  if ((flags['slice-by']?.length ?? 0) > LIMITS.sliceAttributes)
    throw usageError(`--slice-by: at most ${LIMITS.sliceAttributes} attributes (got ${flags['slice-by']!.length})`)
  if (flags['slice-min-samples'] !== undefined && flags['slice-by'] === undefined)
    throw usageError('--slice-min-samples needs --slice-by <attribute>')
  return {
    sliceBy: flags['slice-by'],
    sliceMinSamples: flags['slice-min-samples'],
    calibrate:
      flags.calibrate !== undefined ? { method: 'temperature', split: flags['calibration-split']! } : undefined,
  }
}

/** --shard i/n, or --shard auto read from the engine's environment (`announce` says which). */
function shardFromFlags(text: string, shardCount: number | undefined, announce: (line: string) => void): Shard {
  if (text.trim() !== 'auto') {
    if (shardCount !== undefined) throw usageError('--shard-count goes with --shard auto')
    return parseShard(text)
  }
  const auto = shardFromEnvironment(process.env, shardCount)
  announce(`ferbench eval: shard ${auto.shard.index}/${auto.shard.count} from ${auto.source}`)
  return auto.shard
}

/** `--folds N` without `--fold`: every fold (the --model pattern may contain {fold}); refuses the flags an all-fold run cannot honour. */
export function allFoldSpecFromFlags(
  flags: EvalSpecFlags & { predictions?: string | undefined; 'embed-predictions'?: boolean | undefined },
): EvalSpec {
  if (flags.model === undefined || flags.data === undefined)
    throw usageError(`--folds without --fold evaluates every fold and needs --model and --data`)
  for (const flag of ['shard', 'predictions', 'slice-by', 'calibrate'] as const)
    if (flags[flag] !== undefined)
      throw usageError(`--${flag} is not available for an all-fold run (--folds without --fold)`)
  const embed = flags['embed-predictions'] !== false
  return evalSpecFromFlags('eval', flags, { predictions: embed, embedPredictions: embed })
}
