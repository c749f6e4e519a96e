import { z } from 'zod'
import { ttaKinds } from '../card/schema.js'
import { EXTRA_CLASS_POLICIES } from '../base/labelMapping.js'
import { DEVICES } from '../runners/types.js'

const count = z.number().int().nonnegative()

export const shardSchema = z.object({ index: z.number().int().positive(), count: z.number().int().positive() })

/** Adapter options beyond data/split (src/datasets/types.ts DatasetOptions). */
export const datasetOptionsSchema = z.object({
  labels: z.string().optional(),
  classMap: z.string().optional(),
  ckplusNeutral: z.boolean().optional(),
  classes: z.union([z.literal(7), z.literal(8)]).optional(),
  folds: z.number().int().min(2).optional(),
  fold: z.number().int().positive().optional(),
  maxPixels: z.number().int().positive().optional(),
  maxSide: z.number().int().positive().optional(),
  maxAspect: z.number().positive().optional(),
  ignoreExifOrientation: z.boolean().optional(),
  allowOutsideRoot: z.boolean().optional(),
  faces: z.enum(['dataset', 'detect', 'none']).optional(),
  faceMargin: z.number().positive().optional(),
  faceIndex: z.number().int().nonnegative().optional(),
  faceAlign: z.boolean().optional(),
})

/**
 * The eval spec as a partial result stores it (`resume.options`): what `eval --resume` re-reads to
 * run the same evaluation (src/engine/spec.ts). Paths are stored resolved, the split resolved, and
 * `cwd` is the working directory of the interrupted run (older partial results held paths
 * relative to it). Open, so that a field added later is kept; --concurrency is not stored (a
 * resumed run takes it from its own command line).
 */
export const storedSpecSchema = z.looseObject({
  cwd: z.string(),
  model: z.string(),
  card: z.string().optional(),
  preset: z.string().optional(),
  dataset: z.string(),
  data: z.string(),
  split: z.string(),
  batch: z.number().int().positive(),
  threads: z.number().int().positive().optional(),
  device: z.enum(DEVICES),
  runner: z.string().optional(),
  tta: z.enum(ttaKinds).optional(),
  /** Open, so that an adapter's new option is kept. */
  datasetOptions: datasetOptionsSchema.loose().optional(),
  extraClasses: z.enum(EXTRA_CLASS_POLICIES),
  /** Predictions kept during the run (embedded, or for a predictions CSV). */
  predictions: z.boolean(),
  /** Predictions kept in the final document (default; --no-embed-predictions omits them). */
  embedPredictions: z.boolean(),
  /** Top-3 scores kept for a --predictions CSV (absent in older partial results: false). */
  predictionScores: z.boolean().optional(),
  strict: z.boolean(),
  demo: z.boolean(),
  shard: shardSchema.optional(),
  sliceBy: z.array(z.string()).optional(),
  sliceMinSamples: count.optional(),
  calibrate: z.object({ method: z.literal('temperature'), split: z.string() }).optional(),
})

export type StoredSpec = z.infer<typeof storedSpecSchema>
