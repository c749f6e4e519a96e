import { z } from 'zod'

export const LEADERBOARD_SCHEMA = 'ferbench/leaderboard@1'

const fraction = z.number().min(0).max(1)
const nullableCount = z.number().int().nonnegative().nullable()

/**
 * Where a row stands on one Pareto front (accuracy ↑ against a cost ↓):
 * 'front' — no other row of the protocol is at least as cheap and at least as accurate (point estimates);
 * 'tie' — some rows dominate it by point estimates, but each of their accuracy intervals overlaps this row's,
 *         so the test set cannot tell it from the front;
 * 'dominated' — a row at least as cheap is more accurate beyond the intervals;
 * null — the cost is unknown (no speed document / no size for the model).
 */
const paretoStanding = z.enum(['front', 'tie', 'dominated']).nullable()

const claimedValuesSchema = z.object({
  claimIds: z.array(z.string()),
  accuracy: fraction.optional(),
  modelBytes: z.number().nonnegative().optional(),
  imagesPerSecond: z.number().nonnegative().optional(),
  params: z.number().nonnegative().optional(),
})

const runnerSchema = z.object({ name: z.string(), backend: z.string(), device: z.string() })

const leaderboardRowSchema = z.object({
  model: z.object({ sha256: z.string(), name: z.string() }),
  runner: runnerSchema.optional().meta({
    description: 'runner, backend and device of the accuracy run: one row per model, test set, protocol and runner',
  }),
  accuracy: fraction,
  accuracyCI95: z.tuple([fraction, fraction]),
  macroF1: fraction,
  balancedAccuracy: fraction,
  samples: z.number().int().nonnegative(),
  params: nullableCount,
  macs: nullableCount,
  bytes: nullableCount,
  latencyP50Ms: z.number().nonnegative().nullable().meta({
    description:
      'median latency of one image (batch 1), from a speed document of this model with the same runner, backend and device',
  }),
  imagesPerSecond: z
    .number()
    .nonnegative()
    .nullable()
    .meta({ description: "the highest throughput among that speed document's cells" }),
  throughputBatch: z.number().int().positive().nullable(),
  machine: z.string().nullable().meta({ description: 'CPU of the machine the speed figures were measured on' }),
  latencyFront: z.string().nullable().optional().meta({
    description:
      'the runner/backend/device and machine of the latency figures: pareto.accuracyLatency compares only rows with the same latencyFront',
  }),
  meanCorruptionAccuracy: fraction.nullable().optional(),
  pareto: z.object({ accuracyLatency: paretoStanding, accuracySize: paretoStanding }),
  claimed: claimedValuesSchema.optional(),
  sources: z.array(z.string()).meta({ description: 'the documents this row was built from' }),
})

const leaderboardProtocolSchema = z.object({
  dataset: z.string(),
  split: z.string(),
  protocol: z.string().meta({
    description: 'fold protocol or single split, TTA and label set: rows are ranked only within one protocol',
  }),
  labels: z.array(z.string()),
  tta: z.string(),
  rows: z.array(leaderboardRowSchema),
})

export const leaderboardDocumentSchema = z
  .object({
    schema: z.literal(LEADERBOARD_SCHEMA),
    createdAt: z.string(),
    tool: z.object({ name: z.literal('ferbench'), version: z.string() }),
    protocols: z.array(leaderboardProtocolSchema),
    speedOnly: z
      .array(
        z.object({
          model: z.object({ sha256: z.string(), name: z.string() }),
          runner: runnerSchema.optional(),
          params: nullableCount,
          macs: nullableCount,
          bytes: nullableCount,
          latencyP50Ms: z.number().nonnegative().nullable(),
          imagesPerSecond: z.number().nonnegative().nullable(),
          machine: z.string(),
          sources: z.array(z.string()),
        }),
      )
      .meta({ description: 'models with a speed document but no accuracy document: listed, never ranked' }),
    warnings: z.array(z.string()),
  })
  .meta({
    title: 'ferbench leaderboard',
    description: `schema ${LEADERBOARD_SCHEMA}: size, speed and accuracy of many models, grouped by protocol`,
  })

export type LeaderboardDocument = z.infer<typeof leaderboardDocumentSchema>
export type LeaderboardRow = z.infer<typeof leaderboardRowSchema>
export type LeaderboardProtocol = z.infer<typeof leaderboardProtocolSchema>
export type ParetoStanding = z.infer<typeof paretoStanding>
