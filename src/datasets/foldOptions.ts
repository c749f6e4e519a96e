import { usageError } from '../base/errors.js'
import { FoldAdapter } from './folds.js'
import type { DatasetAdapter, DatasetInfo, DatasetOptions } from './types.js'

/** The number of folds for these options: --folds, else the dataset's default (CK+ 10, JAFFE 10). */
export function foldCount(info: DatasetInfo, options: Pick<DatasetOptions, 'folds' | 'fold'>): number | undefined {
  if (options.folds === undefined && options.fold === undefined) return undefined
  const folds = options.folds ?? info.defaultFolds
  if (folds === undefined)
    throw usageError(`--fold ${options.fold}: ${info.name} has no default number of folds; give --folds N`)
  return folds
}

/** Wraps the adapter in subject-independent folds when --folds or --fold is given. */
export function withFolds(adapter: DatasetAdapter, info: DatasetInfo, options: DatasetOptions): DatasetAdapter {
  const folds = foldCount(info, options)
  if (folds === undefined) return adapter
  if (!Number.isInteger(folds) || folds < 2) throw usageError(`--folds ${folds}: need an integer ≥ 2`)
  return new FoldAdapter(
    adapter,
    options.split ?? adapter.defaultSplit,
    folds,
    options.fold,
    options.folds === undefined,
  )
}
