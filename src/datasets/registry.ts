import { usageError } from '../base/errors.js'
import { AffectnetAdapter, affectnetInfo } from './affectnet.js'
import { CkplusAdapter, ckplusInfo } from './ckplus.js'
import { Fer2013Adapter, fer2013Info } from './fer2013.js'
import { FerplusAdapter, ferplusInfo } from './ferplus.js'
import { FolderAdapter, folderInfo } from './folder.js'
import { withFolds } from './foldOptions.js'
import { JaffeAdapter, jaffeInfo } from './jaffe.js'
import { ManifestAdapter, manifestInfo } from './manifest.js'
import { RafdbAdapter, rafdbInfo } from './rafdb.js'
import type { DatasetAdapter, DatasetInfo, DatasetOptions } from './types.js'

export interface DatasetFactory {
  info: DatasetInfo
  create(options: DatasetOptions): DatasetAdapter
}

const FACTORIES: readonly DatasetFactory[] = [
  { info: fer2013Info, create: (o) => new Fer2013Adapter(o.data) },
  { info: ferplusInfo, create: (o) => new FerplusAdapter(o) },
  { info: ckplusInfo, create: (o) => new CkplusAdapter(o) },
  { info: jaffeInfo, create: (o) => new JaffeAdapter(o) },
  { info: rafdbInfo, create: (o) => new RafdbAdapter(o) },
  { info: affectnetInfo, create: (o) => new AffectnetAdapter(o) },
  { info: folderInfo, create: (o) => new FolderAdapter(o) },
  { info: manifestInfo, create: (o) => new ManifestAdapter(o) },
]

export function datasetNames(): string[] {
  return FACTORIES.map((f) => f.info.name)
}

export function datasetFactory(name: string): DatasetFactory {
  const factory = FACTORIES.find((f) => f.info.name === name)
  if (!factory) throw usageError(`--dataset ${name}: unknown dataset; known: ${datasetNames().join(', ')}`)
  return factory
}

export function createDataset(name: string, options: DatasetOptions): DatasetAdapter {
  const factory = datasetFactory(name)
  return withFolds(factory.create(options), factory.info, options)
}

/**
 * The adapter for these options and the split a run reads from it: the one given, else the
 * adapter's default (which may depend on the data, e.g. a folder's `test`). The one place a run's
 * split default is resolved (eval, the progress count, doctor).
 */
export function openDataset(name: string, options: DatasetOptions): { adapter: DatasetAdapter; split: string } {
  const adapter = createDataset(name, options)
  return { adapter, split: options.split ?? adapter.defaultSplit }
}
