import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { FerbenchError } from '../../src/base/errors.js'
import { doctor } from '../../src/doctor/doctor.js'
import { FIXTURES } from '../helpers/cli.js'

const DATA = { dataset: 'fer2013', data: path.join(FIXTURES, 'fer2013', 'fer2013.csv'), split: 'PrivateTest' }

async function failure(promise: Promise<unknown>): Promise<FerbenchError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!(error instanceof FerbenchError)) throw new Error(`expected a FerbenchError, got ${String(error)}`)
  return error
}

describe('models doctor opens the model as before (src/model/openModel.ts, check by the runner)', () => {
  it('the card comes before the model file, and the runner names its own file type', async () => {
    const missing = path.join(FIXTURES, 'models', 'no-such-model.onnx')
    const missingCard = path.join(FIXTURES, 'models', 'no-such-card.json')
    const cardFirst = await failure(doctor({ ...DATA, model: missing, card: missingCard }))
    expect(cardFirst.exitCode).toBe(5)
    expect(cardFirst.message).toContain(missingCard)
    const byRunner = await failure(doctor({ ...DATA, model: missing }))
    expect(byRunner.exitCode).toBe(4)
    expect(byRunner.message).toBe(`${missing}: model file not found (expected an ONNX model file)`)
  })
})
