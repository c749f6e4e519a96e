import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { FerbenchError } from '../../src/base/errors.js'
import { LIMITS } from '../../src/base/limits.js'
import { parseShard } from '../../src/engine/shard.js'
import { shardFromEnvironment } from '../../src/engine/shardAuto.js'
import { SliceAccumulator } from '../../src/metrics/slices.js'
import { FIXTURES, runCli, tempDir } from '../helpers/cli.js'

const ORACLE = path.join(FIXTURES, 'models', 'oracle.onnx')
const CSV = path.join(FIXTURES, 'fer2013', 'fer2013.csv')

function errorOf(fn: () => unknown): FerbenchError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(FerbenchError)
    return error as FerbenchError
  }
  throw new Error('expected a FerbenchError')
}

describe('counts a user or a scheduler sets are bounded (src/base/limits.ts)', () => {
  it(`--shard i/n: n over ${LIMITS.shardCount} is a usage error naming the bound; n at the bound is taken`, () => {
    const e = errorOf(() => parseShard('5/20000000'))
    expect([e.exitCode, e.message]).toEqual([
      2,
      `--shard 5/20000000: at most ${LIMITS.shardCount} shards (got n=20000000)`,
    ])
    expect(errorOf(() => parseShard(`1/${'9'.repeat(400)}`)).exitCode).toBe(2) // Infinity as a number
    expect(parseShard(`${LIMITS.shardCount}/${LIMITS.shardCount}`)).toEqual({
      index: LIMITS.shardCount,
      count: LIMITS.shardCount,
    })
  })

  it('--shard auto: every scheduler variable is bounded, and the count it gives; the message names the variable', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [
        { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_MAX: '1000000000000' },
        /SLURM_ARRAY_TASK_MAX=1000000000000 is over/,
      ],
      [{ SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_MAX: '20000' }, /20001 shards \(from SLURM_ARRAY_TASK_MAX/],
      [{ SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '20000' }, /20000 shards \(from SLURM_ARRAY_TASK_COUNT\)/],
      [{ SLURM_ARRAY_TASK_ID: '99999999999', SLURM_ARRAY_TASK_COUNT: '4' }, /SLURM_ARRAY_TASK_ID=99999999999 is over/],
      [{ CI_NODE_INDEX: '1', CI_NODE_TOTAL: '20000' }, /20000 shards \(from CI_NODE_TOTAL\)/],
      [{ CIRCLE_NODE_INDEX: '0', CIRCLE_NODE_TOTAL: '10001' }, /10001 shards \(from CIRCLE_NODE_TOTAL\)/],
      [
        { BUILDKITE_PARALLEL_JOB: '0', BUILDKITE_PARALLEL_JOB_COUNT: '5000000' },
        /BUILDKITE_PARALLEL_JOB_COUNT=5000000 is over/,
      ],
    ]
    for (const [env, message] of cases) {
      const e = errorOf(() => shardFromEnvironment(env))
      expect(e.exitCode).toBe(2)
      expect(e.message).toMatch(message)
    }
    const k8s = errorOf(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '0' }, LIMITS.shardCount + 1))
    expect(k8s.message).toMatch(/from --shard-count/)
    expect(shardFromEnvironment({ CI_NODE_INDEX: '2', CI_NODE_TOTAL: String(LIMITS.shardCount) }).shard).toEqual({
      index: 2,
      count: LIMITS.shardCount,
    })
  })

  it(`slice groups: the ${LIMITS.sliceGroups + 1}th distinct value of an attribute is a data error naming it`, () => {
    const slices = new SliceAccumulator(['id'], 2, 1)
    for (let i = 0; i < LIMITS.sliceGroups; i++) slices.add(new Map([['id', `v${i}`]]), 0, 0)
    slices.add(new Map([['id', 'v0']]), 1, 1) // a value seen before is no new group
    const e = errorOf(() => slices.add(new Map([['id', 'one-more']]), 0, 0))
    expect([e.exitCode, e.message]).toEqual([
      3,
      `--slice-by id: more than ${LIMITS.sliceGroups} distinct values (groups); slice by an attribute with fewer values`,
    ])
  })

  it('on the command line: --shard, --shard-count, --folds, --slice-by, --seed over their bounds are exit 2', () => {
    const base = ['eval', '--model', ORACLE, '--data', CSV]
    for (const [args, text] of [
      [[...base, '--shard', '5/20000000'], `at most ${LIMITS.shardCount} shards`],
      [[...base, '--shard', 'auto', '--shard-count', String(LIMITS.shardCount + 1)], String(LIMITS.shardCount)],
      [[...base, '--folds', String(LIMITS.folds + 1)], String(LIMITS.folds)],
      [
        [...base, '--slice-by', ...Array.from({ length: LIMITS.sliceAttributes + 1 }, (_, i) => `a${i}`)],
        'at most 16 attributes',
      ],
      [['robust', '--seed', '4294967296'], '4294967295'],
    ] as const) {
      const run = runCli(args)
      expect(run.status, `${args.join(' ')}\n${run.stderr}`).toBe(2)
      expect(run.stderr).toContain(text)
    }
  })

  it('merge names missing shards as ranges with a total', () => {
    const dir = tempDir('ferbench-ranges-')
    const files = [1, 3].map((i) => {
      const file = path.join(dir, `s${i}.json`)
      const run = runCli(['eval', '--model', ORACLE, '--data', CSV, '--shard', `${i}/20`, '--output', file])
      expect(run.status, run.stderr).toBe(0)
      return file
    })
    const run = runCli(['merge', ...files])
    expect(run.status, run.stderr).toBe(3)
    expect(run.stderr).toContain('merge: missing 18 of 20 shards: 2, 4–20; got 2: 1, 3')
  })
})
