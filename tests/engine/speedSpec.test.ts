import { describe, expect, it } from 'vitest'
import { FerbenchError } from '../../src/base/errors.js'
import { LIMITS } from '../../src/base/limits.js'
import { DEFAULT_REPEATS, speedSpec } from '../../src/engine/speedSpec.js'

describe('SpeedSpec: one spec per speed run, defaults resolved once', () => {
  it('fills the defaults of `ferbench speed`: batch 1, engine threads, cpu, 10 warm-up calls, 50 calls and 2 s per cell, no reference', () => {
    expect(speedSpec({ model: 'm.onnx' })).toStrictEqual({
      model: 'm.onnx',
      device: 'cpu',
      batches: [1],
      threads: [null],
      warmup: 10,
      minIterations: 50,
      minDurationS: 2,
      repeats: undefined,
    })
  })

  it('ABBA blocks only with a reference, DEFAULT_REPEATS unless given', () => {
    expect(speedSpec({ model: 'm.onnx', repeats: 3 }).repeats).toBeUndefined()
    expect(speedSpec({ model: 'm.onnx', reference: 'r.onnx' }).repeats).toBe(DEFAULT_REPEATS)
    expect(speedSpec({ model: 'm.onnx', reference: 'r.onnx', repeats: 3 }).repeats).toBe(3)
  })

  it('a setting out of range is a usage error (exit 2) naming its flag', () => {
    const cases: Array<[Parameters<typeof speedSpec>[0], string]> = [
      [{ model: 'm', batches: [] }, '--batch (empty)'],
      [{ model: 'm', batches: [LIMITS.batch + 1] }, `--batch ${LIMITS.batch + 1}`],
      [{ model: 'm', threads: [0] }, '--threads 0'],
      [{ model: 'm', warmup: -1 }, '--warmup -1'],
      [{ model: 'm', minIterations: 0 }, '--iterations 0'],
      [{ model: 'm', minDurationS: LIMITS.durationS + 1 }, `--duration ${LIMITS.durationS + 1}`],
      [{ model: 'm', reference: 'r', repeats: 0 }, '--repeats 0'],
    ]
    for (const [input, message] of cases) {
      const error = (() => {
        try {
          speedSpec(input)
        } catch (e) {
          return e
        }
        return undefined
      })()
      expect(error, message).toBeInstanceOf(FerbenchError)
      expect((error as FerbenchError).exitCode, message).toBe(2)
      expect((error as FerbenchError).message, message).toContain(message)
    }
  })
})
