import { z } from 'zod'
import { EMOTIONS } from '../labels/emotions.js'
import { statedCardSchema } from '../card/schema.js'
import { DOCTOR_SCHEMA } from './doctorResult.js'
import { machineSchema } from './evalDocument.js'

/** The doctor document ('ferbench/doctor@1', src/documents/doctorResult.ts) as a zod schema; schemas/doctor.schema.json is generated from it. */
const emotion = z.enum(EMOTIONS)
const fraction = z.number().min(0).max(1)
const interval = z.tuple([fraction, fraction])
const count = z.number().int().nonnegative()

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
    }),
    dataset: z.object({ name: z.string(), path: z.string(), split: z.string(), labels: z.array(emotion) }),
    samples: count,
    sampling: z.object({ seed: z.number().int(), requested: count, perClass: z.record(z.string(), count), available: z.record(z.string(), count), rule: z.string() }),
    declared: z.object({ labels: z.array(emotion), source: z.string() }),
    rule: z.object({ test: z.string(), alpha: fraction }),
    candidates: z.array(
      z.object({
        name: z.string(),
        stage: z.union([z.literal(1), z.literal(2)]),
        card: statedCardSchema,
        accuracy: fraction,
        accuracyCI95: interval,
        bestAssignment: z.object({ labels: z.array(emotion), accuracy: fraction, accuracyCI95: interval }),
        output: z.enum(['logits', 'probabilities']),
        vsBest: z.object({ b01: count, b10: count, pValue: fraction, identicalPredictions: z.boolean() }).nullable(),
        verdict: z.enum(['best', 'equivalent', 'tied', 'worse']),
      }),
    ),
    recommended: z.object({ name: z.string(), card: statedCardSchema, accuracy: fraction, accuracyCI95: interval }).nullable(),
    ties: z.array(
      z.object({
        kind: z.enum(['candidates', 'equivalent', 'labels']),
        candidates: z.array(z.string()).optional(),
        labels: z.tuple([emotion, emotion]).optional(),
        fields: z.array(z.string()),
        blocking: z.boolean(),
        detail: z.string(),
      }),
    ),
    runner: z.object({ name: z.string(), backend: z.string(), device: z.string(), version: z.string() }),
    machine: machineSchema,
    timing: z.object({ wallSeconds: z.number(), decodeSeconds: z.number(), preprocessSeconds: z.number(), inferSeconds: z.number(), rowsRun: count }),
    warnings: z.array(z.string()),
  })
  .meta({ title: 'ferbench models doctor result', description: `schema ${DOCTOR_SCHEMA}: which model card a model wants, tried on a sample of a labelled dataset` })

export type DoctorDocument = z.infer<typeof doctorDocumentSchema>
