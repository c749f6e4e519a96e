import type { EvalOptions } from '../eval/evaluate.js'
import type { DatasetOptions } from '../datasets/types.js'

/** The eval flags that reach the dataset adapter (beyond --data and --split). */
export interface DatasetFlagValues {
  labels?: string | undefined
  'class-map'?: string | undefined
  'ckplus-neutral'?: boolean | undefined
  classes?: string | undefined
  folds?: number | undefined
  fold?: number | undefined
  'max-pixels'?: number | undefined
  'allow-outside-root'?: boolean | undefined
}

/** The flags an all-fold run reads. */
export interface CvFlags extends DatasetFlagValues {
  model?: string | undefined
  dataset: string
  data?: string | undefined
  split?: string | undefined
  card?: string | undefined
  preset?: string | undefined
  batch: number
  threads?: number | undefined
  device: string
  runner?: string | undefined
  tta?: string | undefined
  'extra-classes': string
  strict: boolean
  concurrency: number
  output?: string | undefined
  shard?: string | undefined
  predictions?: string | undefined
  report?: string[] | undefined
  format?: string | undefined
  'embed-predictions'?: boolean | undefined
  'slice-by'?: string[] | undefined
  calibrate?: string | undefined
}

export function evalDatasetOptions(flags: DatasetFlagValues): Omit<DatasetOptions, 'data' | 'split'> {
  return {
    ...(flags.labels !== undefined ? { labels: flags.labels } : {}),
    ...(flags['class-map'] !== undefined ? { classMap: flags['class-map'] } : {}),
    ...(flags['ckplus-neutral'] ? { ckplusNeutral: true } : {}),
    ...(flags.classes !== undefined ? { classes: Number(flags.classes) as 7 | 8 } : {}),
    ...(flags.folds !== undefined ? { folds: flags.folds } : {}),
    ...(flags.fold !== undefined ? { fold: flags.fold } : {}),
    ...(flags['max-pixels'] !== undefined ? { maxPixels: flags['max-pixels'] } : {}),
    ...(flags['allow-outside-root'] ? { allowOutsideRoot: true } : {}),
  }
}

/** The run settings every evaluation shares (single split, one fold, or all folds), from the eval flags. */
export function runSettingsFromFlags(
  flags: CvFlags,
): Pick<EvalOptions, 'card' | 'preset' | 'batch' | 'threads' | 'device' | 'runner' | 'tta' | 'extraClasses' | 'strict' | 'concurrency'> {
  return {
    ...(flags.card ? { card: flags.card } : {}),
    ...(flags.preset ? { preset: flags.preset } : {}),
    batch: flags.batch,
    ...(flags.threads !== undefined ? { threads: flags.threads } : {}),
    device: flags.device as 'cpu' | 'gpu',
    ...(flags.runner ? { runner: flags.runner } : {}),
    ...(flags.tta ? { tta: flags.tta as 'none' | 'flip' | 'tencrop' } : {}),
    extraClasses: flags['extra-classes'] as 'drop' | 'keep',
    strict: flags.strict,
    concurrency: flags.concurrency,
  }
}
