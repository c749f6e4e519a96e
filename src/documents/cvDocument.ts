import { z } from 'zod'
import { CV_SCHEMA } from './cvResult.js'
import { classificationMetricsSchema, digestHex, labelOrderCheckSchema, evalDocumentSchema, machineSchema, predictionsFieldSchema } from './evalDocument.js'

const count = z.number().int().nonnegative()
const failureSchema = z.object({ id: z.string(), source: z.string(), error: z.string() })
const evalShape = evalDocumentSchema.shape

/**
 * The cross-validation document ('ferbench/cv@1', written by `ferbench eval --folds N` without
 * --fold; type in src/documents/cvResult.ts) as a zod schema: report, compare and gate parse cv files
 * with it, and `npm run schemas` writes schemas/cv.schema.json from it.
 */
export const cvDocumentSchema = z
  .object({
    schema: z.literal(CV_SCHEMA),
    complete: z.boolean(),
    createdAt: z.string(),
    tool: z.object({ name: z.literal('ferbench'), version: z.string() }),
    protocol: z.object({ folds: z.number().int().positive(), rule: z.string(), split: z.string(), model: z.string(), sameModelEveryFold: z.boolean(), note: z.string() }),
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
    folds: z.array(
      z.object({
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
      }),
    ),
    metrics: classificationMetricsSchema.extend({ accuracyFoldMean: z.number(), accuracyFoldStd: z.number() }),
    /** One label-order check on the pooled confusion matrix; drivingFold = the fold its moves gain most on. Absent in older cv documents. */
    labelOrderCheck: labelOrderCheckSchema.extend({ drivingFold: z.number().int().positive().nullable() }).optional(),
    timing: z.object({ wallSeconds: z.number().nonnegative() }),
    warnings: z.array(z.string()),
    failures: z.array(failureSchema.extend({ fold: z.number().int().positive() })),
    /** Per-sample predictions of every fold, pooled in fold order (absent with --no-embed-predictions). */
    predictions: predictionsFieldSchema.optional(),
    /** Only in a partial result (an interrupted all-fold run): what `eval --resume` needs (src/eval/cvResume.ts checks it). */
    resume: z.looseObject({ signal: z.string() }).optional(),
  })
  .meta({ title: 'ferbench cross-validation result', description: `schema ${CV_SCHEMA}: one model (or one per fold) tested on every subject-independent fold of a split` })

export type CvDocument = z.infer<typeof cvDocumentSchema>
