import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  benchmark,
  syntheticBatch,
  timeCell,
  timeInterleaved,
  type CreateRunner,
  type SpeedHooks,
} from '../../src/engine/speedBenchmark.js'
import { speedSpec, type SpeedSpec, type SpeedSpecInput } from '../../src/engine/speedSpec.js'
import { FerbenchError } from '../../src/base/errors.js'
import type { SpeedCell } from '../../src/results/speedDocument.js'
import { createRunner } from '../../src/runners/registry.js'
import type { Runner } from '../../src/runners/types.js'
import { FIXTURES } from '../helpers/cli.js'

const ORACLE = path.join(FIXTURES, 'models', 'oracle.onnx')
const ORACLE_B1 = path.join(FIXTURES, 'models', 'oracle-batch1.onnx')

/** The settings of a run: its spec as given, with the minimums the cells are checked against. */
type SpeedOptions = SpeedSpecInput & Pick<SpeedSpec, 'minIterations' | 'minDurationS'>

/** A speed run as `ferbench speed` makes it: the spec (validated, defaults resolved), then the benchmark; a bad setting rejects. */
const run = async (input: SpeedSpecInput, hooks?: SpeedHooks) => benchmark(speedSpec(input), hooks)

const base: SpeedOptions = {
  model: ORACLE,
  device: 'cpu',
  batches: [1, 4],
  threads: [1],
  warmup: 2,
  minIterations: 25,
  minDurationS: 0.05,
}

/** A runner that waits `delayMs` before each real call: a deliberately slowed runner. */
function slowed(delayMs: number): CreateRunner {
  return async (model, options) => {
    const inner: Runner = await createRunner(model, options)
    return {
      info: inner.info,
      input: inner.input,
      outputs: inner.outputs,
      async run(batch, dims) {
        await new Promise((resolve) => setTimeout(resolve, delayMs))
        return inner.run(batch, dims)
      },
      release: () => inner.release(),
    }
  }
}

function expectWellFormed(cell: SpeedCell, options: SpeedOptions): void {
  const l = cell.latencyMs
  expect(cell.iterations).toBeGreaterThanOrEqual(options.minIterations)
  expect(cell.durationS).toBeGreaterThanOrEqual(options.minDurationS)
  expect(l.min).toBeLessThanOrEqual(l.mean)
  expect(l.mean).toBeLessThanOrEqual(l.max)
  expect(l.min).toBeLessThanOrEqual(l.p50)
  expect(l.p50).toBeLessThanOrEqual(l.p90)
  expect(l.p90).toBeLessThanOrEqual(l.p95)
  expect(l.p95).toBeLessThanOrEqual(l.p99)
  expect(l.p99).toBeLessThanOrEqual(l.max)
  expect(l.std).toBeGreaterThanOrEqual(0)
  expect(cell.imagesPerSecond).toBeCloseTo((cell.batch * cell.iterations) / cell.durationS, 6)
}

