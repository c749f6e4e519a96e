import path from 'node:path'
import { createDataset, datasetFactory } from '../datasets/registry.js'
import type { DatasetInfo, DatasetOptions } from '../datasets/types.js'
import { byCodePoint } from '../base/naturalOrder.js'
import { FOLD_RULE, FoldAdapter } from '../datasets/folds.js'
import { ownValue } from '../base/textKeys.js'
import {
  DATASET_INSPECT_SCHEMA,
  type DatasetInspectResult,
  type DatasetInspectSplit,
} from '../results/datasetInspectDocument.js'

export interface InspectOptions extends Omit<DatasetOptions, 'fold'> {
  dataset: string
}

/** Canonical counts, adjusted where an option changes the protocol (CK+ with neutral: 981 + 327 first frames). */
function canonicalCounts(options: InspectOptions, info: DatasetInfo): Readonly<Record<string, number>> | undefined {
  const counts = info.canonicalCounts
  if (options.dataset === 'ckplus' && options.ckplusNeutral && counts?.all !== undefined)
    return { all: counts.all + 327 }
  return counts
}

/**
 * Counts samples, classes and subjects per split (or per fold with --folds) without decoding any
 * image, and compares the counts with the canonical ones of docs/datasets.md.
 */
export async function inspectDataset(options: InspectOptions): Promise<DatasetInspectResult> {
  const { dataset, ...datasetOptions } = options
  const adapter = await createDataset(dataset, datasetOptions)
  const names = options.folds !== undefined ? adapter.splits() : options.split ? [options.split] : adapter.splits()
  const labels = [...adapter.labels]
  const zero = (): Record<string, number> => Object.fromEntries(labels.map((l) => [l, 0]))
  const total = zero()
  const allSubjects = new Set<string>()
  const splits: DatasetInspectSplit[] = []
  const warnings: string[] = []
  const canonical =
    options.folds === undefined ? canonicalCounts(options, (await datasetFactory(options.dataset)).info) : undefined
  for (const name of names) {
    const classes = zero()
    const subjects = new Set<string>()
    let samples = 0
    for await (const s of adapter.samples(name)) {
      samples += 1
      classes[s.label] = (classes[s.label] ?? 0) + 1
      total[s.label] = (total[s.label] ?? 0) + 1
      if (s.subject !== undefined) {
        subjects.add(s.subject)
        allSubjects.add(s.subject)
      }
    }
    const expected = ownValue(canonical, name) // split names can be folder names
    if (expected !== undefined && expected !== samples) {
      warnings.push(
        `${dataset} ${name}: ${samples} samples, but the full dataset has ${expected} (docs/datasets.md): a partial copy, another release, or a reading problem`,
      )
    }
    splits.push({
      name,
      samples,
      classes,
      subjects: [...subjects].sort(byCodePoint),
      ...(expected !== undefined ? { canonicalSamples: expected } : {}),
    })
  }
  for (const w of adapter.warnings) if (!warnings.includes(w)) warnings.push(w)
  return {
    schema: DATASET_INSPECT_SCHEMA,
    dataset,
    path: path.resolve(options.data),
    labels,
    samples: splits.reduce((n, s) => n + s.samples, 0),
    classes: total,
    subjects: allSubjects.size,
    splits,
    ...(adapter instanceof FoldAdapter
      ? { folds: { folds: adapter.folds, split: adapter.baseSplit, rule: FOLD_RULE } }
      : {}),
    warnings,
  }
}
