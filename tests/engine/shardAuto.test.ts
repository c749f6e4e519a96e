import { describe, expect, it } from 'vitest'
import { shardFromEnvironment } from '../../src/engine/shardAuto.js'
import { FerbenchError } from '../../src/base/errors.js'

const usage = (f: () => unknown): string => {
  try {
    f()
  } catch (error) {
    expect(error).toBeInstanceOf(FerbenchError)
    expect((error as FerbenchError).exitCode).toBe(2)
    return (error as Error).message
  }
  throw new Error('expected a usage error')
}

describe('--shard auto reads each engine', () => {
  it('Kubernetes Indexed Job: 0-based JOB_COMPLETION_INDEX + --shard-count', () => {
    expect(shardFromEnvironment({ JOB_COMPLETION_INDEX: '0' }, 4).shard).toEqual({ index: 1, count: 4 })
    expect(shardFromEnvironment({ JOB_COMPLETION_INDEX: '3' }, 4).shard).toEqual({ index: 4, count: 4 })
    expect(usage(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '0' }))).toMatch(/--shard-count/)
    expect(usage(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '4' }, 4))).toMatch(/5\/4/)
  })

  it('SLURM arrays: TASK_ID with TASK_COUNT, or MIN/MAX/STEP', () => {
    expect(shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '3' }).shard).toEqual({
      index: 1,
      count: 3,
    })
    expect(
      shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '12', SLURM_ARRAY_TASK_MIN: '10', SLURM_ARRAY_TASK_MAX: '12' }).shard,
    ).toEqual({ index: 3, count: 3 })
    expect(
      shardFromEnvironment({
        SLURM_ARRAY_TASK_ID: '14',
        SLURM_ARRAY_TASK_MIN: '10',
        SLURM_ARRAY_TASK_MAX: '16',
        SLURM_ARRAY_TASK_STEP: '2',
      }).shard,
    ).toEqual({ index: 3, count: 4 })
    expect(usage(() => shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '3' }, 4))).toMatch(
      /disagrees/,
    )
    expect(usage(() => shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '1' }))).toMatch(/SLURM_ARRAY_TASK_COUNT/)
  })

  it('GitLab (1-based), CircleCI and Buildkite (0-based)', () => {
    expect(shardFromEnvironment({ CI_NODE_INDEX: '2', CI_NODE_TOTAL: '5' }).shard).toEqual({ index: 2, count: 5 })
    expect(shardFromEnvironment({ CIRCLE_NODE_INDEX: '0', CIRCLE_NODE_TOTAL: '2' }).shard).toEqual({
      index: 1,
      count: 2,
    })
    expect(shardFromEnvironment({ BUILDKITE_PARALLEL_JOB: '1', BUILDKITE_PARALLEL_JOB_COUNT: '2' }).shard).toEqual({
      index: 2,
      count: 2,
    })
    expect(usage(() => shardFromEnvironment({ CI_NODE_INDEX: '1' }))).toMatch(/CI_NODE_TOTAL/)
  })

  it('no engine, or a value that is not a number, is a usage error that lists what was looked for', () => {
    expect(usage(() => shardFromEnvironment({}))).toMatch(
      /JOB_COMPLETION_INDEX.*SLURM_ARRAY_TASK_ID.*CI_NODE_INDEX.*GitHub Actions/s,
    )
    expect(usage(() => shardFromEnvironment({ CI_NODE_INDEX: 'two', CI_NODE_TOTAL: '3' }))).toMatch(
      /CI_NODE_INDEX="two"/,
    )
  })
})
