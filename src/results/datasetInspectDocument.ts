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
  /** `--faces detect`: the detector's rate over the inspected splits, per class, the images without a face, the contact sheet. */
  faces: z
    .object({
      detector: z.string(),
      sha256: z.string(),
      thresholds: z.object({ minScore: z.number(), nmsIou: z.number() }),
      crop: z.object({
        shape: z.literal('square'),
        margin: z.number(),
        align: z.boolean(),
        faceIndex: z.number().int(),
      }),
      samples: count,
      detected: count,
      detectionRate: z.number(),
      multipleFaces: count,
      perClass: z.array(z.object({ label: z.string(), samples: count, detected: count, detectionRate: z.number() })),
      missed: z.array(z.object({ id: z.string(), source: z.string(), error: z.string() })),
      contactSheet: z.object({ path: z.string(), crops: count, missed: count }).optional(),
    })
    .optional(),
  warnings: z.array(z.string()),
})

export type DatasetInspectResult = z.infer<typeof datasetInspectDocumentSchema>
export type DatasetInspectSplit = z.infer<typeof datasetInspectSplitSchema>
