import { z } from 'zod'
import { imagesSummarySchema, sampleFailureSchema } from './evalDocument.js'

/**
 * The dataset audit (`ferbench datasets audit --json`, src/audit/auditDataset.ts) as a zod schema,
 * and its type inferred from it: exact and near duplicates, within and across splits, and one
 * picture under two subject ids.
 */
export const AUDIT_SCHEMA = 'ferbench/dataset-audit@1'

const count = z.number().int().nonnegative()

const auditItemSchema = z.object({
  split: z.string(),
  id: z.string(),
  /** Datasets with subjects (CK+, JAFFE, manifests with a subject column). */
  subject: z.string().optional(),
  /** The subject's fold under the documented fold rule (datasets with folds). */
  fold: z.number().int().positive().optional(),
})

/**
 * What was done to the newer image of a near pair, the strongest that applies in this order (src/audit/alignPair.ts,
 * docs/detectors.md): 'mirror' (left-right mirrored), 'scale' (zoomed or cropped and resized, ≥ 3 %), 'shift'
 * (moved by ≥ 0.75 px of a 48 px face), 'photometric' (brightness, contrast or gamma: the fitted tone curve is ≥ 4
 * gray levels from the identity), 'jpeg/blur' (none of these: re-encoded, softened or otherwise re-saved).
 */
export const TRANSFORMATION_CLASSES = ['mirror', 'scale', 'shift', 'photometric', 'jpeg/blur'] as const

const nearDuplicatePairSchema = z.object({
  crossSplit: z.boolean(),
  /** 'near': the same picture re-saved (re-encoded, brighter, shifted, rescaled); 'mirrored': a left-right mirrored copy. */
  kind: z.enum(['near', 'mirrored']),
  /** dHash Hamming distance of the view that matched. */
  distance: count,
  /** Correlation that confirmed the pair (after aligning b to a and mapping b's tone onto a's). */
  similarity: z.number(),
  /** The transformation class b matched a through (documents written before this field have none). */
  transformation: z.enum(TRANSFORMATION_CLASSES).optional(),
  /** How b lies on a: b's content is shifted by (dxPx, dyPx) pixels of a and zoomed by `scale`; mirrored: b is a's mirror image. */
  alignment: z.object({ dxPx: z.number(), dyPx: z.number(), scale: z.number(), mirrored: z.boolean() }).optional(),
  /** Mean absolute change of the tone curve that maps b's gray levels onto a's (8-bit levels). */
  toneChangeLevels: z.number().optional(),
  a: auditItemSchema,
  b: auditItemSchema,
})

/** One picture found under two subject ids (exact or near copy): the same person then sits in two folds when the folds differ. */
const subjectConflictSchema = z.object({
  kind: z.enum(['exact', 'near', 'mirrored']),
  items: z.array(auditItemSchema),
  subjects: z.array(z.string()),
  /** The items span more than one fold: subject-independent folds are not. */
  crossFold: z.boolean(),
})

export const auditDocumentSchema = z.object({
  schema: z.literal(AUDIT_SCHEMA),
  dataset: z.string(),
  path: z.string(),
  splits: z.array(z.string()),
  samples: count,
  method: z.object({
    exact: z.string(),
    near: z.string(),
    nearMaxDistance: count,
    nearMinSimilarity: z.number(),
    nearCandidates: count,
    /** Candidates that passed the cheap thumbnail filter and were aligned (documents before this field have none). */
    nearAligned: count.optional(),
    /** Per transformation class: confirmed near pairs. */
    nearPairsByTransformation: z.record(z.enum(TRANSFORMATION_CLASSES), count).optional(),
    folds: z.object({ folds: z.number().int().positive(), rule: z.string() }).optional(),
  }),
  /** Groups of samples with identical decoded pixels (crossSplit: the group spans more than one split), items in natural id order. */
  exactDuplicates: z.array(z.object({ crossSplit: z.boolean(), items: z.array(auditItemSchema) })),
  /** Confirmed pairs of re-saved or mirrored copies (different pixels), most similar first. */
  nearDuplicates: z.array(nearDuplicatePairSchema),
  crossSplitExact: count,
  crossSplitNear: count,
  /** Per pair of splits (the same split twice: within it): exact groups, near and mirrored pairs. */
  splitPairs: z.array(
    z.object({ splits: z.tuple([z.string(), z.string()]), exactGroups: count, nearPairs: count, mirroredPairs: count }),
  ),
  /** Datasets with subjects: one picture under two subject ids. */
  subjectConflicts: z.array(subjectConflictSchema),
  /** Present when images were decoded from files: EXIF orientation applied or not, and counts (as eval's dataset.images). */
  images: imagesSummarySchema.optional(),
  warnings: z.array(z.string()),
  failures: z.array(sampleFailureSchema.extend({ split: z.string() })),
})

export type AuditResult = z.infer<typeof auditDocumentSchema>
export type AuditItem = z.infer<typeof auditItemSchema>
export type NearDuplicatePair = z.infer<typeof nearDuplicatePairSchema>
export type SubjectConflict = z.infer<typeof subjectConflictSchema>
