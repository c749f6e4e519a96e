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
import { evalDocumentSchema, facesSchema, imagesSummarySchema, machineSchema } from './evalDocument.js'
import { fixed } from './resumeMarks.js'

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
 * ImageNet-C's corruption errors against a reference model's robust result on the same samples
 * (`robust --reference`; src/robust/imagenetC.ts): per corruption CE and relative CE, and their means.
 */
const referenceErrorsSchema = z.object({
  file: z.string().meta({ description: 'the reference ferbench/robust@1 document, as given' }),
  model: z.object({ path: z.string(), sha256: z.string() }),
  cleanAccuracy: fraction,
  corruptions: z.array(
    z.object({
      corruption: z.enum(CORRUPTIONS),
      corruptionError: z.number().nonnegative().nullable().meta({
        description: 'CE_c = Σ_s E_{s,c} / Σ_s E^ref_{s,c} (E = 1 − accuracy); null when the reference made no error',
      }),
      relativeCorruptionError: z.number().nullable().meta({
        description: 'Σ_s (E_{s,c} − E_clean) / Σ_s (E^ref_{s,c} − E^ref_clean); null when the denominator is ≤ 0',
      }),
    }),
  ),
  meanCorruptionError: z.number().nonnegative().nullable().meta({ description: 'mCE: mean of the defined CE_c' }),
  relativeMeanCorruptionError: z
    .number()
    .nullable()
    .meta({ description: 'relative mCE: mean of the defined relative CE_c' }),
  undefinedBecause: z.array(z.string()),
})
export type ReferenceErrors = z.infer<typeof referenceErrorsSchema>

/**
 * What robust runs beyond its clean pass's spec (the stored spec, src/results/storedSpec.ts), as
 * its document stores them; each field marked, as the stored spec's are, with the flags that set
 * it: `robust --resume` takes them from the partial result and refuses those flags.
 */
export const robustConditionsSchema = z.object({
  seed: fixed(z.number().int(), 'seed'),
  corruptions: fixed(z.array(z.enum(CORRUPTIONS)), 'corruptions'),
  severities: fixed(z.array(z.number().int().min(1).max(5)), 'severities'),
})

/**
 * `ferbench robust` (src/robust/robust.ts): accuracy on the clean split and under each seeded
 * corruption × severity. meanCorruptionAccuracy (mCA) = mean accuracy over every (corruption,
 * severity) result; relativeRobustness = mCA / clean accuracy (0 when clean accuracy is 0): the
 * share of the clean accuracy kept, not ImageNet-C's relative mCE. `referenceErrors` (only with
 * `robust --reference`) holds ImageNet-C's mCE and relative mCE against a reference model.
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
      /** As the clean pass's eval dataset.faces (--faces): how faces were found, and how often. */
      faces: facesSchema.optional(),
      shard: z
        .object({ index: z.number().int().positive(), count: z.number().int().positive(), hash: z.string() })
        .optional(),
    }),
    runner: z.object({
      name: z.string(),
      backend: z.string(),
      device: z.string(),
      version: z.string(),
      /** Worker threads that ran the model side by side (tfjs on the CPU, --workers); absent: one engine. */
      workers: z.number().int().positive().optional(),
    }),
    machine: machineSchema,
    versions: z.record(z.string(), z.string()),
    ...robustConditionsSchema.shape,
    clean: outcome,
    results: z.array(outcome.extend({ corruption: z.enum(CORRUPTIONS), severity: z.number().int().min(1).max(5) })),
    meanCorruptionAccuracy: fraction,
    relativeRobustness: z.number().nonnegative(),
    referenceErrors: referenceErrorsSchema.optional(),
    timing: z.object({ wallSeconds: z.number().nonnegative() }),
    warnings: z.array(z.string()),
    /** false for a partial result (an interrupted run): outcomes cover `dataset.samples` samples so far; absent when complete. */
    complete: z.literal(false).optional(),
    /** What `ferbench robust --resume` continues from (partial results only). */
    resume: z
      .object({
        /** The clean pass as a partial ferbench/eval@1 result (its resume part: settled samples, stored spec). */
        clean: z.record(z.string(), z.unknown()),
        /** Per (corruption, severity) result, in `results` order: the digest of the samples it scored. */
        digests: z.array(z.string().regex(/^[0-9a-f]{64}$/)),
      })
      .optional(),
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
