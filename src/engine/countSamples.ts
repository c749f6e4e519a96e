import { openDataset } from '../datasets/registry.js'
import type { DatasetOptions } from '../datasets/types.js'
import { inShard, type Shard } from './shard.js'

export interface CountOptions {
  dataset: string
  datasetOptions: DatasetOptions
  /** 'all': every split of the dataset; default: the split in datasetOptions, else the adapter's default. */
  splits?: 'all'
  shard?: Shard
  /** Stops the count early (the run it was for has ended). */
  signal?: AbortSignal
}

/**
 * How many samples a run will see: one pass over the dataset's labels and file lists, with no image
 * decoded (its own adapter, so the run's warnings are untouched). Used for progress totals only.
 * Resolves to undefined when stopped or when the list cannot be read (the run reports that itself).
 */
export async function countSamples(options: CountOptions): Promise<number | undefined> {
  try {
    const { adapter, split } = await openDataset(options.dataset, options.datasetOptions)
    let n = 0
    const splits = options.splits === 'all' ? adapter.splits() : [split]
    for (const split of splits) {
      for await (const s of adapter.samples(split)) {
        if (options.signal?.aborted) return undefined
        if (!options.shard || inShard(s.id, options.shard)) n += 1
      }
    }
    return n
  } catch {
    return undefined
  }
}
