import { copyFileSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FerbenchError } from '../../src/base/errors.js'
import { evaluate } from '../../src/engine/evaluate.js'
import { PartialResultError } from '../../src/engine/partialResult.js'
import { evalSpec } from '../../src/engine/spec.js'
import type { EvalResult } from '../../src/results/evalDocument.js'
import { FIXTURES, tempDir } from '../helpers/cli.js'
import { grayPng } from '../helpers/builders.js'

const ORACLE = path.join(FIXTURES, 'models', 'oracle.onnx')
const CSV = path.join(FIXTURES, 'fer2013', 'fer2013.csv')

/** The fixture CSV with the emotion code of its `nth` PrivateTest row (0-based) replaced by 9 (not a FER2013 code). */
function csvWithBadPrivateRow(nth: number): { file: string; row: number } {
  const lines = readFileSync(CSV, 'utf8').split('\n')
  let seen = -1
  let row = -1
  for (let i = 1; i < lines.length; i++) {
    if (!lines[i]!.trimEnd().endsWith(',PrivateTest')) continue
    seen += 1
    if (seen === nth) {
      lines[i] = `9${lines[i]!.slice(lines[i]!.indexOf(','))}`
      row = i
      break
    }
  }
  const file = path.join(tempDir(), 'fer2013.csv')
  writeFileSync(file, lines.join('\n'))
  return { file, row }
}

async function failure(run: Promise<unknown>): Promise<FerbenchError> {
  try {
    await run
  } catch (error) {
    if (error instanceof FerbenchError) return error
    throw error
  }
  throw new Error('expected the eval to fail')
}

/** The result without what differs between two runs (timing, creation time). */
function comparable(result: EvalResult): Partial<EvalResult> {
  const { timing: _timing, createdAt: _createdAt, ...rest } = result
  return rest
}

async function evaluateReadingAhead(
  mode: 'always' | 'never',
  ...args: Parameters<typeof evaluate>
): Promise<EvalResult> {
  const before = process.env.FERBENCH_DEBUG_READ_AHEAD
  process.env.FERBENCH_DEBUG_READ_AHEAD = mode
  try {
    return await evaluate(...args)
  } finally {
    if (before === undefined) delete process.env.FERBENCH_DEBUG_READ_AHEAD
    else process.env.FERBENCH_DEBUG_READ_AHEAD = before
  }
}

describe('eval reads the split while the model opens, with the errors of a serial run', () => {
  // every eval here reads ahead from the start (the test hook), whatever the runner's speed
  beforeAll(() => {
    process.env.FERBENCH_DEBUG_READ_AHEAD = 'always'
  })
  afterAll(() => {
    delete process.env.FERBENCH_DEBUG_READ_AHEAD
  })

  it('the same document read ahead or not: a folder of images with undecodable files, a shard', async () => {
    const dir = tempDir()
    const lines = ['path,label']
    for (let i = 0; i < 30; i++) {
      const name = `${String(i).padStart(2, '0')}.png`
      writeFileSync(
        path.join(dir, name),
        i % 7 === 3 ? `broken ${i}` : grayPng(48, 48, new Uint8Array(48 * 48).fill(i * 8)),
      )
      lines.push(`${name},${i % 2 === 0 ? 'neutral' : 'happiness'}`)
    }
    const manifest = path.join(dir, 'manifest.csv')
    writeFileSync(manifest, `${lines.join('\n')}\n`)
    for (const shard of [undefined, { index: 2, count: 3 }]) {
      const spec = evalSpec({
        model: ORACLE,
        dataset: 'manifest',
        data: manifest,
        device: 'cpu',
        extraClasses: 'drop',
        batch: 4,
        ...(shard ? { shard } : {}),
      })
      const ahead = await evaluateReadingAhead('always', spec)
      const serial = await evaluateReadingAhead('never', spec)
      expect(ahead.failures.length).toBeGreaterThan(0)
      expect(comparable(ahead)).toEqual(comparable(serial))
    }
  })

  it('an unusable model is exit 4 before a bad row or a bad split of the data (read meanwhile)', async () => {
    const dir = tempDir()
    const model = path.join(dir, 'm.onnx')
    writeFileSync(model, 'not an onnx protobuf at all')
    copyFileSync(`${ORACLE}.ferbench.json`, `${model}.ferbench.json`)
    const { file } = csvWithBadPrivateRow(0)
    const badRow = await failure(
      evaluate(evalSpec({ model, dataset: 'fer2013', data: file, split: 'PrivateTest', device: 'cpu' })),
    )
    expect(badRow.kind).toBe('model')
    expect(badRow.exitCode).toBe(4)
    expect(badRow.message).toContain(model)
    const badSplit = await failure(
      evaluate(evalSpec({ model, dataset: 'fer2013', data: CSV, split: 'Validation', device: 'cpu' })),
    )
    expect(badSplit.kind).toBe('model')
  })

  it('a bad row read ahead fails at its place: the rows before it are settled, the message names it', async () => {
    const { file, row } = csvWithBadPrivateRow(5)
    const error = await failure(
      evaluate(
        evalSpec({
          model: ORACLE,
          dataset: 'fer2013',
          data: file,
          split: 'PrivateTest',
          device: 'cpu',
          extraClasses: 'drop',
          batch: 2,
        }),
      ),
    )
    expect(error).toBeInstanceOf(PartialResultError)
    const cause = (error as PartialResultError).cause as FerbenchError
    expect(cause.kind).toBe('data')
    expect(cause.message).toBe(`${file} row ${row}: emotion '9' is not a FER2013 code 0–6`)
    const partial = (error as PartialResultError).partial as EvalResult
    expect(partial.complete).toBe(false)
    expect(partial.resume?.settled).toBe(5)
    expect(partial.dataset.samples).toBe(5)
  })

  it('a split the file does not have is the usage error of a serial read', async () => {
    const error = await failure(
      evaluate(
        evalSpec({
          model: ORACLE,
          dataset: 'fer2013',
          data: CSV,
          split: 'Validation',
          device: 'cpu',
          extraClasses: 'drop',
        }),
      ),
    )
    expect(error.kind).toBe('usage')
    expect(error.message).toBe('--split Validation: FER2013 splits are Training, PublicTest, PrivateTest')
  })
})
