import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { FerbenchError } from '../../src/base/errors.js'
import { EXIT_CODES } from '../../src/base/exitCodes.js'
import { loadCard } from '../../src/card/load.js'
import { tempDir } from '../helpers/cli.js'

/** A card whose labels say which file it was read from. */
const card = (first: string): string => JSON.stringify({ scale: 'unit', labels: [first, 'neutral'] })

function caught(fn: () => unknown): FerbenchError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(FerbenchError)
    return error as FerbenchError
  }
  throw new Error('expected a FerbenchError')
}

describe('loadCard: --card, else --preset, else the sidecar, else orElse (default: an error)', () => {
  it('takes the order card file > preset > sidecar beside the model', () => {
    const dir = tempDir('ferbench-card-load-')
    const model = path.join(dir, 'm.onnx')
    const given = path.join(dir, 'given.json')
    writeFileSync(given, card('anger'))
    writeFileSync(`${model}.ferbench.json`, card('fear'))
    const never = (): never => {
      throw new Error('orElse must not be called when a card is found')
    }
    const fromFile = loadCard(model, { card: given, preset: 'ferplus' }, never)
    expect([fromFile.source, fromFile.card.labels[0]]).toEqual([given, 'anger'])
    const fromPreset = loadCard(model, { preset: 'ferplus' }, never)
    expect([fromPreset.source, fromPreset.card.labels[0]]).toEqual(['preset:ferplus', 'neutral'])
    const fromSidecar = loadCard(model, {}, never)
    expect([fromSidecar.source, fromSidecar.card.labels[0]]).toEqual([`${model}.ferbench.json`, 'fear'])
  })

  it('looks for m.onnx.ferbench.json, then m.ferbench.json', () => {
    const dir = tempDir('ferbench-card-load-')
    const model = path.join(dir, 'm.onnx')
    writeFileSync(path.join(dir, 'm.ferbench.json'), card('surprise'))
    expect(loadCard(model, {}).source).toBe(path.join(dir, 'm.ferbench.json'))
    writeFileSync(`${model}.ferbench.json`, card('sadness'))
    expect(loadCard(model, {}).card.labels[0]).toBe('sadness')
  })

  it('without any card: orElse answers, else a card error (exit 5) says where a sidecar would go', () => {
    const dir = tempDir('ferbench-card-load-')
    const model = path.join(dir, 'm.onnx')
    expect(loadCard(model, {}, () => undefined)).toBeUndefined()
    const error = caught(() => loadCard(model, {}))
    expect(error.exitCode).toBe(EXIT_CODES.card.code)
    expect(error.message).toContain(`${model}: no model card.`)
    expect(error.message).toContain(`put a card at ${model}.ferbench.json`)
  })

  it('a sidecar that is found but broken is an error even with orElse', () => {
    const dir = tempDir('ferbench-card-load-')
    const model = path.join(dir, 'm.onnx')
    writeFileSync(`${model}.ferbench.json`, JSON.stringify({ scale: 'float', labels: ['anger', 'neutral'] }))
    const error = caught(() => loadCard(model, {}, () => undefined))
    expect(error.exitCode).toBe(EXIT_CODES.card.code)
    expect(error.message).toMatch(/m\.onnx\.ferbench\.json: invalid model card: scale: .*\(received: "float"\)/)
  })
})
