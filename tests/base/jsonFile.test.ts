import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { cardError, FerbenchError, modelError } from '../../src/base/errors.js'
import { readJsonFile } from '../../src/base/jsonFile.js'
import { tempDir } from '../helpers/cli.js'

/** The error readJsonFile throws for `file`, or undefined when it reads. */
function failureOf(read: () => unknown): FerbenchError | undefined {
  try {
    read()
    return undefined
  } catch (error) {
    if (error instanceof FerbenchError) return error
    throw error
  }
}

describe('readJsonFile (plain JSON inputs: tfjs model.json, cards)', () => {
  const dir = tempDir('ferbench-jsonfile-')
  const check = { what: 'a TensorFlow.js model.json', fail: modelError, missing: 'model file not found' }

  it('parses a JSON file', () => {
    const file = path.join(dir, 'ok.json')
    writeFileSync(file, '{"format":"graph-model","weightsManifest":[{"paths":["a.bin"]}]}')
    expect(readJsonFile(file, check)).toEqual({ format: 'graph-model', weightsManifest: [{ paths: ['a.bin'] }] })
  })

  it('text that is not JSON: the fail kind (its exit code) and a message naming the file and the parser reason', () => {
    const file = path.join(dir, 'bad.json')
    writeFileSync(file, '{ "format": graph ')
    const error = failureOf(() => readJsonFile(file, check))
    expect(error?.kind).toBe('model')
    expect(error?.exitCode).toBe(4)
    expect(error?.message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid JSON: .+`))
    const asCard = failureOf(() =>
      readJsonFile(file, { what: 'a model card JSON file', fail: cardError, notJson: 'model card is not valid JSON' }),
    )
    expect(asCard?.exitCode).toBe(5)
    expect(asCard?.message).toContain(`${file}: model card is not valid JSON: `)
  })

  it('a missing file, a folder and a file over the limit are refused by name before reading', () => {
    const missing = failureOf(() => readJsonFile(path.join(dir, 'nope.json'), check))
    expect(missing?.message).toBe(
      `${path.join(dir, 'nope.json')}: model file not found (expected a TensorFlow.js model.json)`,
    )
    const folder = path.join(dir, 'folder.json')
    mkdirSync(folder)
    expect(failureOf(() => readJsonFile(folder, check))?.message).toBe(
      `${folder}: is a folder, not a regular file (expected a TensorFlow.js model.json)`,
    )
    const big = path.join(dir, 'big.json')
    writeFileSync(big, '[1, 2, 3, 4]')
    expect(failureOf(() => readJsonFile(big, { ...check, maxBytes: 4 }))?.message).toBe(
      `${big}: 12 bytes is over the 4-byte limit for a TensorFlow.js model.json`,
    )
  })
})
