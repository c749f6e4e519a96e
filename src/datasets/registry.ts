import { usageError } from '../core/errors.js'
import { Fer2013Adapter, fer2013Info } from './fer2013.js'
import type { DatasetAdapter, DatasetInfo, DatasetOptions } from './types.js'

export interface DatasetFactory {
  info: DatasetInfo
  create(options: DatasetOptions): DatasetAdapter
}

const FACTORIES: DatasetFactory[] = [
  { info: fer2013Info, create: (o) => new Fer2013Adapter(o.data) },
]

export function datasetNames(): string[] {
  return FACTORIES.map((f) => f.info.name)
}

export function datasetFactory(name: string): DatasetFactory {
  const factory = FACTORIES.find((f) => f.info.name === name)
  if (!factory) throw usageError(`--dataset ${name}: unknown dataset; known: ${datasetNames().join(', ')}`)
  return factory
}

/** Adds an adapter family (used by the adapters module that registers the other datasets). */
export function registerDataset(factory: DatasetFactory): void {
  const at = FACTORIES.findIndex((f) => f.info.name === factory.info.name)
  if (at >= 0) FACTORIES[at] = factory
  else FACTORIES.push(factory)
}

export function createDataset(name: string, options: DatasetOptions): DatasetAdapter {
  return datasetFactory(name).create(options)
}
