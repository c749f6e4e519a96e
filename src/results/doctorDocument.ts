import { z } from 'zod'
import { EMOTIONS } from '../base/emotions.js'
import { statedCardSchema } from '../card/schema.js'
import { imagesSummarySchema, machineSchema } from './evalDocument.js'

export const DOCTOR_SCHEMA = 'ferbench/doctor@1'

/** The doctor document ('ferbench/doctor@1') as a zod schema, and its type inferred from it; schemas/doctor.schema.json is generated from it. */
const emotion = z.enum(EMOTIONS)
const fraction = z.number().min(0).max(1)
const interval = z.tuple([fraction, fraction])
const count = z.number().int().nonnegative()

const doctorCandidateSchema = z.object({
  /** Short name, e.g. `unit BGR NCHW bilinear`. */
  name: z.string(),
  /** 1: scale × channel order × layout; 2: resize kernel and crop around the best of stage 1. */
  stage: z.union([z.literal(1), z.literal(2)]),
  /** The candidate's card, with the declared labels and the output kind its scores show. */
  card: statedCardSchema,
  /** Accuracy under the declared label order. */
  accuracy: fraction,
  accuracyCI95: interval,
  bestAssignment: z.object({ labels: z.array(emotion), accuracy: fraction, accuracyCI95: interval }),
  /** Whether the outputs look like probabilities (every row in [0,1], summing to 1) or logits. */
  output: z.enum(['logits', 'probabilities']),
  /** Against the top candidate, both under their best assignment: McNemar's exact test; null for the top one. */
  vsBest: z.object({ b01: count, b10: count, pValue: fraction, identicalPredictions: z.boolean() }).nullable(),
  /** best; equivalent (identical predictions); tied (p ≥ alpha); worse. */
  verdict: z.enum(['best', 'equivalent', 'tied', 'worse']),
})

const doctorTieSchema = z.object({
  /** candidates: tied, differing predictions; equivalent: identical predictions; labels: label order of two outputs. */
  kind: z.enum(['candidates', 'equivalent', 'labels']),
  candidates: z.array(z.string()).optional(),
  labels: z.tuple([emotion, emotion]).optional(),
  /** Card fields in which the tied candidates differ. */
  fields: z.array(z.string()),
  /** Whether the tie keeps the doctor from recommending a card. */
  blocking: z.boolean(),
  /** Why, and what data would separate them. */
  detail: z.string(),
})

export const doctorDocumentSchema = z
  .object({
    schema: z.literal(DOCTOR_SCHEMA),
    createdAt: z.string(),
    tool: z.object({ name: z.literal('ferbench'), version: z.string() }),
    model: z.object({
      path: z.string(),
      sha256: z.string(),
      bytes: count,
      /** Dimensions of the model input; −1 where the model leaves one dynamic (a symbolic name). */
      input: z.object({ name: z.string(), shape: z.array(z.number().int()) }),
      outputs: z.number().int().positive(),
      /** shape: the graph states the output length (one inference agreed); probe: the graph leaves it dynamic and one inference measured it. */
      outputsFrom: z.enum(['shape', 'probe']).optional(),
    }),
    dataset: z.object({
      name: z.string(),
      path: z.string(),
      split: z.string(),
      labels: z.array(emotion),
      /** As eval's dataset.images: EXIF orientation applied or not, and counts. Absent in older documents. */
      images: imagesSummarySchema.optional(),
    }),
    /** Images sampled and decoded. */
    samples: count,
    sampling: z.object({
      seed: z.number().int(),
      requested: count,
      perClass: z.record(z.string(), count),
      available: z.record(z.string(), count),
      rule: z.string(),
      /** The splits the final sample was drawn from: the split asked for, plus the others when --other-splits let it grow. */
      splits: z.array(z.string()).optional(),
      /** Each sampling round: a tie that blocks the card grows the sample (all of the split, then other splits with --other-splits). */
      rounds: z
        .array(z.object({ samples: count, splits: z.array(z.string()), blocking: z.array(z.string()) }))
        .optional(),
    }),
    declared: z.object({ labels: z.array(emotion), source: z.string() }),
    /** The separation rule, in words. */
    rule: z.object({ test: z.string(), alpha: fraction }),
    candidates: z.array(doctorCandidateSchema),
    recommended: z
      .object({ name: z.string(), card: statedCardSchema, accuracy: fraction, accuracyCI95: interval })
      .nullable(),
    ties: z.array(doctorTieSchema),
    runner: z.object({ name: z.string(), backend: z.string(), device: z.string(), version: z.string() }),
    machine: machineSchema,
    timing: z.object({
      wallSeconds: z.number(),
      decodeSeconds: z.number(),
      preprocessSeconds: z.number(),
      inferSeconds: z.number(),
      rowsRun: count,
    }),
    warnings: z.array(z.string()),
  })
  .meta({
    title: 'ferbench models doctor result',
    description: `schema ${DOCTOR_SCHEMA}: which model card a model wants, tried on a sample of a labelled dataset`,
  })

export type DoctorResult = z.infer<typeof doctorDocumentSchema>
/** A card the doctor writes (src/card/schema.ts statedCardSchema): a card file stating resize, tta and output, with `origin` saying which values it inferred and on what evidence. */
export type DoctorCard = z.infer<typeof statedCardSchema>
export type DoctorCandidate = z.infer<typeof doctorCandidateSchema>
export type DoctorTie = z.infer<typeof doctorTieSchema>