describe('benchmark() on the oracle model', () => {
  it('one session per threads value, one cell per batch × threads, every cell meets both minimums', async () => {
    const options: SpeedOptions = { ...base, threads: [1, 2] }
    const r = await run(options)
    expect(r.schema).toBe('ferbench/speed@1')
    expect(r.results.map((c) => [c.batch, c.threads])).toEqual([
      [1, 1],
      [4, 1],
      [1, 2],
      [4, 2],
    ])
    for (const cell of r.results) expectWellFormed(cell, options)
    expect(r.sessions.map((s) => s.threads)).toEqual([1, 2])
    for (const s of r.sessions) {
      expect(s.sessionCreateMs).toBeGreaterThan(0)
      expect(s.firstInferenceMs).toBeGreaterThan(0)
      expect(s.firstInferenceBatch).toBe(1)
    }
    expect(r.sessionCreateMs).toBe(r.sessions[0]!.sessionCreateMs)
    expect(r.model.params).toBe(48 * 48 * 8) // the oracle's one weight matrix
    expect(r.model.macs).toBe(48 * 48 * 8)
    expect(r.model.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(r.runner.backend).toBe('onnxruntime-node/cpu')
    expect(r.settings).toMatchObject({ warmup: 2, minIterations: 25, minDurationS: 0.05 })
    expect(r.peakRssBytes).toBeGreaterThan(0)
    expect(r.machine.cores).toBeGreaterThan(0)
  })

  it('a deliberately slowed runner (injected factory) shows up as slower', async () => {
    const fast = await run({ ...base, batches: [1], minIterations: 15 })
    const slow = await run({ ...base, batches: [1], minIterations: 15 }, { createRunner: slowed(4) })
    expect(slow.results[0]!.latencyMs.mean).toBeGreaterThan(fast.results[0]!.latencyMs.mean)
    expect(slow.results[0]!.imagesPerSecond).toBeLessThan(fast.results[0]!.imagesPerSecond)
  })

  it('--reference times both models in the same cells in ABBA blocks; latencyRatio = geometric mean of the block ratios', async () => {
    const r = await run({ ...base, reference: ORACLE_B1, batches: [1], repeats: 3 })
    expect(r.reference!.model.path).toBe(ORACLE_B1)
    expect(r.reference!.model.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(r.reference!.results).toHaveLength(1)
    expectWellFormed(r.reference!.results[0]!, base)
    const cell = r.results[0]!
    expectWellFormed(cell, base)
    expect(r.settings.repeats).toBe(3)
    const blocks = cell.latencyRatioBlocks!
    expect(blocks).toHaveLength(3)
    expect(cell.latencyRatio).toBeCloseTo(Math.exp(blocks.reduce((a, b) => a + Math.log(b), 0) / 3), 12)
    expect(cell.latencyRatioCI95![0]).toBeLessThanOrEqual(cell.latencyRatio!)
    expect(cell.latencyRatioCI95![1]).toBeGreaterThanOrEqual(cell.latencyRatio!)
  })

  it('--repeats must be a positive integer (exit 2)', async () => {
    const error = await run({ ...base, reference: ORACLE_B1, repeats: 0 }).catch((e: unknown) => e)
    expect((error as FerbenchError).exitCode).toBe(2)
    expect((error as FerbenchError).message).toContain('--repeats')
  })

  it('a model with a fixed batch of 1: batch > 1 cells are skipped and said, never run at 1', async () => {
    const r = await run({ ...base, model: ORACLE_B1, batches: [1, 8] })
    expect(r.results.map((c) => c.batch)).toEqual([1])
    expect(r.skipped).toEqual([
      { batch: 8, threads: 1, reason: expect.stringMatching(/fixes its batch dimension at 1/) },
    ])
    expect(r.warnings.join('\n')).toMatch(/batch 8, threads 1 skipped/)
    await expect(run({ ...base, model: ORACLE_B1, batches: [8] })).rejects.toThrow(/no cell could run.*Use --batch 1/)
  })

  it('opens as before: both model files checked before either card, then the stand-in card said once per model', async () => {
    const missingCard = path.join(FIXTURES, 'no-such-card.json')
    const missingReference = path.join(FIXTURES, 'no-such-reference.onnx')
    // a missing reference file (exit 4) is named before the model's missing card (exit 5)
    const error = await run({ ...base, card: missingCard, reference: missingReference }).catch((e: unknown) => e)
    expect((error as FerbenchError).exitCode).toBe(4)
    expect((error as FerbenchError).message).toBe(
      `${missingReference}: model file not found (expected a model file: .onnx, or a tfjs model.json)`,
    )
    const cardError = await run({ ...base, card: missingCard }).catch((e: unknown) => e)
    expect((cardError as FerbenchError).exitCode).toBe(5)
    expect((cardError as FerbenchError).message).toContain(missingCard)
    // no card beside a copy of the oracle: a stand-in shaped by the model, said once however many sessions open
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ferbench-speed-'))
    try {
      const bare = path.join(dir, 'bare.onnx')
      copyFileSync(ORACLE, bare)
      const r = await run({ ...base, model: bare, threads: [1, 2], batches: [1], minIterations: 2, minDurationS: 0 })
      const note = `${bare}: no model card; synthetic input shaped from the model's input shape, pixel scale raw 0–255 (speed does not depend on the labels)`
      expect(r.warnings.filter((w) => w === note)).toHaveLength(1)
      expect(r.sessions).toHaveLength(2)
      expect(r.model.card.origin.source).toBe('none (input shape from the model)')
      expect(r.model.card.input).toMatchObject({ height: 48, width: 48, channels: 1, layout: 'NCHW' })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('bad settings are usage errors (exit 2) naming the flag', async () => {
    for (const [patch, flag] of [
      [{ batches: [0] }, '--batch'],
      [{ threads: [0] }, '--threads'],
      [{ minIterations: 0 }, '--iterations'],
      [{ minDurationS: -1 }, '--duration'],
    ] as const) {
      const error = await run({ ...base, ...patch }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(FerbenchError)
      expect((error as FerbenchError).exitCode).toBe(2)
      expect((error as FerbenchError).message).toContain(flag)
    }
  })

  it('the synthetic batch is deterministic and scaled as the card says', async () => {
    const r = await run({ ...base, batches: [1], minIterations: 1, minDurationS: 0 })
    const a = syntheticBatch(r.model.card, 3)
    const b = syntheticBatch(r.model.card, 3)
    expect(a.dims).toEqual([3, 1, 48, 48])
    expect(Buffer.from(a.data.buffer).equals(Buffer.from(b.data.buffer))).toBe(true)
    expect(Math.min(...a.data)).toBeGreaterThanOrEqual(0) // raw255 card
    expect(Math.max(...a.data)).toBeLessThanOrEqual(255)
    expect(new Set(a.data).size).toBeGreaterThan(200)
  })
})

describe('timeCell: the timed loop', () => {
  /** A fake runner that counts its calls and answers at once. */
  function counting(): { runner: Runner; calls: () => number } {
    let calls = 0
    const runner: Runner = {
      info: { name: 'fake', backend: 'fake', device: 'cpu', version: '0', notes: [] },
      input: { name: 'x', shape: ['N', 1, 2, 2] },
      outputs: [{ name: 'y', shape: ['N', 2] }],
      run: async () => {
        calls += 1
        return new Float32Array(2)
      },
      release: async () => undefined,
    }
    return { runner, calls: () => calls }
  }
  const input = { data: new Float32Array(4), dims: [1, 1, 2, 2] }

  it('with no minimum duration it runs exactly the minimum iterations, after exactly the warm-up calls', async () => {
    const fake = counting()
    const timed = await timeCell(fake.runner, input, { warmup: 7, minIterations: 300, minDurationS: 0 })
    expect(timed.latenciesMs.length).toBe(300) // more than the initial capacity: the array grew
    expect(fake.calls()).toBe(307)
    expect(timed.latenciesMs.every((x) => x >= 0)).toBe(true)
  })

  it('with a minimum duration it goes on past the minimum iterations until the duration is reached', async () => {
    const fake = counting()
    const timed = await timeCell(fake.runner, input, { warmup: 0, minIterations: 3, minDurationS: 0.03 })
    expect(timed.durationS).toBeGreaterThanOrEqual(0.03)
    expect(timed.latenciesMs.length).toBeGreaterThanOrEqual(3)
    expect(fake.calls()).toBe(timed.latenciesMs.length)
  })

  it('timeInterleaved: per block A B B A segments, each at least its share of the minimum iterations, one ratio per block', async () => {
    const order: string[] = []
    const named = (name: string): Runner => ({
      ...counting().runner,
      run: async () => {
        order.push(name)
        return new Float32Array(2)
      },
    })
    const timed = await timeInterleaved(
      { runner: named('A'), input },
      { runner: named('B'), input },
      { warmup: 2, minIterations: 12, minDurationS: 0 },
      3,
    )
    // warm-up 2 + 2, then 3 blocks of A B B A segments of ceil(12 / 6) = 2 calls each
    expect(order.join('')).toBe(`AABB${'AABBBBAA'.repeat(3)}`)
    expect(timed.a.latenciesMs.length).toBe(12)
    expect(timed.b.latenciesMs.length).toBe(12)
    expect(timed.blockRatios).toHaveLength(3)
    // each block ratio is the median A call over the median B call of that block (4 calls each)
    const median4 = (xs: Float64Array): number => [...xs].sort((x, y) => x - y)[1]!
    timed.blockRatios.forEach((ratio, k) => {
      expect(ratio).toBeCloseTo(
        median4(timed.a.latenciesMs.subarray(4 * k, 4 * k + 4)) /
          median4(timed.b.latenciesMs.subarray(4 * k, 4 * k + 4)),
        12,
      )
    })
  })
})
