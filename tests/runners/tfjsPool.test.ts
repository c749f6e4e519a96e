import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FerbenchError } from '../../src/base/errors.js'
import type { EvalResult } from '../../src/results/evalDocument.js'
import { evaluate } from '../../src/engine/evaluate.js'
import { evalSpec } from '../../src/engine/spec.js'
import { tfjsRunnerFactory } from '../../src/runners/tfjs.js'
import { prestartTfjsPool } from '../../src/runners/tfjsPool.js'
import type { Runner } from '../../src/runners/types.js'
import { FIXTURES, runCli, tempDir } from '../helpers/cli.js'

/**
 * The tfjs worker pool (src/runners/tfjsPool.ts): N worker threads, each with its own backend,
 * batches dealt round-robin. The answers are the main-thread runner's, computed in the same test.
 */
const MODEL = path.join(FIXTURES, 'models', 'human-emotion', 'emotion.json')
const CSV = path.join(FIXTURES, 'fer2013', 'fer2013.csv')
const ROW = 64 * 64

/** Deterministic 64×64 gray inputs in [-1, 1] (the card's symmetric scale). */
function batchOf(rows: number, seed: number): Float32Array {
  const out = new Float32Array(rows * ROW)
  let state = seed
  for (let i = 0; i < out.length; i++) {
    state = (state * 1103515245 + 12345) % 2 ** 31
    out[i] = ((state % 256) / 255 - 0.5) * 2
  }
  return out
}

const bytes = (a: Float32Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength)

describe('tfjs on worker threads: the same scores as the main thread, whatever the number of workers', () => {
  let main: Runner
  let pool: Runner
  beforeAll(async () => {
    main = await tfjsRunnerFactory.create(MODEL, { device: 'cpu', workers: 0 })
    pool = await tfjsRunnerFactory.create(MODEL, { device: 'cpu', workers: 2 })
  })
  afterAll(async () => {
    await main?.release()
    await pool?.release()
  })

  it('records its workers and backend; the main-thread runner records none', () => {
    expect(pool.info.workers).toBe(2)
    expect(pool.parallelCalls).toBe(2)
    expect(pool.info.backend).toBe(main.info.backend)
    expect(main.info.workers).toBeUndefined()
    expect(main.parallelCalls).toBeUndefined()
    expect(pool.input).toEqual(main.input)
    // every worker announces the same fallback: said once
    expect(new Set(pool.info.notes).size).toBe(pool.info.notes.length)
    expect(pool.info.notes).toEqual(main.info.notes)
  })

  it('runPixels: batches sent as pixels, made floats on the workers, score byte-identical to the main thread on the same floats', async () => {
    // the card's symmetric scale: x · (2/255) − 1 in single precision
    const scale = { mul: [Math.fround(2 / 255)], add: [-1], channels: 1, plane: ROW, layout: 'NCHW' as const }
    const sizes = [4, 2, 3]
    const pixels = sizes.map((rows, k) => Uint8Array.from({ length: rows * ROW }, (_, i) => (i * 31 + k * 7) % 256))
    const pending = pixels.map((p, k) => pool.runPixels!(p, sizes[k]!, scale, [sizes[k]!, 64, 64, 1]))
    for (const p of pixels) p.fill(0) // copied at once: the caller may refill its buffers
    const got = await Promise.all(pending)
    for (const [k, rows] of sizes.entries()) {
      const floats = new Float32Array(rows * ROW)
      for (let i = 0; i < floats.length; i++) floats[i] = ((i * 31 + k * 7) % 256) * Math.fround(2 / 255) - 1
      expect(bytes(got[k]!)).toEqual(bytes(await main.run(floats, [rows, 64, 64, 1])))
    }
  })

  it('batches sent at once, dealt over both workers, come back byte-identical to the main thread, each to its call', async () => {
    const sizes = [8, 5, 8, 1, 3]
    const inputs = sizes.map((rows, i) => batchOf(rows, 100 + i))
    const busyBefore = pool.busyMs!
    // One reused buffer, as the eval loop does: run() must copy it before returning.
    const shared = new Float32Array(8 * ROW)
    const calls = inputs.map((input, i) => {
      shared.set(input)
      return pool.run(shared.subarray(0, input.length), [sizes[i]!, 64, 64, 1])
    })
    shared.fill(0)
    const got = await Promise.all(calls)
    for (let i = 0; i < sizes.length; i++) {
      const expected = await main.run(inputs[i]!, [sizes[i]!, 64, 64, 1])
      expect(got[i]!.length).toBe(sizes[i]! * 7)
      expect(bytes(got[i]!).equals(bytes(expected)), `batch ${i}`).toBe(true)
    }
    expect(pool.busyMs!).toBeGreaterThan(busyBefore)
  })

  it('workers started early (bin/run.js) serve a run with the same model and count; a run asking for another count starts its own', async () => {
    const input = batchOf(3, 77)
    const expected = await main.run(input, [3, 64, 64, 1])
    prestartTfjsPool(MODEL, { device: 'cpu' }, 1) // not what the next run asks for: ended
    const other = await tfjsRunnerFactory.create(MODEL, { device: 'cpu', workers: 2 })
    prestartTfjsPool(MODEL, { device: 'cpu' }, 2)
    const same = await tfjsRunnerFactory.create(MODEL, { device: 'cpu', workers: 2 })
    try {
      expect(other.info.workers).toBe(2)
      expect(same.info.workers).toBe(2)
      for (const runner of [other, same, same]) {
        const got = await runner.run(input, [3, 64, 64, 1])
        expect(bytes(got).equals(bytes(expected))).toBe(true)
      }
    } finally {
      await other.release()
      await same.release()
    }
  })

  it('a batch running past the batch timeout stops its worker and fails with a model error naming the call', async () => {
    const timed = await tfjsRunnerFactory.create(MODEL, { device: 'cpu', workers: 1, batchTimeoutMs: 1 })
    try {
      const error = await timed.run(batchOf(64, 7), [64, 64, 64, 1]).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(FerbenchError)
      expect((error as FerbenchError).kind).toBe('model')
      expect((error as FerbenchError).message).toMatch(
        /inference call 1 \(input \[64, 64, 64, 1\]\) did not return within --batch-timeout 0\.001 s; the tfjs worker thread 1 of 1 running it was stopped/,
      )
      // later calls fail the same way instead of waiting on a stopped worker
      await expect(timed.run(batchOf(1, 8), [1, 64, 64, 1])).rejects.toBe(error)
    } finally {
      await timed.release()
    }
  })

  it('a model tfjs cannot load fails in the workers with the main thread’s error and exit kind', async () => {
    const dir = tempDir()
    const modelDir = path.join(dir, 'broken')
    mkdirSync(modelDir)
    const file = path.join(modelDir, 'model.json')
    writeFileSync(
      file,
      JSON.stringify({ format: 'layers-model', modelTopology: { class_name: 'NoSuchModel' }, weightsManifest: [] }),
    )
    const onMain = await tfjsRunnerFactory.create(file, { device: 'cpu', workers: 0 }).catch((e: unknown) => e)
    const onPool = await tfjsRunnerFactory.create(file, { device: 'cpu', workers: 2 }).catch((e: unknown) => e)
    expect(onMain).toBeInstanceOf(FerbenchError)
    expect(onPool).toBeInstanceOf(FerbenchError)
    expect((onPool as FerbenchError).kind).toBe('model')
    expect((onPool as FerbenchError).message).toBe((onMain as FerbenchError).message)
  })
})

