import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { type PixelScale, pixelsToBatch } from '../../src/card/pixelTensor.js'
import { evalSpec } from '../../src/engine/spec.js'
import { CORRUPTIONS } from '../../src/results/robustDocument.js'
import { robust } from '../../src/robust/robust.js'
import { onnxRunnerFactory } from '../../src/runners/onnx.js'
import { RemoteOnnxRunner } from '../../src/runners/onnxRemote.js'
import { runGroup } from '../../src/runners/serveRunner.js'
import type { Runner } from '../../src/runners/types.js'
import { seededBytes } from '../helpers/builders.js'
import { FIXTURES } from '../helpers/cli.js'

const ORACLE = path.join(FIXTURES, 'models', 'oracle.onnx')
const CPU = { device: 'cpu' } as const
const PLANE = 48 * 48
const SCALE: PixelScale = { mul: [1 / 255], add: [0], channels: 1, plane: PLANE, layout: 'NCHW' }

describe('batch groups: several inference calls in one message to an engine off the main thread', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('runGroup runs each batch as its own call, at the size asked for, and gives the scores one after another', async () => {
    // a runner whose scores per row are (first float of the row, call number), handed back in one reused buffer
    const calls: number[][] = []
    const reused = new Float32Array(1024)
    const fake = {
      run: async (batch: Float32Array, dims: readonly number[]) => {
        calls.push([...dims])
        const rows = dims[0]!
        for (let r = 0; r < rows; r++) {
          reused[2 * r] = batch[r * 3]!
          reused[2 * r + 1] = calls.length
        }
        return reused.subarray(0, 2 * rows)
      },
    } as unknown as Runner
    const rows = 70
    const batch = Float32Array.from({ length: rows * 3 }, (_, i) => Math.floor(i / 3))
    const out = await runGroup(fake, batch, [rows, 3], 32)
    expect(calls).toEqual([
      [32, 3],
      [32, 3],
      [6, 3],
    ])
    const want = Array.from({ length: rows }, (_, r) => [r, 1 + Math.floor(r / 32)]).flat()
    expect([...out]).toEqual(want)
    // no group: one call, the runner's own scores
    calls.length = 0
    await runGroup(fake, batch.subarray(0, 32 * 3), [32, 3], 32)
    await runGroup(fake, batch.subarray(0, 5 * 3), [5, 3], undefined)
    expect(calls).toEqual([
      [32, 3],
      [5, 3],
    ])
  })

  it('a runner process gives, bit for bit, the scores of one main-thread call per batch, for groups in flight together', async () => {
    const main = await onnxRunnerFactory.create(ORACLE, CPU)
    const remote = await onnxRunnerFactory.create(ORACLE, { ...CPU, offThread: true })
    try {
      expect(remote.groupsBatches).toBe(true)
      // groups of 7-row batches: whole groups, a partial last batch, a group of one batch or less
      const sizes = [21, 70, 7, 3, 50, 14]
      const sent = sizes.map((n, i) => seededBytes(n * PLANE, 300 + i))
      const got = await Promise.all(
        sent.map((p, i) => remote.runPixels!(p, sizes[i]!, SCALE, [sizes[i]!, 1, 48, 48], 7)),
      )
      for (const [i, p] of sent.entries()) {
        const n = sizes[i]!
        const want: number[] = []
        for (let first = 0; first < n; first += 7) {
          const k = Math.min(7, n - first)
          const rows = p.subarray(first * PLANE, (first + k) * PLANE)
          want.push(...(await main.run(pixelsToBatch(rows, k, SCALE, k * PLANE), [k, 1, 48, 48])))
        }
        expect([...got[i]!], `${n} rows`).toEqual(want)
      }
    } finally {
      await remote.release()
      await main.release()
    }
  })

  it('robust sends its batches in groups to the runner process, with the document it gives one batch a message', async () => {
    const grouped = vi.spyOn(RemoteOnnxRunner.prototype, 'runPixels')
    const spec = evalSpec({
      model: ORACLE,
      dataset: 'ckplus',
      data: path.join(FIXTURES, 'ckplus', 'CK+48'),
      batch: 4,
    })
    // each face that loads gives 21 rows (clean + 10 corruptions × 2 severities): a message of 256, then the rest
    const options = { corruptions: [...CORRUPTIONS], severities: [1, 3], seed: 3 }
    const withGroups = await robust(spec, options)
    const rows = withGroups.clean.samples * 21
    expect(rows).toBeGreaterThan(256)
    expect(grouped.mock.calls.map((call) => [call[1], call[4]])).toEqual([
      [256, 4],
      [rows - 256, 4],
    ])
    grouped.mockClear()
    vi.stubEnv('FERBENCH_DEBUG_NO_BATCH_GROUPS', '1')
    vi.resetModules()
    const fresh = (await import('../../src/robust/robust.js')).robust
    const single = vi.spyOn((await import('../../src/runners/onnxRemote.js')).RemoteOnnxRunner.prototype, 'runPixels')
    const oneByOne = await fresh(spec, options)
    expect(single.mock.calls.length).toBe(Math.ceil(rows / 4))
    expect(single.mock.calls.every((call) => call[4] === undefined)).toBe(true)
    vi.unstubAllEnvs()
    const { createdAt: _a, timing: _b, ...a } = withGroups as unknown as Record<string, unknown>
    const { createdAt: _c, timing: _d, ...b } = oneByOne as unknown as Record<string, unknown>
    expect(a).toEqual(b)
  })
})
