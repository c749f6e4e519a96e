import type { DatasetOptions } from '../datasets/types.js'

/** The eval flags that reach the dataset adapter (beyond --data and --split). */
export interface DatasetFlagValues {
  labels?: string | undefined
  'class-map'?: string | undefined
  'ckplus-neutral'?: boolean | undefined
  classes?: '7' | '8' | undefined
  folds?: number | undefined
  fold?: number | undefined
  'max-pixels'?: number | undefined
  'allow-outside-root'?: boolean | undefined
}

/** The adapter options these flags give (absent ones left out). */
export function evalDatasetOptions(flags: DatasetFlagValues): Omit<DatasetOptions, 'data' | 'split'> {
  return {
    ...(flags.labels !== undefined ? { labels: flags.labels } : {}),
    ...(flags['class-map'] !== undefined ? { classMap: flags['class-map'] } : {}),
    ...(flags['ckplus-neutral'] ? { ckplusNeutral: true } : {}),
    ...(flags.classes !== undefined ? { classes: flags.classes === '7' ? 7 : 8 } : {}),
    ...(flags.folds !== undefined ? { folds: flags.folds } : {}),
    ...(flags.fold !== undefined ? { fold: flags.fold } : {}),
    ...(flags['max-pixels'] !== undefined ? { maxPixels: flags['max-pixels'] } : {}),
    ...(flags['allow-outside-root'] ? { allowOutsideRoot: true } : {}),
  }
}
