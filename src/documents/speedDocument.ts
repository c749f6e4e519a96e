import { z } from 'zod'
import { SPEED_SCHEMA } from './speedResult.js'
import { modelCardSchema } from '../card/schema.js'
import { machineSchema } from './evalDocument.js'

export { SPEED_SCHEMA }

/**
 * The speed document ('ferbench/speed@1', src/documents/speedResult.ts, written by `ferbench speed`)
 * as a zod schema: `gate` parses speed files with it and `npm run schemas` writes
 * schemas/speed.schema.json from it. The gate relies on: `reference` (present with
 * `speed --reference <model>`) and each result cell's `latencyRatio` = the model's median call
 * latency / the reference's at the same batch and threads, per interleaved ABBA block, geometric
 * mean over the blocks (`latencyRatioBlocks`, `latencyRatioCI95`). Ratios, unlike milliseconds,
 * survive a change of CI runner.
 */
const nullableCount = z.number().int().nonnegative().nullable()

export const latencySummarySchema = z.object({
  mean: z.number(),
  std: z.number(),
  min: z.number(),
  p50: z.number(),
  p90: z.number(),
  p95: z.number(),
  p99: z.number(),
  max: z.number(),
})

export const speedCellSchema = z.object({
  batch: z.number().int().positive(),
  threads: z.number().int().positive().nullable(),
  iterations: z.number().int().nonnegative(),
  durationS: z.number().nonnegative(),
  latencyMs: latencySummarySchema,
  imagesPerSecond: z.number().nonnegative(),
  latencyRatio: z.number().positive().optional(),
  latencyRatioCI95: z.tuple([z.number().positive(), z.number().positive()]).optional().meta({ description: '95% interval of latencyRatio from the ABBA blocks (log scale, Student t)' }),
  latencyRatioBlocks: z.array(z.number().positive()).optional().meta({ description: 'the latency ratio of each interleaved ABBA block, in order' }),
})

const sessionTimingSchema = z.object({
  threads: z.number().int().positive().nullable(),
  sessionCreateMs: z.number(),
  firstInferenceMs: z.number(),
  firstInferenceBatch: z.number().int().positive(),
})

const modelSizeSchema = z.object({
  path: z.string(),
  sha256: z.string(),
  bytes: z.number().int().nonnegative(),
  params: nullableCount,
  trainableParams: nullableCount,
  macs: nullableCount,
  macsComplete: z.boolean().nullable(),
  opset: z.number().int().nullable(),
})

const runnerSchema = z.object({ name: z.string(), backend: z.string(), device: z.string(), version: z.string() })

export const speedDocumentSchema = z
  .object({
    schema: z.literal(SPEED_SCHEMA),
    createdAt: z.string(),
    tool: z.object({ name: z.literal('ferbench'), version: z.string() }),
    model: modelSizeSchema.extend({ card: modelCardSchema }),
    runner: runnerSchema.extend({ graphOptimization: z.string().nullable() }),
    machine: machineSchema,
    versions: z.record(z.string(), z.string()),
    settings: z.object({
      warmup: z.number().int(),
      minIterations: z.number().int(),
      minDurationS: z.number(),
      repeats: z.number().int().positive().optional(),
      input: z.literal('synthetic'),
      inputSeed: z.number().int(),
    }),
    sessionCreateMs: z.number(),
    firstInferenceMs: z.number(),
    sessions: z.array(sessionTimingSchema),
    results: z.array(speedCellSchema),
    skipped: z.array(z.object({ batch: z.number().int(), threads: z.number().int().nullable(), reason: z.string() })),
    reference: z
      .object({ model: modelSizeSchema, runner: runnerSchema, sessions: z.array(sessionTimingSchema), results: z.array(speedCellSchema) })
      .optional(),
    e2e: z
      .array(
        z.object({
          batch: z.number().int(),
          threads: z.number().int().nullable(),
          dataset: z.string(),
          split: z.string(),
          samples: z.number().int(),
          wallSeconds: z.number(),
          imagesPerSecond: z.number(),
          stagesMs: z.record(z.string(), z.number()),
          stageShare: z.record(z.string(), z.number()),
        }),
      )
      .optional(),
    peakRssBytes: z.number().int().nonnegative(),
    loadAverage: z
      .object({ before: z.array(z.number()), after: z.array(z.number()) })
      .meta({ description: '1, 5 and 15 minute load averages (os.loadavg) before and after timing: how busy the machine was' }),
    warnings: z.array(z.string()),
  })
  .meta({ title: 'ferbench speed result', description: `schema ${SPEED_SCHEMA}: latency, throughput and size of one model (and optionally a reference model timed in the same run)` })

export type SpeedDocument = z.infer<typeof speedDocumentSchema>
export type SpeedCell = z.infer<typeof speedCellSchema>
