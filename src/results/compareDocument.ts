import { z } from 'zod'

export const COMPARE_SCHEMA = 'ferbench/compare@1'

const side = z.object({
  file: z.string(),
  /** eval, or cv (a cross-validation document: its pooled metrics are compared). */
  kind: z.enum(['eval', 'cv']).optional(),
  model: z.object({ path: z.string(), sha256: z.string() }),
  createdAt: z.string(),
})

/** a = the first document, b = the second; delta = b − a (fractions, as in the eval document). */
const delta = z.object({ a: z.number().nullable(), b: z.number().nullable(), delta: z.number().nullable() })

export const compareDocumentSchema = z
  .object({
    schema: z.literal(COMPARE_SCHEMA),
    a: side,
    b: side,
    dataset: z.object({
      name: z.string(),
      split: z.string(),
      samples: z.number().int().nonnegative(),
      digest: z.string().optional(),
      contentDigest: z.string().optional(),
    }),
    metrics: z.record(z.string(), delta),
    perClassRecall: z.record(z.string(), delta),
    /** Per attribute both results are sliced by (eval --slice-by): group accuracy deltas and the delta of the largest ranked gap. */
    slices: z.record(z.string(), z.object({ groups: z.record(z.string(), delta), maxGap: delta })).optional(),
    /** McNemar's exact test on the paired samples: b01 = a wrong & b right, b10 = a right & b wrong; pairedBy: pixel content (and label), or sample id (older documents). */
    mcnemar: z
      .object({
        b01: z.number().int(),
        b10: z.number().int(),
        pValue: z.number(),
        pairs: z.number().int(),
        pairedBy: z.enum(['content', 'id']).optional(),
      })
      .optional(),
    notes: z.array(z.string()),
  })
  .meta({
    title: 'ferbench compare result',
    description: `schema ${COMPARE_SCHEMA}: metric deltas between two eval (or cross-validation) documents on the same test set`,
  })

export type CompareResult = z.infer<typeof compareDocumentSchema>
export type MetricDelta = z.infer<typeof delta>