describe('eval --workers', () => {
  const run = (workers: number): Promise<EvalResult> =>
    evaluate(
      evalSpec({
        model: MODEL,
        preset: 'mini-xception',
        dataset: 'fer2013',
        data: CSV,
        split: 'PrivateTest',
        batch: 4,
        predictions: true,
        predictionScores: true,
      }),
      { workers },
    )

  let zero: EvalResult
  let one: EvalResult
  let two: EvalResult
  beforeAll(async () => {
    zero = await run(0)
    one = await run(1)
    two = await run(2)
  })

  it('N = 1 and N = 2 give byte-identical predictions and the same document apart from runner.workers and timings', () => {
    expect(one.runner.workers).toBe(1)
    expect(two.runner.workers).toBe(2)
    expect(one.dataset.samples).toBeGreaterThan(8) // several batches, so both workers ran some
    expect(JSON.stringify(two.predictions)).toBe(JSON.stringify(one.predictions))
    const comparable = (r: EvalResult) => {
      const { timing: _timing, createdAt: _createdAt, runner, ...rest } = r
      const { workers: _workers, ...runnerRest } = runner
      return JSON.stringify({ ...rest, runner: runnerRest })
    }
    expect(comparable(two)).toBe(comparable(one))
  })

  it('--workers 0 runs on the main thread: no workers recorded, the same predictions', () => {
    expect(zero.runner.workers).toBeUndefined()
    expect(JSON.stringify(zero.predictions)).toBe(JSON.stringify(two.predictions))
  })

  it('--workers with an ONNX model is announced as not applying', () => {
    const cli = runCli([
      'eval',
      '--model',
      path.join(FIXTURES, 'models', 'oracle.onnx'),
      '--data',
      CSV,
      '--workers',
      '2',
      '--json',
    ])
    expect(cli.status).toBe(0)
    const result = JSON.parse(cli.stdout) as EvalResult
    expect(result.runner.workers).toBeUndefined()
    expect(result.warnings.join('\n')).toMatch(/--workers 2: only the tfjs runner uses worker threads/)
  })
})
