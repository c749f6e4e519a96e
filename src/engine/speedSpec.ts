import { z } from 'zod'
import { usageError } from '../base/errors.js'
import { LIMITS } from '../base/limits.js'
import { describeIssues } from '../results/describeIssues.js'
import { DEFAULT_DEVICE, DEVICES } from '../runners/types.js'

/** ABBA blocks per cell with --reference (docs/detectors.md: false-alarm and detection rates at this setting). */
export const DEFAULT_REPEATS = 6

/** The cells and timing a plain `ferbench speed` uses (the flags show these as their defaults). */
export const SPEED_DEFAULTS = { batches: [1], warmup: 10, minIterations: 50, minDurationS: 2 } as const

/**
 * What one `ferbench speed` run measures: the model (and a reference), the cells (batch × threads),
 * how long each is timed, and an optional end-to-end pass. Every default is resolved here, once:
 * batch 1, the engine's threads, cpu, 10 warm-up calls, at least 50 calls and 2 s per cell, and
 * DEFAULT_REPEATS ABBA blocks when there is a reference.
 */
export const speedSpecSchema = z
  .object({
    model: z.string(),
    card: z.string().optional(),
    preset: z.string().optional(),
    runner: z.string().optional(),
    device: z.enum(DEVICES).default(DEFAULT_DEVICE),
    /** Images per runner call, one cell each. */
    batches: z.array(z.number()).readonly().default(SPEED_DEFAULTS.batches),
    /** Intra-op threads, one session each; `null` lets the engine choose. */
    threads: z.array(z.number().nullable()).readonly().default([null]),
    /** Untimed calls before each cell. */
    warmup: z.number().default(SPEED_DEFAULTS.warmup),
    /** A cell runs at least this many timed calls … */
    minIterations: z.number().default(SPEED_DEFAULTS.minIterations),
    /** … and at least this many seconds (MLPerf SingleStream style: both minimums must be met). */
    minDurationS: z.number().default(SPEED_DEFAULTS.minDurationS),
    /** Time this model too, in the same cells, and report per-cell latency ratios. */
    reference: z.string().optional(),
    /** With a reference: interleaved A B B A blocks per cell (the ratio's interval comes from their spread). */
    repeats: z.number().optional(),
    referenceCard: z.string().optional(),
    /** Also time the whole pipeline on a dataset (via evaluate()). */
    e2e: z.object({ dataset: z.string(), data: z.string(), split: z.string().optional() }).optional(),
  })
  .transform(({ repeats, ...spec }) => ({
    ...spec,
    repeats: spec.reference !== undefined ? (repeats ?? DEFAULT_REPEATS) : undefined,
  }))

export type SpeedSpec = z.output<typeof speedSpecSchema>
export type SpeedSpecInput = z.input<typeof speedSpecSchema>

/** Each setting within its limits (src/base/limits.ts); a usage error names the flag that gave it. */
function checkRanges(spec: SpeedSpec): void {
  const bad = (flag: string, value: unknown, want: string): never => {
    throw usageError(`${flag} ${String(value)}: expected ${want}`)
  }
  if (spec.batches.length === 0) bad('--batch', '(empty)', 'one or more positive integers, e.g. 1,8,32')
  for (const b of spec.batches)
    if (!Number.isInteger(b) || b < 1 || b > LIMITS.batch) bad('--batch', b, `integers 1–${LIMITS.batch}, e.g. 1,8,32`)
  if (spec.batches.length > LIMITS.speedListValues)
    bad('--batch', `(${spec.batches.length} values)`, `at most ${LIMITS.speedListValues} values`)
  if (spec.threads.length === 0) bad('--threads', '(empty)', 'one or more positive integers, e.g. 1,2')
  if (spec.threads.length > LIMITS.speedListValues)
    bad('--threads', `(${spec.threads.length} values)`, `at most ${LIMITS.speedListValues} values`)
  for (const t of spec.threads)
    if (t !== null && (!Number.isInteger(t) || t < 1 || t > LIMITS.threads))
      bad('--threads', t, `integers 1–${LIMITS.threads}, e.g. 1,2`)
  if (!Number.isInteger(spec.warmup) || spec.warmup < 0 || spec.warmup > LIMITS.warmup)
    bad('--warmup', spec.warmup, `an integer 0–${LIMITS.warmup}`)
  if (!Number.isInteger(spec.minIterations) || spec.minIterations < 1 || spec.minIterations > LIMITS.iterations) {
    bad('--iterations', spec.minIterations, `an integer 1–${LIMITS.iterations}`)
  }
  if (!(spec.minDurationS >= 0) || !(spec.minDurationS <= LIMITS.durationS))
    bad('--duration', spec.minDurationS, `seconds 0–${LIMITS.durationS}`)
  if (
    spec.repeats !== undefined &&
    (!Number.isInteger(spec.repeats) || spec.repeats < 1 || spec.repeats > LIMITS.repeats)
  )
    bad('--repeats', spec.repeats, `an integer 1–${LIMITS.repeats}`)
}

/** The spec of a speed run: defaults resolved, every setting checked (a usage error naming its flag). */
export function speedSpec(input: SpeedSpecInput): SpeedSpec {
  const parsed = speedSpecSchema.safeParse(input)
  if (!parsed.success) throw usageError(`speed: ${describeIssues(parsed.error)}`)
  checkRanges(parsed.data)
  return parsed.data
}
