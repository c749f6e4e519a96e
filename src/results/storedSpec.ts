import { z } from 'zod'
import { ttaKinds } from '../card/schema.js'
import { EXTRA_CLASS_POLICIES } from '../base/labelMapping.js'
import { DEVICES } from '../runners/types.js'
import { fixed, fixedFields } from './resumeMarks.js'

const count = z.number().int().nonnegative()

export const shardSchema = z.object({ index: z.number().int().positive(), count: z.number().int().positive() })

/** Adapter options beyond data/split (src/datasets/types.ts DatasetOptions). */
export const datasetOptionsSchema = z.object({
  labels: fixed(z.string().optional(), 'labels'),
  classMap: fixed(z.string().optional(), 'class-map'),
  ckplusNeutral: fixed(z.boolean().optional(), 'ckplus-neutral'),
  classes: fixed(z.union([z.literal(7), z.literal(8)]).optional(), 'classes'),
  folds: fixed(z.number().int().min(2).optional(), 'folds'),
  fold: fixed(z.number().int().positive().optional(), 'fold'),
  maxPixels: fixed(z.number().int().positive().optional(), 'max-pixels'),
  maxSide: fixed(z.number().int().positive().optional(), 'max-side'),
  maxAspect: fixed(z.number().positive().optional(), 'max-aspect'),
  ignoreExifOrientation: fixed(z.boolean().optional(), 'ignore-exif-orientation'),
  allowOutsideRoot: fixed(z.boolean().optional(), 'allow-outside-root'),
  faces: fixed(z.enum(['dataset', 'detect', 'none']).optional(), 'faces'),
  faceMargin: fixed(z.number().positive().optional(), 'face-margin'),
  faceIndex: fixed(z.number().int().nonnegative().optional(), 'face-index'),
  faceAlign: fixed(z.boolean().optional(), 'align'),
})

/**
 * The eval spec as a partial result stores it (`resume.options`): what `eval --resume` re-reads to
 * run the same evaluation (src/engine/spec.ts). Paths are stored resolved, the split resolved, and
 * `cwd` is the working directory of the interrupted run (older partial results held paths
 * relative to it). Open, so that a field added later is kept; --concurrency is not stored (a
 * resumed run takes it from its own command line).
 *
 * Each field is marked where it is declared (src/results/resumeMarks.ts): `fixed`, with the flags
 * that set it, which `--resume` refuses (a usage error, exit 2) because the partial result fixes
 * them. A field without flags is derived by the run: `cwd`, `demo` (neither --model nor --data),
 * `predictions` (--embed-predictions or --predictions), `predictionScores` (--predictions).
 */
export const storedSpecSchema = z.looseObject({
  cwd: fixed(z.string()),
  model: fixed(z.string(), 'model'),
  card: fixed(z.string().optional(), 'card'),
  preset: fixed(z.string().optional(), 'preset'),
  dataset: fixed(z.string(), 'dataset'),
  data: fixed(z.string(), 'data'),
  split: fixed(z.string(), 'split'),
  batch: fixed(z.number().int().positive(), 'batch'),
  threads: fixed(z.number().int().positive().optional(), 'threads'),
  device: fixed(z.enum(DEVICES), 'device'),
  runner: fixed(z.string().optional(), 'runner'),
  tta: fixed(z.enum(ttaKinds).optional(), 'tta'),
  /** Open, so that an adapter's new option is kept. */
  datasetOptions: fixedFields(datasetOptionsSchema.loose()).optional(),
  extraClasses: fixed(z.enum(EXTRA_CLASS_POLICIES), 'extra-classes'),
  /** Predictions kept during the run (embedded, or for a predictions CSV). */
  predictions: fixed(z.boolean()),
  /** Predictions kept in the final document (default; --no-embed-predictions omits them). */
  embedPredictions: fixed(z.boolean(), 'embed-predictions'),
  /** Top-3 scores kept for a --predictions CSV (absent in older partial results: false). */
  predictionScores: fixed(z.boolean().optional()),
  strict: fixed(z.boolean(), 'strict'),
  demo: fixed(z.boolean()),
  shard: fixed(shardSchema.optional(), 'shard', 'shard-count'),
  sliceBy: fixed(z.array(z.string()).optional(), 'slice-by'),
  sliceMinSamples: fixed(count.optional(), 'slice-min-samples'),
  calibrate: fixed(
    z.object({ method: z.literal('temperature'), split: z.string() }).optional(),
    'calibrate',
    'calibration-split',
  ),
})

export type StoredSpec = z.infer<typeof storedSpecSchema>
