import { usageError } from '../base/errors.js'
import { speedSpec, type SpeedSpec } from '../engine/speedSpec.js'

/** The flags of `ferbench speed`, as oclif gives them. */
export interface SpeedFlags {
  model: string
  card?: string | undefined
  preset?: string | undefined
  runner?: string | undefined
  device: SpeedSpec['device']
  batch: string
  threads?: string | undefined
  warmup: number
  iterations: number
  duration: string
  reference?: string | undefined
  repeats: number
  'reference-card'?: string | undefined
  e2e: boolean
  dataset: string
  data?: string | undefined
  split?: string | undefined
}

function intList(flag: string, value: string): number[] {
  const parts = value.split(',').map((s) => s.trim())
  if (parts.some((p) => !/^\d+$/.test(p) || Number(p) < 1))
    throw usageError(`--${flag} ${value}: expected positive integers separated by commas, e.g. 1,8,32`)
  return parts.map(Number)
}

/** The spec of a speed run from its command line, built once (src/engine/speedSpec.ts resolves the defaults and checks the ranges). */
export function speedSpecFromFlags(flags: SpeedFlags): SpeedSpec {
  const duration = Number(flags.duration)
  if (!Number.isFinite(duration) || duration < 0) throw usageError(`--duration ${flags.duration}: expected seconds ≥ 0`)
  if (flags.e2e && !flags.data) throw usageError('--e2e needs --data (and --dataset if not fer2013)')
  if (!flags.e2e && flags.data) throw usageError('--data is only used with --e2e; add --e2e or drop --data')
  return speedSpec({
    model: flags.model,
    card: flags.card || undefined,
    preset: flags.preset || undefined,
    runner: flags.runner,
    device: flags.device,
    batches: intList('batch', flags.batch),
    threads: flags.threads ? intList('threads', flags.threads) : [null],
    warmup: flags.warmup,
    minIterations: flags.iterations,
    minDurationS: duration,
    reference: flags.reference || undefined,
    repeats: flags.reference ? flags.repeats : undefined,
    referenceCard: flags['reference-card'] || undefined,
    e2e: flags.e2e ? { dataset: flags.dataset, data: flags.data!, split: flags.split || undefined } : undefined,
  })
}
