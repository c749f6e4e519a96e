import { usageError } from '../base/errors.js'
import { LIMITS } from '../base/limits.js'
import type { Shard } from './shard.js'

type Env = Readonly<Record<string, string | undefined>>

export interface AutoShard {
  shard: Shard
  /** Which engine and variables it came from, announced on stderr. */
  source: string
}

/** The engines `--shard auto` reads, in the order they are tried. GitHub Actions has no such variables: pass --shard i/n from the matrix. */
const SHARD_ENGINES = [
  'Kubernetes Indexed Job: JOB_COMPLETION_INDEX (0-based) + --shard-count',
  'SLURM job array: SLURM_ARRAY_TASK_ID with SLURM_ARRAY_TASK_COUNT, or SLURM_ARRAY_TASK_MIN/MAX (and STEP)',
  'GitLab CI parallel: CI_NODE_INDEX (1-based) / CI_NODE_TOTAL',
  'CircleCI parallelism: CIRCLE_NODE_INDEX (0-based) / CIRCLE_NODE_TOTAL',
  'Buildkite parallelism: BUILDKITE_PARALLEL_JOB (0-based) / BUILDKITE_PARALLEL_JOB_COUNT',
] as const

function integer(env: Env, name: string): number | undefined {
  const text = env[name]
  if (text === undefined || text.trim() === '') return undefined
  if (!/^\s*\d+\s*$/.test(text))
    throw usageError(`--shard auto: ${name}=${JSON.stringify(text)} is not a non-negative integer`)
  const value = Number(text)
  // No scheduler numbers its tasks past this (SLURM's MaxArraySize is at most 4,000,001); larger is not a shard.
  if (value > MAX_TASK_NUMBER)
    throw usageError(
      `--shard auto: ${name}=${text.trim()} is over ${MAX_TASK_NUMBER}, more than any scheduler numbers its tasks; ferbench takes at most ${LIMITS.shardCount} shards`,
    )
  return value
}

/** The largest task number (index, id, min, max, step, count) a scheduler variable may hold. */
const MAX_TASK_NUMBER = 4_000_000

function checked(index: number, count: number, source: string, countFrom: string): AutoShard {
  if (count > LIMITS.shardCount)
    throw usageError(
      `--shard auto: ${source} gives ${count} shards (from ${countFrom}); at most ${LIMITS.shardCount} shards`,
    )
  if (count < 1 || index < 1 || index > count)
    throw usageError(`--shard auto: ${source} gives shard ${index}/${count}; expected 1 ≤ i ≤ n`)
  return { shard: { index, count }, source }
}

/**
 * `--shard auto`: the 1-based shard i/n from the engine running this process. `shardCount`
 * (--shard-count) is required where the engine gives only an index (Kubernetes) and, where the
 * engine gives a count too, must agree with it.
 */
export function shardFromEnvironment(env: Env, shardCount?: number): AutoShard {
  const agree = (count: number, source: string): number => {
    if (shardCount !== undefined && shardCount !== count)
      throw usageError(`--shard-count ${shardCount} disagrees with ${source}, which says ${count} shards`)
    return count
  }
  const k8s = integer(env, 'JOB_COMPLETION_INDEX')
  if (k8s !== undefined) {
    if (shardCount === undefined)
      throw usageError(
        "--shard auto in a Kubernetes Indexed Job: JOB_COMPLETION_INDEX gives the index only; pass --shard-count with the Job's .spec.completions",
      )
    return checked(k8s + 1, shardCount, `Kubernetes Indexed Job (JOB_COMPLETION_INDEX=${k8s})`, '--shard-count')
  }
  const slurmId = integer(env, 'SLURM_ARRAY_TASK_ID')
  if (slurmId !== undefined) {
    const min = integer(env, 'SLURM_ARRAY_TASK_MIN') ?? 0
    const step = integer(env, 'SLURM_ARRAY_TASK_STEP') ?? 1
    const max = integer(env, 'SLURM_ARRAY_TASK_MAX')
    const total =
      integer(env, 'SLURM_ARRAY_TASK_COUNT') ?? (max !== undefined ? Math.floor((max - min) / step) + 1 : undefined)
    const source = `SLURM job array (SLURM_ARRAY_TASK_ID=${slurmId}, min ${min}, step ${step})`
    if (total === undefined && shardCount === undefined)
      throw usageError(
        '--shard auto in a SLURM array: neither SLURM_ARRAY_TASK_COUNT nor SLURM_ARRAY_TASK_MAX is set; pass --shard-count',
      )
    if ((slurmId - min) % step !== 0)
      throw usageError(`--shard auto: ${source}: the task id is not on the array's step`)
    const countFrom =
      total === undefined
        ? '--shard-count'
        : env.SLURM_ARRAY_TASK_COUNT !== undefined && env.SLURM_ARRAY_TASK_COUNT.trim() !== ''
          ? 'SLURM_ARRAY_TASK_COUNT'
          : 'SLURM_ARRAY_TASK_MAX, SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_STEP'
    return checked(
      (slurmId - min) / step + 1,
      total === undefined ? shardCount! : agree(total, source),
      source,
      countFrom,
    )
  }
  const gitlab = integer(env, 'CI_NODE_INDEX')
  if (gitlab !== undefined) {
    const total = integer(env, 'CI_NODE_TOTAL')
    if (total === undefined) throw usageError('--shard auto: CI_NODE_INDEX is set but CI_NODE_TOTAL is not')
    const source = `GitLab CI parallel (CI_NODE_INDEX=${gitlab}, CI_NODE_TOTAL=${total})`
    return checked(gitlab, agree(total, source), source, 'CI_NODE_TOTAL')
  }
  for (const [engine, indexVar, totalVar] of [
    ['CircleCI parallelism', 'CIRCLE_NODE_INDEX', 'CIRCLE_NODE_TOTAL'],
    ['Buildkite parallelism', 'BUILDKITE_PARALLEL_JOB', 'BUILDKITE_PARALLEL_JOB_COUNT'],
  ] as const) {
    const index = integer(env, indexVar)
    if (index === undefined) continue
    const total = integer(env, totalVar)
    if (total === undefined) throw usageError(`--shard auto: ${indexVar} is set but ${totalVar} is not`)
    const source = `${engine} (${indexVar}=${index}, ${totalVar}=${total})`
    return checked(index + 1, agree(total, source), source, totalVar)
  }
  throw usageError(
    `--shard auto: no sharding engine found in the environment. Looked for: ${SHARD_ENGINES.join('; ')}. On GitHub Actions pass --shard \${{ matrix.shard }}/N explicitly.`,
  )
}
