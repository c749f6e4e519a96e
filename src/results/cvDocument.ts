import { z } from 'zod'
import {
  classificationMetricsSchema,
  digestHex,
  evalDocumentSchema,
  labelOrderCheckSchema,
  machineSchema,
  sampleFailureSchema as failureSchema,
} from './evalDocument.js'
import { predictionsFieldSchema } from './predictions.js'
import { storedSpecSchema } from './storedSpec.js'

/** The cross-validation document written by `ferbench eval --folds N` without --fold (src/engine/crossValidate.ts). */
export const CV_SCHEMA = 'ferbench/cv@1'

const count = z.number().int().nonnegative()
const evalShape = evalDocumentSchema.shape

/**
 * Only in a partial all-fold result (complete:false): what `eval --resume` needs to continue. The
 * cv document schema keeps `resume` open; src/engine/cvResume.ts reads it field by field, each fold
 * by the eval schema, so that its messages name the fold.
 */
export const cvResumePointSchema = z.object({
  /** What stopped the run (`SIGINT`, `SIGTERM`). */
  signal: z.string(),
  /** The run's spec, as a partial eval result stores it (model: the --model pattern; paths resolved). */
  options: storedSpecSchema,
  /** Every fold finished before the stop, in fold order: the whole eval result of each. */
  folds: z.array(evalDocumentSchema),
  /** The fold in progress when the run stopped: its partial eval result, resumed where it stopped. */
  current: evalDocumentSchema.optional(),
})

/** One fold of the run: its model, test subjects, digests and metrics. */
const cvFoldSchema = z.object({
  fold: z.number().int().positive(),
  model: z.object({ path: z.string(), sha256: z.string() }),
  subjects: z.array(z.string()),
  samples: count,
  digest: z.string(),
  contentDigest: digestHex.optional(),
  idDigest: digestHex.optional(),
  metrics: evalShape.metrics,
  warnings: z.array(z.string()),
  failures: z.array(failureSchema),
})

/**
 * The cross-validation document ('ferbench/cv@1') as a zod schema, and its type inferred from it:
 * report, compare and gate parse cv files with it, and `npm run schemas` writes
 * schemas/cv.schema.json from it.
 */
export const cvDocumentSchema = z
  .object({
    schema: z.literal(CV_SCHEMA),
    complete: z.boolean(),
    createdAt: z.string(),
    tool: z.object({ name: z.literal('ferbench'), version: z.string() }),
    protocol: z.object({
      folds: z.number().int().positive(),
      rule: z.string(),
      split: z.string(),
      model: z.string(),
      sameModelEveryFold: z.boolean(),
      note: z.string(),
    }),
    dataset: z.object({
      name: z.string(),
      path: z.string(),
      split: z.string(),
      samples: count,
      /** The folds' digests added up (older cv documents lack these three). */
      digest: digestHex.optional(),
      contentDigest: digestHex.optional(),
      idDigest: digestHex.optional(),
      labels: z.array(z.string()),
    }),
    labelMapping: evalShape.labelMapping,
    runner: evalShape.runner,
    machine: machineSchema,
    versions: z.record(z.string(), z.string()),
    /** One entry per fold, in fold order. */
    folds: z.array(cvFoldSchema),
    /** Pooled over all folds (the confusion matrices summed), plus the mean and population std (ddof 0) of the per-fold accuracies. */
    metrics: classificationMetricsSchema.extend({ accuracyFoldMean: z.number(), accuracyFoldStd: z.number() }),
    /** One label-order check on the pooled confusion matrix; drivingFold = the fold its moves gain most on. Absent in older cv documents. */
    labelOrderCheck: labelOrderCheckSchema.extend({ drivingFold: z.number().int().positive().nullable() }).optional(),
    timing: z.object({ wallSeconds: z.number().nonnegative() }),
    warnings: z.array(z.string()),
    failures: z.array(failureSchema.extend({ fold: z.number().int().positive() })),
    /** Per-sample predictions of every fold, pooled in fold order (absent with --no-embed-predictions). */
    predictions: predictionsFieldSchema.optional(),
    /** Only in a partial result (an interrupted all-fold run): what `eval --resume` needs (src/engine/cvResume.ts checks it). */
    resume: z.looseObject({ signal: z.string() }).optional(),
  })
  .meta({
    title: 'ferbench cross-validation result',
    description: `schema ${CV_SCHEMA}: one model (or one per fold) tested on every subject-independent fold of a split`,
  })

export type CvResult = z.infer<typeof cvDocumentSchema>
export type CvResumePoint = z.infer<typeof cvResumePointSchema>
