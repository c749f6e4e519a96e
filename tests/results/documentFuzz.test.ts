import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { FerbenchError } from '../../src/base/errors.js'
import { evaluate } from '../../src/engine/evaluate.js'
import { evalSpec, type EvalSpecInput } from '../../src/engine/spec.js'
import { mergeShards, readShardFile } from '../../src/engine/merge.js'
import { resumeFromPartial } from '../../src/engine/resume.js'
import type { EvalResult } from '../../src/results/evalDocument.js'
import { FIXTURES, ROOT, tempDir } from '../helpers/cli.js'
import { CANONICAL, expectedConfusion, readFixtureCsv } from '../helpers/oracle.js'

const CSV = path.join(FIXTURES, 'fer2013', 'fer2013.csv')
const ORACLE = path.join(FIXTURES, 'models', 'oracle.onnx')
const SEVEN = CANONICAL.filter((l) => l !== 'contempt')
const EXPECTED = expectedConfusion(readFixtureCsv(CSV), 'PrivateTest', SEVEN)
const BASE: EvalSpecInput = {
  model: ORACLE,
  dataset: 'fer2013',
  data: CSV,
  split: 'PrivateTest',
  batch: 4,
  device: 'cpu',
  extraClasses: 'drop',
  predictions: true,
  concurrency: 1,
}

/** The committed (closed) JSON Schema of eval documents: what every document ferbench writes must pass. */
function evalSchemaErrors(): (doc: unknown) => string[] {
  const ajv = new Ajv2020({ allErrors: true, strict: true })
  ajv.addKeyword('x-ferbench-schema')
  const validate = ajv.compile(
    JSON.parse(readFileSync(path.join(ROOT, 'schemas', 'eval.schema.json'), 'utf8')) as object,
  )
  return (doc) =>
    validate(JSON.parse(JSON.stringify(doc)))
      ? []
      : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`)
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type PathKey = string | number

/** Every path into a JSON value (containers and leaves), in a fixed order. */
function pathsOf(value: Json, at: PathKey[] = [], out: PathKey[][] = []): PathKey[][] {
  out.push(at)
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...at, i], out))
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) pathsOf(v, [...at, k], out)
  return out
}

/** One random change to a document: a value replaced (often a near miss of the old one), a field deleted, or the file cut short. */
type Mutation =
  | { kind: 'set'; at: number; value: Json | 'bump' | 'negate' }
  | { kind: 'delete'; at: number }
  | { kind: 'truncate'; at: number }

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('set' as const),
      at: fc.nat(),
      // near misses (a number one higher, a string with a character more) get past the schema and test the consistency checks
      value: fc.oneof(
        { weight: 4, arbitrary: fc.constant<'bump'>('bump') },
        { weight: 1, arbitrary: fc.constant<'negate'>('negate') },
        { weight: 2, arbitrary: fc.constantFrom<Json>(0, -5, 1, 1e9, '', 'x', null, true, [], {}) },
        { weight: 1, arbitrary: fc.jsonValue() as fc.Arbitrary<Json> },
      ),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
)

/** Applies a mutation to the document text; returns the new text and what was changed, for failure messages. */
function mutate(text: string, m: Mutation): { text: string; what: string } {
  if (m.kind === 'truncate') {
    const cut = m.at % text.length
    return { text: text.slice(0, cut), what: `truncated at ${cut}` }
  }
  const doc = JSON.parse(text) as Json
  const paths = pathsOf(doc).filter((p) => p.length > 0)
  const at = paths[m.at % paths.length]!
  const parent = at.slice(0, -1).reduce<Json>((v, k) => (v as Record<PathKey, Json>)[k]!, doc) as Record<PathKey, Json>
  const key = at[at.length - 1]!
  if (m.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(key as number, 1)
    else delete parent[key]
    return { text: JSON.stringify(doc), what: `deleted ${at.join('.')}` }
  }
  const old = parent[key]!
  const value =
    m.value === 'bump'
      ? typeof old === 'number'
        ? old + 1
        : `${String(old)}!`
      : m.value === 'negate'
        ? typeof old === 'number'
          ? -old - 1
          : !old
        : m.value
  parent[key] = value
  return {
    text: JSON.stringify(doc),
    what: `set ${at.join('.')} = ${JSON.stringify(value)} (was ${JSON.stringify(old)})`,
  }
}

/** A rejection must be a documented error naming something, never a crash (exit 1). */
function expectDocumentedRejection(error: unknown, what: string): void {
  if (!(error instanceof FerbenchError))
    throw new Error(`${what}: not a FerbenchError: ${String(error)}`, { cause: error })
  expect(error.exitCode, `${what}: ${error.message}`).not.toBe(1)
  expect(error.message.length).toBeGreaterThan(0)
}

describe('property: a mutated shard is rejected (exit 3, file named) or merges to the same metrics; merge output always passes the schema', () => {
  const dir = tempDir('ferbench-shardfuzz-')
  const files = [1, 2, 3].map((i) => path.join(dir, `shard-${i}.json`))
  const texts: string[] = []
  const schemaErrors = evalSchemaErrors()

  beforeAll(async () => {
    for (const [i, file] of files.entries()) {
      const doc = await evaluate(evalSpec({ ...BASE, shard: { index: i + 1, count: 3 } }))
      texts.push(JSON.stringify(doc))
      writeFileSync(file, texts[i]!)
    }
    const merged = mergeShards(files.map(readShardFile))
    expect(merged.metrics.confusionMatrix.counts).toEqual(EXPECTED)
  })

  it('200 random mutations', () => {
    let n = 0
    fc.assert(
      fc.property(fc.nat(2), mutation, (which, m) => {
        const { text, what } = mutate(texts[which]!, m)
        const file = path.join(dir, `m${n++}.json`)
        writeFileSync(file, text)
        const shards = files.map((f, i) => (i === which ? file : f))
        let merged: EvalResult
        try {
          merged = mergeShards(shards.map(readShardFile))
        } catch (error) {
          expectDocumentedRejection(error, what)
          expect((error as FerbenchError).exitCode, what).toBe(3)
          return
        }
        expect(merged.metrics.confusionMatrix.counts, what).toEqual(EXPECTED)
        expect(schemaErrors(merged), what).toEqual([])
      }),
      { numRuns: 200, seed: 23 },
    )
  })
})

describe('property: a mutated partial result is rejected with a documented code or resumes to the same metrics', () => {
  const dir = tempDir('ferbench-partialfuzz-')
  let text = ''
  const schemaErrors = evalSchemaErrors()

  beforeAll(async () => {
    const stop = new AbortController()
    const partial = await evaluate(evalSpec(BASE), {
      signal: stop.signal,
      onProgress: (done) => done >= 8 && stop.abort('SIGINT'),
    })
    expect(partial.complete).toBe(false)
    text = JSON.stringify(partial)
  })

  it('60 random mutations (each resumed in process)', async () => {
    let n = 0
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        const { text: mutated, what } = mutate(text, m)
        const file = path.join(dir, `p${n++}.json`)
        writeFileSync(file, mutated)
        let result: EvalResult
        try {
          const { spec, resumeFrom } = await resumeFromPartial(file, 1)
          result = await evaluate(spec, { resumeFrom })
        } catch (error) {
          expectDocumentedRejection(error, what)
          return
        }
        expect(result.complete, what).toBe(true)
        expect(result.metrics.confusionMatrix.counts, what).toEqual(EXPECTED)
        expect(schemaErrors(result), what).toEqual([])
      }),
      { numRuns: 60, seed: 29 },
    )
  })
})
