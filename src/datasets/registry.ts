import { usageError } from '../base/errors.js'
import { withFolds } from './foldOptions.js'
import type { DatasetAdapter, DatasetInfo, DatasetOptions } from './types.js'

export interface DatasetFactory {
  info: DatasetInfo
  create(options: DatasetOptions): DatasetAdapter
}

/**
 * Each adapter's module is imported when a run asks for that dataset, so an eval of fer2013.csv
 * loads neither the image-folder adapters nor their decoders (tests/cli/startup.test.ts).
 */
const LOADERS: ReadonlyArray<readonly [string, () => Promise<DatasetFactory>]> = [
  [
    'fer2013',
    async () => {
      const m = await import('./fer2013.js')
      return { info: m.fer2013Info, create: (o) => new m.Fer2013Adapter(o.data) }
    },
  ],
  [
    'ferplus',
    async () => {
      const m = await import('./ferplus.js')
      return { info: m.ferplusInfo, create: (o) => new m.FerplusAdapter(o) }
    },
  ],
  [
    'ckplus',
    async () => {
      const m = await import('./ckplus.js')
      return { info: m.ckplusInfo, create: (o) => new m.CkplusAdapter(o) }
    },
  ],
  [
    'jaffe',
    async () => {
      const m = await import('./jaffe.js')
      return { info: m.jaffeInfo, create: (o) => new m.JaffeAdapter(o) }
    },
  ],
  [
    'rafdb',
    async () => {
      const m = await import('./rafdb.js')
      return { info: m.rafdbInfo, create: (o) => new m.RafdbAdapter(o) }
    },
  ],
  [
    'affectnet',
    async () => {
      const m = await import('./affectnet.js')
      return { info: m.affectnetInfo, create: (o) => new m.AffectnetAdapter(o) }
    },
  ],
  [
    'folder',
    async () => {
      const m = await import('./folder.js')
      return { info: m.folderInfo, create: (o) => new m.FolderAdapter(o) }
    },
  ],
  [
    'manifest',
    async () => {
      const m = await import('./manifest.js')
      return { info: m.manifestInfo, create: (o) => new m.ManifestAdapter(o) }
    },
  ],
]

export function datasetNames(): string[] {
  return LOADERS.map(([name]) => name)
}

export async function datasetFactory(name: string): Promise<DatasetFactory> {
  const loader = LOADERS.find(([n]) => n === name)?.[1]
  if (!loader) throw usageError(`--dataset ${name}: unknown dataset; known: ${datasetNames().join(', ')}`)
  return loader()
}

export async function createDataset(name: string, options: DatasetOptions): Promise<DatasetAdapter> {
  const factory = await datasetFactory(name)
  return withFolds(factory.create(options), factory.info, options)
}

/**
 * The adapter for these options and the split a run reads from it: the one given, else the
 * adapter's default (which may depend on the data, e.g. a folder's `test`). The one place a run's
 * split default is resolved (eval, the progress count, doctor).
 */
export async function openDataset(
  name: string,
  options: DatasetOptions,
): Promise<{ adapter: DatasetAdapter; split: string }> {
  const adapter = await createDataset(name, options)
  return { adapter, split: options.split ?? adapter.defaultSplit }
}
