import { z } from 'zod'
import { modelCardSchema } from '../card/schema.js'
import { machineSchema } from './evalDocument.js'

export const SPEED_SCHEMA = 'ferbench/speed@1' as const

/**
 * The speed document ('ferbench/speed@1', written by `ferbench speed`) as a zod schema, and its
 * type inferred from it: `gate` parses speed files with it and `npm run schemas` writes
 * schemas/speed.schema.json from it. The gate relies on: `reference` (present with
 * `speed --reference <model>`) and each result cell's `latencyRatio` = the model's median call
 * latency / the reference's at the same batch and threads, per interleaved ABBA block, geometric
 * mean over the blocks (`latencyRatioBlocks`, `latencyRatioCI95`). Ratios, unlike milliseconds,
 * survive a change of CI runner.
 */
const nullableCount = z.number().int().nonnegative().nullable()

const latencySummarySchema = z.object({
  mean: z.number(),
  std: z.number(),
  min: z.number(),
  p50: z.number(),
  p90: z.number(),
  p95: z.number(),
  p99: z.number(),
  max: z.number(),
})

/** One batch × threads cell: warmed latency of the runner call, and throughput. */
const speedCellSchema = z.object({
  batch: z.number().int().positive(),
  /** Intra-op threads asked of the runner; null = the engine's default. */
  threads: z.number().int().positive().nullable(),
  /** Timed runner calls (after warm-up). */
  iterations: z.number().int().nonnegative(),
  /** Wall time of the timed loop, seconds (≥ the minimum duration asked for). */
  durationS: z.number().nonnegative(),
  /** Per runner call (one batch), milliseconds. */
  latencyMs: latencySummarySchema,
  /** batch × iterations / durationS. */
  imagesPerSecond: z.number().nonnegative(),
  /** With --reference: the model's median call latency / the reference's, per interleaved ABBA block, geometric mean over the blocks. */
  latencyRatio: z.number().positive().optional(),
  latencyRatioCI95: z
    .tuple([z.number().positive(), z.number().positive()])
    .optional()
    .meta({ description: '95% interval of latencyRatio from the ABBA blocks (log scale, Student t)' }),
  latencyRatioBlocks: z
    .array(z.number().positive())
    .optional()
    .meta({ description: 'the latency ratio of each interleaved ABBA block, in order' }),
})

/** Session creation and first inference of one threads value, timed apart from the warmed cells. */
const sessionTimingSchema = z.object({
  threads: z.number().int().positive().nullable(),
  sessionCreateMs: z.number(),
  firstInferenceMs: z.number(),
  /** The batch the first inference ran with. */
  firstInferenceBatch: z.number().int().positive(),
})

const modelSizeSchema = z.object({
  path: z.string(),
  sha256: z.string(),
  bytes: z.number().int().nonnegative(),
  /** Floating-point weights incl. BatchNorm running statistics; null when the format is not inspected (tfjs). */
  params: nullableCount,
  /** params without BatchNorm running mean/variance (PyTorch's count); null when not inspected. */
  trainableParams: nullableCount,
  /** Multiply-accumulates per image (batch 1), static count; null when not inspected. */
  macs: nullableCount,
  /** false when some Conv/Gemm/MatMul shapes could not be inferred (macs is then a lower bound). */
  macsComplete: z.boolean().nullable(),
  opset: z.number().int().nullable(),
})

/** A cell that was not run, and why (e.g. the model fixes its batch dimension). */
const skippedCellSchema = z.object({
  batch: z.number().int(),
  threads: z.number().int().nullable(),
  reason: z.string(),
})

/** End-to-end pipeline time (read → decode → preprocess → infer → metrics), from `ferbench eval`'s own stage timers. */
const e2eCellSchema = z.object({
  batch: z.number().int(),
  threads: z.number().int().nullable(),
  dataset: z.string(),
  split: z.string(),
  samples: z.number().int(),
  wallSeconds: z.number(),
  imagesPerSecond: z.number(),
  stagesMs: z.record(z.string(), z.number()),
  /** Each stage's share of the summed stage time. */
  stageShare: z.record(z.string(), z.number()),
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
    /** What the timed loop was asked for: warm-up calls, minimum iterations and minimum duration (per model and cell), ABBA blocks with a reference. */
    settings: z.object({
      warmup: z.number().int(),
      minIterations: z.number().int(),
      minDurationS: z.number(),
      repeats: z.number().int().positive().optional(),
      input: z.literal('synthetic'),
      inputSeed: z.number().int(),
    }),
    /** Of the first threads value; every threads value is in `sessions`. */
    sessionCreateMs: z.number(),
    firstInferenceMs: z.number(),
    sessions: z.array(sessionTimingSchema),
    results: z.array(speedCellSchema),
    skipped: z.array(skippedCellSchema),
    reference: z
      .object({
        model: modelSizeSchema,
        runner: runnerSchema,
        sessions: z.array(sessionTimingSchema),
        results: z.array(speedCellSchema),
      })
      .optional(),
    e2e: z.array(e2eCellSchema).optional(),
    /** Peak resident set size of the whole ferbench process (all sessions, reference included). */
    peakRssBytes: z.number().int().nonnegative(),
    loadAverage: z.object({ before: z.array(z.number()), after: z.array(z.number()) }).meta({
      description: '1, 5 and 15 minute load averages (os.loadavg) before and after timing: how busy the machine was',
    }),
    warnings: z.array(z.string()),
  })
  .meta({
    title: 'ferbench speed result',
    description: `schema ${SPEED_SCHEMA}: latency, throughput and size of one model (and optionally a reference model timed in the same run)`,
  })

export type SpeedResult = z.infer<typeof speedDocumentSchema>
export type SpeedCell = z.infer<typeof speedCellSchema>
export type SkippedCell = z.infer<typeof skippedCellSchema>
export type SessionTiming = z.infer<typeof sessionTimingSchema>
export type ModelSize = z.infer<typeof modelSizeSchema>
export type E2eCell = z.infer<typeof e2eCellSchema>
