import { createHash } from 'node:crypto'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { FerbenchError } from '../../src/base/errors.js'
import { inspectModel } from '../../src/model/inspect.js'
import { modelFile, openModel, type CardSource, type OpenModelRequest } from '../../src/model/openModel.js'
import { FIXTURES } from '../helpers/cli.js'

const ORACLE = path.join(FIXTURES, 'models', 'oracle.onnx')
const ORACLE_CARD = `${ORACLE}.ferbench.json`
const tmp = mkdtempSync(path.join(os.tmpdir(), 'ferbench-open-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/** The oracle model copied where no sidecar lies beside it. */
const BARE = path.join(tmp, 'bare.onnx')
copyFileSync(ORACLE, BARE)
const CPU = { device: 'cpu' } as const

/** The FerbenchError a promise rejects with (or the failure of the test when it does not). */
async function failure(promise: Promise<unknown>): Promise<FerbenchError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof FerbenchError) return error
    throw error
  }
  throw new Error('expected a FerbenchError')
}

const request = (over: Partial<OpenModelRequest>): OpenModelRequest => ({
  model: ORACLE,
  withoutCard: { kind: 'error' },
  runner: CPU,
  ...over,
})

describe('openModel: file, card, runner, in that order', () => {
  it('checks the file before the card: a missing model with a missing --card file is exit 4 naming the model', async () => {
    const missing = path.join(tmp, 'nope.onnx')
    const error = await failure(openModel(request({ model: missing, card: path.join(tmp, 'nocard.json') })))
    expect(error.exitCode).toBe(4)
    expect(error.message).toBe(`${missing}: model file not found (expected a model file: .onnx, or a tfjs model.json)`)
  })

  it('a folder named as a model is exit 4 before any card is read', async () => {
    const folder = path.join(tmp, 'folder.onnx')
    mkdirSync(folder)
    const error = await failure(openModel(request({ model: folder, card: path.join(tmp, 'nocard.json') })))
    expect(error.exitCode).toBe(4)
    expect(error.message).toContain(`${folder}: is a folder, not a regular file`)
  })

  it('with the check left to the runner, the card comes first (exit 5), then the runner names its own file type', async () => {
    const missing = path.join(tmp, 'gone.onnx')
    const cardFirst = await failure(
      openModel(request({ model: missing, check: 'by the runner', card: path.join(tmp, 'nocard.json') })),
    )
    expect(cardFirst.exitCode).toBe(5)
    expect(cardFirst.message).toContain('nocard.json')
    const byRunner = await failure(
      openModel(request({ model: missing, check: 'by the runner', withoutCard: { kind: 'none' } })),
    )
    expect(byRunner.exitCode).toBe(4)
    expect(byRunner.message).toBe(`${missing}: model file not found (expected an ONNX model file)`)
  })

  it('takes --card, else --preset, else the sidecar, and says which', async () => {
    const cardFile = path.join(tmp, 'given.json')
    writeFileSync(cardFile, readFileSync(ORACLE_CARD))
    const cases = [
      [{ card: cardFile, preset: 'ferplus' }, cardFile],
      [{ preset: 'ferplus' }, 'preset:ferplus'],
      [{}, ORACLE_CARD],
    ] as const
    for (const [choice, source] of cases) {
      const file = modelFile(ORACLE)
      const card = await file.chooseCard(choice, { kind: 'error' })
      expect(card?.source).toBe(source)
      expect(file.card).toBe(card)
    }
  })

  it('without a card: exit 5 naming the doctor command on the run’s own data, and the presets that fit the input', async () => {
    const error = await failure(
      openModel(
        request({
          model: BARE,
          withoutCard: { kind: 'error', data: { dataset: 'fer2013', data: 'f.csv', split: 'PrivateTest' } },
        }),
      ),
    )
    expect(error.exitCode).toBe(5)
    expect(error.message).toContain(`${BARE}: no model card.`)
    expect(error.message).toContain(
      `ferbench models doctor --model ${BARE} --dataset fer2013 --data f.csv --split PrivateTest --write-card ${BARE}.ferbench.json`,
    )
    // the oracle's input, read from the file: [N, 1, 48, 48]
    expect(error.message).toMatch(/this model's input \[[^\]]*, 1, 48, 48\]/)
    // a given input replaces the one read from the file
    const given = await failure(
      modelFile(BARE).chooseCard({}, { kind: 'error', modelInput: async () => ({ name: 'x', shape: [1, 3, 7, 7] }) }),
    )
    expect(given.message).toContain("No built-in preset's input fits this model's input [1, 3, 7, 7].")
    expect(given.message).toContain('--dataset <name> --data <path>')
  })

  it('without a card: `none` goes on to the runner; a stand-in is used and announced once', async () => {
    const opened = await openModel(request({ model: BARE, withoutCard: { kind: 'none' } }))
    try {
      expect(opened.card).toBeUndefined()
      expect(opened.runner.input.shape.slice(1)).toEqual([1, 48, 48])
    } finally {
      await opened.runner.release()
    }
    const standIn: CardSource = {
      card: { input: {}, scale: 'raw255', labels: ['neutral', 'happiness'] },
      source: 'stand-in',
    }
    const file = modelFile(BARE)
    const card = await file.chooseCard({}, { kind: 'stand-in', card: standIn, note: 'no card: a stand-in' })
    expect(card).toBe(standIn)
    expect(file.notes).toEqual(['no card: a stand-in'])
    // a card found wins over the stand-in, and nothing is announced
    const withSidecar = modelFile(ORACLE)
    expect((await withSidecar.chooseCard({}, { kind: 'stand-in', card: standIn, note: 'unused' }))?.source).toBe(
      ORACLE_CARD,
    )
    expect(withSidecar.notes).toEqual([])
  })

  it('resolves the card against the runner’s input; a model error names the model file only when asked', async () => {
    const opened = await openModel(request({}))
    try {
      const card = opened.file.resolveCard(opened.runner.input)
      expect(card.input).toMatchObject({ height: 48, width: 48, channels: 1, layout: 'NCHW' })
      expect(card.origin.source).toBe(ORACLE_CARD)
    } finally {
      await opened.runner.release()
    }
    const wrong = path.join(tmp, 'wrong.json')
    writeFileSync(wrong, JSON.stringify({ ...JSON.parse(readFileSync(ORACLE_CARD, 'utf8')), input: { height: 64 } }))
    const file = modelFile(ORACLE)
    await file.chooseCard({ card: wrong }, { kind: 'error' })
    const input = { name: 'input', shape: [1, 1, 48, 48] }
    const plain = await failure(Promise.resolve().then(() => file.resolveCard(input)))
    const named = await failure(Promise.resolve().then(() => file.resolveCard(input, { namingModel: true })))
    expect(plain.exitCode).toBe(4)
    expect(plain.message).toMatch(/^model input 'input' with shape \[1, 1, 48, 48\]: card says input.height 64/)
    expect(named.message).toBe(`${ORACLE}: ${plain.message}`)
  })

  it('models inspect reads the file before the card, and shows a missing sidecar card as a note', async () => {
    const garbage = path.join(tmp, 'garbage.onnx')
    writeFileSync(garbage, 'not a protobuf at all')
    const error = await failure(inspectModel(garbage, { card: path.join(tmp, 'nocard.json') }))
    expect(error.exitCode).toBe(4)
    expect(error.message).toContain(garbage)
    const bare = await inspectModel(BARE)
    expect(bare.card).toBeNull()
    expect(bare.cardKind).toBeNull()
    expect(bare.cardNote).toContain(`${BARE}: no model card.`)
    expect(bare.cardNote).toContain('--dataset <name> --data <path>')
  })

  it('hashes the model once: sha256 and bytes of the file', async () => {
    const file = modelFile(ORACLE)
    const bytes = readFileSync(ORACLE)
    const first = file.identity()
    expect(file.identity()).toBe(first)
    const identity = await first
    expect(identity.sha256).toBe(createHash('sha256').update(bytes).digest('hex'))
    expect(identity.bytes).toBe(bytes.length)
  })
})
