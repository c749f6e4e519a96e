import { closeSync, mkdirSync, openSync, ftruncateSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { onnxRunnerFactory } from '../../src/runners/onnx.js'
import { EXTRA_ENGINES, MAX_SPLIT_MODEL_BYTES, engineLayout, extraEnginesDue } from '../../src/runners/onnxEngines.js'
import { FIXTURES, tempDir } from '../helpers/cli.js'
import { mulberry32Floats } from '../helpers/threadHelpers.js'

const ORACLE = path.join(FIXTURES, 'models', 'oracle.onnx')
const CPU = { device: 'cpu' } as const

describe('the ONNX runner process: one single-threaded session per core for a small CPU model', () => {
  it('a short run (the others start only after the first session has been busy a while): the scores, and a release with one session started', async () => {
    const main = await onnxRunnerFactory.create(ORACLE, CPU)
    const remote = await onnxRunnerFactory.create(ORACLE, { ...CPU, offThread: true })
    try {
      const batch = mulberry32Floats(3 * 48 * 48, 650)
      expect(await remote.run(batch, [3, 1, 48, 48])).toEqual(await main.run(batch, [3, 1, 48, 48]))
    } finally {
      await remote.release()
      await main.release()
    }
  })

  it('starts the other engines after 100 ms of engine 0 with a backlog of 4 calls or more, else after 600 ms', () => {
    expect(EXTRA_ENGINES).toEqual({ afterBusyMs: 100, afterLoneBusyMs: 600, backlog: 4 })
    expect(extraEnginesDue(99, 50)).toBe(false)
    expect(extraEnginesDue(100, 4)).toBe(true)
    expect(extraEnginesDue(100, 3)).toBe(false)
    expect(extraEnginesDue(599, 3)).toBe(false)
    expect(extraEnginesDue(600, 0)).toBe(true)
    expect(extraEnginesDue(0, 0, { afterBusyMs: 0, afterLoneBusyMs: 0, backlog: 4 })).toBe(true)
  })

  it('lays out engines only without --threads, on the CPU, for a small model on several cores', () => {
    expect(engineLayout(ORACLE, CPU, 2)).toEqual({ engines: 2, threads: 1 })
    expect(engineLayout(ORACLE, CPU, 3)).toEqual({ engines: 3, threads: 1 })
    expect(engineLayout(ORACLE, CPU, 16)).toEqual({ engines: 4, threads: 4 })
    expect(engineLayout(ORACLE, CPU, 1)).toEqual({ engines: 1, threads: undefined })
    expect(engineLayout(ORACLE, { ...CPU, threads: 2 }, 8)).toEqual({ engines: 1, threads: 2 })
    expect(engineLayout(ORACLE, { device: 'gpu' }, 8)).toEqual({ engines: 1, threads: undefined })
    expect(engineLayout(path.join(tempDir(), 'missing.onnx'), CPU, 8)).toEqual({ engines: 1, threads: undefined })
    const dir = tempDir()
    mkdirSync(dir, { recursive: true })
    const big = path.join(dir, 'big.onnx')
    for (const [bytes, engines] of [
      [MAX_SPLIT_MODEL_BYTES, 2],
      [MAX_SPLIT_MODEL_BYTES + 1, 1],
    ] as const) {
      const fd = openSync(big, 'w')
      ftruncateSync(fd, bytes) // sparse: no data written
      closeSync(fd)
      expect(engineLayout(big, CPU, 2).engines).toBe(engines)
    }
  })

  it('scores many batches in flight bit for bit as one main-thread session does, in call order, with the same info', async () => {
    const { engines } = engineLayout(ORACLE, CPU)
    const main = await onnxRunnerFactory.create(ORACLE, CPU)
    // the extra engines start after the first reply (the runner process reads the hook at its start)
    process.env.FERBENCH_DEBUG_ENGINES_AFTER_MS = '0'
    const remote = await onnxRunnerFactory.create(ORACLE, { ...CPU, offThread: true })
    delete process.env.FERBENCH_DEBUG_ENGINES_AFTER_MS
    try {
      const first = mulberry32Floats(2 * 48 * 48, 699)
      expect(await remote.run(first, [2, 1, 48, 48])).toEqual(await main.run(first, [2, 1, 48, 48]))
      await new Promise((resolve) => setTimeout(resolve, 500)) // the others' sessions get ready meanwhile
      expect(remote.parallelCalls).toBe(engines)
      expect(remote.info).toEqual(main.info)
      const sizes = [5, 1, 8, 3, 8, 2, 7, 4, 6, 1, 8, 8]
      const batches = sizes.map((n, i) => mulberry32Floats(n * 48 * 48, 700 + i))
      // all sent at once: with several engines, small batches return before big ones sent earlier
      const pending = batches.map((b, i) => remote.run(b, [sizes[i]!, 1, 48, 48]))
      const got = await Promise.all(pending)
      for (const [i, b] of batches.entries()) expect(got[i]).toEqual(await main.run(b, [sizes[i]!, 1, 48, 48]))
      expect(remote.busyMs).toBeGreaterThan(0)
    } finally {
      await remote.release()
      await main.release()
    }
  })
})
