import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { FerbenchError } from '../../src/base/errors.js'
import { mulberry32Floats } from '../helpers/threadHelpers.js'
import { onnxRunnerFactory } from '../../src/runners/onnx.js'
import { FIXTURES, tempDir } from '../helpers/cli.js'
import { bandMeans } from '../helpers/oracle.js'

const ORACLE = path.join(FIXTURES, 'models', 'oracle.onnx')

async function errorOf(work: Promise<unknown>): Promise<FerbenchError> {
  try {
    await work
  } catch (error) {
    expect(error).toBeInstanceOf(FerbenchError)
    return error as FerbenchError
  }
  throw new Error('expected a FerbenchError')
}

describe('ONNX runner on a worker thread (eval on the CPU)', () => {
  it('gives bit-identical scores to the main-thread runner, batches in order, with the same info', async () => {
    const main = await onnxRunnerFactory.create(ORACLE, { device: 'cpu' })
    const threaded = await onnxRunnerFactory.create(ORACLE, { device: 'cpu', offThread: true })
    try {
      expect(threaded.info).toEqual(main.info)
      expect(threaded.input).toEqual(main.input)
      expect(threaded.outputs).toEqual(main.outputs)
      expect(main.busyMs).toBeUndefined()
      const batches = [3, 1, 5].map((n, i) => mulberry32Floats(n * 48 * 48, 100 + i))
      // All three sent before any is awaited: the caller may refill its buffer at once (the runner copied it).
      const pending = batches.map((b) => threaded.run(b, [b.length / 2304, 1, 48, 48]))
      const reused = batches[0]!
      const expected0 = Float32Array.from(await main.run(reused, [3, 1, 48, 48]))
      reused.fill(0)
      const got = await Promise.all(pending)
      expect(got[0]).toEqual(expected0)
      for (const [i, b] of batches.slice(1).entries())
        expect(got[i + 1]).toEqual(await main.run(b, [b.length / 2304, 1, 48, 48]))
      // The oracle's rule, computed here: score k = mean of rows 6k..6k+5.
      const first = Array.from(mulberry32Floats(2304, 101))
      const means = bandMeans(first)
      for (let k = 0; k < 8; k++) expect(got[1]![k]).toBeCloseTo(means[k]!, 3)
      expect(threaded.busyMs).toBeGreaterThan(0)
    } finally {
      await main.release()
      await threaded.release()
    }
  })

  it('runPixels: a batch sent as pixels gives bit-identical scores to run() on its floats (runner process)', async () => {
    const main = await onnxRunnerFactory.create(ORACLE, { device: 'cpu' })
    const remote = await onnxRunnerFactory.create(ORACLE, { device: 'cpu', offThread: true })
    try {
      expect(remote.runPixels).toBeDefined()
      const scale = { mul: [Math.fround(1 / 255)], add: [0], channels: 1, plane: 2304, layout: 'NCHW' as const }
      const pixels = Uint8Array.from({ length: 3 * 2304 }, (_, i) => (i * 7919) % 256)
      // 3 rows in a call of 4 (a fixed batch): the fourth row is zeros
      const pending = remote.runPixels!(pixels, 3, scale, [4, 1, 48, 48])
      pixels.fill(0) // copied at once: the caller may refill its buffer
      const floats = new Float32Array(4 * 2304)
      for (let i = 0; i < 3 * 2304; i++) floats[i] = ((i * 7919) % 256) * Math.fround(1 / 255)
      const got = await pending
      expect(got).toEqual(await main.run(floats, [4, 1, 48, 48]))
      // The oracle's rule, computed here: score k = mean of rows 6k..6k+5 of the image.
      const means = bandMeans(Array.from(floats.subarray(0, 2304)))
      for (let k = 0; k < 8; k++) expect(got[k]).toBeCloseTo(means[k]!, 3)
      const last = bandMeans(Array.from(floats.subarray(3 * 2304)))
      for (let k = 0; k < 8; k++) expect(got[3 * 8 + k]).toBeCloseTo(last[k]!, 3)
    } finally {
      await main.release()
      await remote.release()
    }
  })

  it('runPixels: float buffers the runner process reuses from call to call give each call its own scores', async () => {
    const main = await onnxRunnerFactory.create(ORACLE, { device: 'cpu' })
    const remote = await onnxRunnerFactory.create(ORACLE, { device: 'cpu', offThread: true })
    try {
      const scale = { mul: [1], add: [0], channels: 1, plane: 2304, layout: 'NCHW' as const }
      // 20 calls of a fixed batch of 4, full and partial in turn: a reused buffer that kept a full
      // call's rows would give a partial call's padding rows that image's scores instead of zeros'
      const rowsOf = (c: number): number => (c % 3 === 2 ? 1 : 4)
      const pixelsOf = (c: number): Uint8Array =>
        Uint8Array.from({ length: rowsOf(c) * 2304 }, (_, i) => (i * 31 + c * 977) % 256)
      // one call at a time, so each finds the buffers of the calls before it back in the pool
      const got: Float32Array[] = []
      for (let c = 0; c < 20; c++) got.push(await remote.runPixels!(pixelsOf(c), rowsOf(c), scale, [4, 1, 48, 48]))
      for (let c = 0; c < 20; c++) {
        const floats = new Float32Array(4 * 2304)
        floats.set(pixelsOf(c))
        expect(got[c], `call ${c}`).toEqual(await main.run(floats, [4, 1, 48, 48]))
        if (rowsOf(c) === 1) for (let k = 0; k < 8; k++) expect(got[c]![3 * 8 + k]).toBe(0) // an all-zero image: every band mean 0
      }
    } finally {
      await main.release()
      await remote.release()
    }
  })

  it('reports the same errors, with the same kinds (exit codes), as the main-thread runner', async () => {
    const missing = path.join(tempDir(), 'missing.onnx')
    const a = await errorOf(onnxRunnerFactory.create(missing, { device: 'cpu' }))
    const b = await errorOf(onnxRunnerFactory.create(missing, { device: 'cpu', offThread: true }))
    expect([b.kind, b.message]).toEqual([a.kind, a.message])
    const junk = path.join(tempDir(), 'junk.onnx')
    writeFileSync(junk, 'not a model')
    const c = await errorOf(onnxRunnerFactory.create(junk, { device: 'cpu' }))
    const d = await errorOf(onnxRunnerFactory.create(junk, { device: 'cpu', offThread: true }))
    expect([d.kind, d.message]).toEqual([c.kind, c.message])
    const threaded = await onnxRunnerFactory.create(ORACLE, { device: 'cpu', offThread: true })
    try {
      const e = await errorOf(threaded.run(new Float32Array(10), [1, 1, 2, 5]))
      expect(e.kind).toBe('model')
      expect(e.message).toMatch(/inference failed for input/)
      // The worker survives a failed batch.
      expect((await threaded.run(new Float32Array(2304), [1, 1, 48, 48])).length).toBe(8)
    } finally {
      await threaded.release()
    }
  })
})
