import { z } from 'zod'

/**
 * What `ferbench datasets inspect --json` prints (src/audit/inspectDataset.ts) as a zod schema, and
 * its type inferred from it: samples, classes and subjects per split (or per fold), with the
 * canonical counts of docs/datasets.md.
 */
export const DATASET_INSPECT_SCHEMA = 'ferbench/dataset-inspect@1'

const count = z.number().int().nonnegative()

const datasetInspectSplitSchema = z.object({
  name: z.string(),
  samples: count,
  /** Samples per class, canonical names, in the dataset's native label order. */
  classes: z.record(z.string(), count),
  /** Subject ids in this split (sorted); empty when the dataset has no subjects. */
  subjects: z.array(z.string()),
  /** The canonical count (docs/datasets.md) for this split, where one exists. */
  canonicalSamples: count.optional(),
})

export const datasetInspectDocumentSchema = z.object({
  schema: z.literal(DATASET_INSPECT_SCHEMA),
  dataset: z.string(),
  path: z.string(),
  labels: z.array(z.string()),
  samples: count,
  classes: z.record(z.string(), count),
  /** Distinct subjects over the inspected splits. */
  subjects: count,
  splits: z.array(datasetInspectSplitSchema),
  folds: z.object({ folds: z.number().int().positive(), split: z.string(), rule: z.string() }).optional(),
  warnings: z.array(z.string()),
})

export type DatasetInspectResult = z.infer<typeof datasetInspectDocumentSchema>
export type DatasetInspectSplit = z.infer<typeof datasetInspectSplitSchema>
