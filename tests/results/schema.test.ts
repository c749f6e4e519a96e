import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { beforeAll, describe, expect, it } from 'vitest'
import { DOCUMENT_SCHEMAS, schemaFileName, schemaText, type DocumentKind } from '../../src/results/index.js'
import { FIXTURES, ROOT, runCli, runJson, tempDir } from '../helpers/cli.js'
import { degrade, write, type EvalDoc } from '../helpers/gateDocs.js'

const kinds = Object.keys(DOCUMENT_SCHEMAS) as DocumentKind[]

function validator(kind: DocumentKind): (doc: unknown) => string[] {
  const ajv = new Ajv2020({ allErrors: true, strict: true })
  ajv.addKeyword('x-ferbench-schema')
  const validate = ajv.compile(
    JSON.parse(readFileSync(path.join(ROOT, 'schemas', schemaFileName(kind)), 'utf8')) as object,
  )
  return (doc) =>
    validate(doc)
      ? []
      : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`)
}

describe('committed JSON Schemas', () => {
  it.each(kinds)('schemas/%s.schema.json equals the one generated from the code (npm run schemas)', (kind) => {
    expect(readFileSync(path.join(ROOT, 'schemas', schemaFileName(kind)), 'utf8')).toBe(schemaText(kind))
  })
})

describe('documents the tests produce validate against the committed schemas', () => {
  let dir: string
  const docs: Record<DocumentKind, unknown[]> = {
    eval: [],
    speed: [],
    cv: [],
    compare: [],
    gate: [],
    leaderboard: [],
    doctor: [],
    robust: [],
  }
  const model = path.join(FIXTURES, 'models', 'oracle.onnx')

  beforeAll(() => {
    dir = tempDir('ferbench-schema-')
    const evalRun = runJson<EvalDoc>(['eval', '--embed-predictions'])
    docs.eval.push(evalRun.json)
    docs.eval.push(
      runJson<EvalDoc>([
        'eval',
        '--model',
        model,
        '--data',
        path.join(FIXTURES, 'fer2013', 'fer2013.csv'),
        '--extra-classes',
        'keep',
      ]).json,
    )
    // a permuted card: the result carries suggestedCardLabels
    const card = JSON.parse(readFileSync(`${model}.ferbench.json`, 'utf8')) as { labels: string[] }
    const permutedCard = path.join(dir, 'permuted.json')
    writeFileSync(
      permutedCard,
      JSON.stringify({ ...card, labels: [...card.labels.slice(1, 7), card.labels[0], card.labels[7]] }),
    )
    docs.eval.push(
      runJson<EvalDoc>([
        'eval',
        '--model',
        model,
        '--card',
        permutedCard,
        '--data',
        path.join(FIXTURES, 'fer2013', 'fer2013.csv'),
      ]).json,
    )
    // slices and temperature scaling
    docs.eval.push(
      runJson<EvalDoc>([
        'eval',
        '--model',
        model,
        '--dataset',
        'rafdb',
        '--data',
        path.join(FIXTURES, 'rafdb', 'basic'),
        '--slice-by',
        'gender',
        '--slice-min-samples',
        '2',
        '--calibrate',
        'temperature',
        '--calibration-split',
        'train',
      ]).json,
    )
    const sliced = write(dir, 'sliced.json', docs.eval[docs.eval.length - 1] as EvalDoc)
    docs.gate.push(runJson(['gate', '--baseline', sliced, '--current', sliced, '--max-group-gap', '5']).json)
    docs.robust.push(runJson(['robust', '--corruptions', 'jpeg,occlusion-eyes', '--severities', '1,5']).json)
    const base = write(dir, 'base.json', evalRun.json)
    const cur = write(dir, 'cur.json', degrade(evalRun.json, 8))
    docs.compare.push(runJson(['compare', base, cur]).json)
    docs.gate.push(runJson(['gate', '--baseline', base, '--current', cur, '--max-class-recall-drop', '5']).json)
    const cv = runJson([
      'eval',
      '--model',
      model,
      '--dataset',
      'jaffe',
      '--data',
      path.join(FIXTURES, 'jaffe', 'jaffe'),
      '--folds',
      '3',
    ])
    docs.cv.push(cv.json)
    const cvFile = write(dir, 'cv.json', cv.json)
    docs.compare.push(runJson(['compare', cvFile, cvFile]).json)
    docs.gate.push(runJson(['gate', '--baseline', cvFile, '--current', cvFile]).json)
    docs.eval.push(runJson<EvalDoc>(['eval', '--no-embed-predictions']).json)
    const speedFile = path.join(dir, 'speed.json')
    const speed = runCli([
      'speed',
      '--model',
      model,
      '--reference',
      model,
      '--warmup',
      '1',
      '--iterations',
      '3',
      '--duration',
      '0',
      '--output',
      speedFile,
    ])
    if (speed.status !== 0) throw new Error(`speed failed: ${speed.stderr}`)
    docs.speed.push(JSON.parse(readFileSync(speedFile, 'utf8')))
    docs.gate.push(
      runJson(['gate', '--baseline', speedFile, '--current', speedFile, '--max-latency-increase', '10']).json,
    )
    docs.leaderboard.push(runJson(['leaderboard', dir]).json)
    docs.doctor.push(
      runJson([
        'models',
        'doctor',
        '--model',
        model,
        '--dataset',
        'fer2013',
        '--data',
        path.join(FIXTURES, 'fer2013', 'fer2013.csv'),
        '--split',
        'PrivateTest',
      ]).json,
    )
  })

  it.each(kinds)('%s documents', (kind) => {
    expect(docs[kind].length).toBeGreaterThan(0)
    const check = validator(kind)
    for (const doc of docs[kind]) expect(check(doc)).toEqual([])
  })

  // the zod schema is the document's only definition (its type is inferred from it): every field a
  // command writes must be in it, so parsing a produced document drops nothing and changes nothing
  it.each(kinds)('%s documents parse with the zod schema and round-trip unchanged', (kind) => {
    const { schema } = DOCUMENT_SCHEMAS[kind]
    for (const doc of docs[kind]) expect(schema.parse(doc)).toStrictEqual(doc)
  })

  it('rejects a document with an unknown field or a wrong type', () => {
    const check = validator('eval')
    const doc = JSON.parse(JSON.stringify(docs.eval[0])) as Record<string, unknown>
    expect(check({ ...doc, surprise: 1 }).join(' ')).toMatch(/additional properties.*surprise/)
    expect(check({ ...doc, complete: 'yes' }).join(' ')).toMatch(/\/complete/)
  })
})
