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
  'max-side'?: number | undefined
  'max-aspect'?: number | undefined
  'ignore-exif-orientation'?: boolean | undefined
  'allow-outside-root'?: boolean | undefined
  faces?: 'dataset' | 'detect' | 'none' | undefined
  'face-margin'?: number | undefined
  'face-index'?: number | undefined
  align?: boolean | undefined
}

/** The adapter options these flags give (an absent flag is undefined, an unset switch too). */
export function evalDatasetOptions(flags: DatasetFlagValues): Omit<DatasetOptions, 'data' | 'split'> {
  return {
    labels: flags.labels,
    classMap: flags['class-map'],
    ckplusNeutral: flags['ckplus-neutral'] || undefined,
    classes: flags.classes === undefined ? undefined : flags.classes === '7' ? 7 : 8,
    folds: flags.folds,
    fold: flags.fold,
    maxPixels: flags['max-pixels'],
    maxSide: flags['max-side'],
    maxAspect: flags['max-aspect'],
    ignoreExifOrientation: flags['ignore-exif-orientation'] || undefined,
    allowOutsideRoot: flags['allow-outside-root'] || undefined,
    faces: flags.faces,
    faceMargin: flags['face-margin'],
    faceIndex: flags['face-index'],
    faceAlign: flags.align || undefined,
  }
}
