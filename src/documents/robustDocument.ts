import { z } from 'zod'

/** The corruptions `robust` applies (src/robust/corruptions.ts), by name, and their severities. */
export const CORRUPTIONS = [
  'gaussian-noise',
  'gaussian-blur',
  'motion-blur',
  'jpeg',
  'low-resolution',
  'brightness',
  'contrast',
  'rotation',
  'occlusion-eyes',
  'occlusion-mouth',
] as const
export type Corruption = (typeof CORRUPTIONS)[number]
export const SEVERITIES = [1, 2, 3, 4, 5] as const
import { evalDocumentSchema, imagesSummarySchema, machineSchema } from './evalDocument.js'

export const ROBUST_SCHEMA = 'ferbench/robust@1'

const count = z.number().int().nonnegative()
const fraction = z.number().min(0).max(1)

const outcome = z.object({
  accuracy: fraction,
  accuracyCI95: z.tuple([fraction, fraction]),
  samples: count,
  correct: count,
  failures: count,
})

/**
 * `ferbench robust` (src/robust/robust.ts): accuracy on the clean split and under each seeded
 * corruption × severity. meanCorruptionAccuracy = mean accuracy over every (corruption, severity)
 * result; relativeRobustness = meanCorruptionAccuracy / clean accuracy (0 when clean accuracy is 0).
 */
export const robustDocumentSchema = z
  .object({
    schema: z.literal(ROBUST_SCHEMA),
    createdAt: z.string(),
    tool: z.object({ name: z.literal('ferbench'), version: z.string() }),
    model: evalDocumentSchema.shape.model,
    dataset: z.object({
      name: z.string(),
      path: z.string(),
      split: z.string(),
      samples: count,
      digest: z.string(),
      /** As the clean pass's eval dataset.images: what the decoder did to the images. Absent in older documents. */
      images: imagesSummarySchema.optional(),
      shard: z
        .object({ index: z.number().int().positive(), count: z.number().int().positive(), hash: z.string() })
        .optional(),
    }),
    runner: z.object({ name: z.string(), backend: z.string(), device: z.string(), version: z.string() }),
    machine: machineSchema,
    versions: z.record(z.string(), z.string()),
    seed: z.number().int(),
    corruptions: z.array(z.enum(CORRUPTIONS)),
    severities: z.array(z.number().int().min(1).max(5)),
    clean: outcome,
    results: z.array(outcome.extend({ corruption: z.enum(CORRUPTIONS), severity: z.number().int().min(1).max(5) })),
    meanCorruptionAccuracy: fraction,
    relativeRobustness: z.number().nonnegative(),
    timing: z.object({ wallSeconds: z.number().nonnegative() }),
    warnings: z.array(z.string()),
    merged: z
      .object({
        shards: z.array(
          z.object({ index: z.number().int(), count: z.number().int(), file: z.string(), samples: count }),
        ),
      })
      .optional(),
  })
  .meta({
    title: 'ferbench robust result',
    description: `schema ${ROBUST_SCHEMA}: accuracy under seeded image corruptions at severities 1–5`,
  })

export type RobustResult = z.infer<typeof robustDocumentSchema>
export type RobustOutcome = z.infer<typeof outcome>
