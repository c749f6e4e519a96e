import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { EvalResult } from '../../src/results/evalDocument.js'
import { FIXTURES, runCli, runJson, tempDir } from '../helpers/cli.js'
import { CANONICAL, expectedConfusion, readFixtureCsv } from '../helpers/oracle.js'
import { withoutTiming } from '../helpers/robustnessDocs.js'

const CSV = path.join(FIXTURES, 'fer2013', 'fer2013.csv')
const VOTES = path.join(FIXTURES, 'ferplus', 'fer2013new.csv')
const ORACLE = path.join(FIXTURES, 'models', 'oracle.onnx')
const rows = readFixtureCsv(CSV)
const SEVEN = CANONICAL.filter((l) => l !== 'contempt')
const privateRows = rows.filter((r) => r.usage === 'PrivateTest')

/**
 * A partial result made without signals: PrivateTest row 12 of a copy of the fixture is broken,
 * so the run stops there with a data error and keeps the samples settled before it. Returns the
 * partial, the data file (fixed again, ready to resume) and the eval arguments.
 */
function partialRun(dir: string, extra: string[] = [], cwd?: string): { out: string; data: string; args: string[] } {
  const data = path.join(dir, 'fer2013.csv')
  const lines = readFileSync(CSV, 'utf8').split('\n')
  const bad = privateRows[12]!
  const good = lines[bad.row]!
  lines[bad.row] = good.replace(/,PrivateTest$/, ' 300,PrivateTest')
  writeFileSync(data, lines.join('\n'))
  const out = path.join(dir, 'partial.json')
  const args = ['eval', '--model', ORACLE, '--data', cwd ? path.relative(cwd, data) : data, '--batch', '4', ...extra]
  const run = runCli([...args, '--output', path.join(dir, 'partial.json')], cwd ? { cwd } : {})
  expect(run.status, run.stderr).toBe(3)
  expect(run.stderr).toMatch(/partial result \(complete:false\) written to/)
  lines[bad.row] = good
  writeFileSync(data, lines.join('\n'))
  return { out, data, args }
}

type Doc = Record<string, unknown> & EvalResult

describe('--resume on a tampered partial result: exit 3 naming the file and field; the partial is kept', () => {
  const dir = tempDir('ferbench-tamper-')
  const { out } = partialRun(dir)
  const original = readFileSync(out, 'utf8')
  const partial = JSON.parse(original) as Doc
  const k = partial.resume!.settled

  const cases: Array<[string, (d: Doc) => unknown, RegExp]> = [
    ['settled −5', (d) => (d.resume!.settled = -5), /resume\.settled: Too small: expected number to be >=0/],
    [
      'settled 0',
      (d) => (d.resume!.settled = 0),
      new RegExp(`resume\\.settled is 0 but the result holds ${k} scored and 0 failed samples`),
    ],
    [
      'settled more than the samples held',
      (d) => (d.resume!.settled = k + 3),
      new RegExp(`resume\\.settled is ${k + 3} but the result holds ${k} scored`),
    ],
    [
      'settled as a string',
      (d) => ((d.resume as unknown as Record<string, unknown>).settled = String(k)),
      /resume\.settled: Invalid input: expected number, received string/,
    ],
    [
      'a count changed',
      (d) => (d.metrics.confusionMatrix.counts[0]![0]! += 1),
      /dataset\.samples is \d+ but the confusion matrix counts \d+ samples/,
    ],
    [
      'a count moved within its row',
      (d) => {
        const row = d.metrics.confusionMatrix.counts.find((r) => r[0]! > 0 || r[1]! > 0)!
        if (row[0]! > 0) {
          row[0]! -= 1
          row[1]! += 1
        } else {
          row[1]! -= 1
          row[0]! += 1
        }
      },
      /metrics\.\w+ is .* but the confusion matrix gives/,
    ],
    [
      'a negative count',
      (d) => (d.metrics.confusionMatrix.counts[1]![2] = -1),
      /metrics\.confusionMatrix\.counts\.1\.2: Too small/,
    ],
    [
      'samples as null',
      (d) => ((d.dataset as unknown as Record<string, unknown>).samples = null),
      /dataset\.samples: Invalid input: expected number, received null/,
    ],
    [
      'a digest that is not a digest',
      (d) => (d.dataset.digest = 'abc'),
      /dataset\.digest 'abc' is not 64 lowercase hex digits/,
    ],
    [
      'settledDigest changed',
      (d) => (d.resume!.settledDigest = '0'.repeat(64)),
      /resume\.settledDigest differs from dataset\.digest although no sample failed/,
    ],
    ['batch 0', (d) => (d.resume!.options.batch = 0), /resume\.options\.batch: Too small/],
    [
      'an unknown device',
      (d) => ((d.resume!.options as Record<string, unknown>).device = 'tpu'),
      /resume\.options\.device: Invalid option/,
    ],
    ['no resume section', (d) => delete d.resume, /field 'resume' is missing/],
    [
      'the schema field',
      (d) => (d.schema = 'ferbench/eval@0' as Doc['schema']),
      /field 'schema' is "ferbench\/eval@0"; expected 'ferbench\/eval@1'/,
    ],
  ]

  it.each(cases)('%s', (_name, mutate, message) => {
    const file = path.join(dir, `t-${_name.replace(/\W+/g, '-')}.json`)
    const doc = JSON.parse(original) as Doc
    mutate(doc)
    const text = JSON.stringify(doc)
    writeFileSync(file, text)
    const run = runCli(['eval', '--resume', file])
    expect(run.stderr).toMatch(message)
    expect(run.stderr).toContain(file)
    expect(run.status, run.stderr).toBe(3)
    expect(readFileSync(file, 'utf8')).toBe(text) // kept as it was
  })

  it('a truncated partial result, and one that is not JSON at all', () => {
    for (const [name, text] of [
      ['cut.json', original.slice(0, original.length >> 1)],
      ['binary.json', '\u0000\u0001\u00ff PNG'],
    ] as const) {
      const file = path.join(dir, name)
      writeFileSync(file, text)
      const run = runCli(['eval', '--resume', file])
      expect(run.status, run.stderr).toBe(3)
      expect(run.stderr).toContain(`${file}: not a JSON document`)
    }
  })

  it('the untampered partial resumes to the uninterrupted result (nothing scored lost)', () => {
    const run = runCli(['eval', '--resume', out])
    expect(run.status, run.stderr).toBe(0)
    const final = JSON.parse(readFileSync(out, 'utf8')) as EvalResult
    expect(final.metrics.confusionMatrix.counts).toEqual(expectedConfusion(rows, 'PrivateTest', SEVEN))
  })
})

describe('--resume from another working directory', () => {
  it('relative --data and --labels are stored resolved: the same files are read, not those of the new directory', () => {
    const root = tempDir('ferbench-cwd-')
    const a = path.join(root, 'a')
    const b = path.join(root, 'b')
    mkdirSync(path.join(a, 'data'), { recursive: true })
    mkdirSync(path.join(b, 'data'), { recursive: true })
    copyFileSync(VOTES, path.join(a, 'data', 'votes.csv'))
    // b holds other files at the same relative paths: votes with every row's first two counts swapped
    const otherVotes = readFileSync(VOTES, 'utf8')
      .split('\n')
      .map((l, i) => (i === 0 || l === '' ? l : l.replace(/^([^,]*,[^,]*),(\d+),(\d+),/, '$1,$3,$2,')))
      .join('\n')
    writeFileSync(path.join(b, 'data', 'votes.csv'), otherVotes)
    const { out, args } = partialRun(
      path.join(a, 'data'),
      ['--dataset', 'ferplus', '--labels', path.join('data', 'votes.csv')],
      a,
    )
    copyFileSync(path.join(a, 'data', 'fer2013.csv'), path.join(b, 'data', 'fer2013.csv'))
    const partial = JSON.parse(readFileSync(out, 'utf8')) as EvalResult
    expect(partial.resume!.options.data).toBe(path.join(a, 'data', 'fer2013.csv'))
    expect(partial.resume!.options.datasetOptions?.labels).toBe(path.join(a, 'data', 'votes.csv'))

    const resumed = runCli(['eval', '--resume', out], { cwd: b })
    expect(resumed.status, resumed.stderr).toBe(0)
    const uninterrupted = runJson<EvalResult>(args, { cwd: a }).json
    expect(JSON.stringify(withoutTiming(JSON.parse(readFileSync(out, 'utf8')) as EvalResult))).toBe(
      JSON.stringify(withoutTiming(uninterrupted)),
    )
  })
})

describe('merge on tampered shards: exit 3 naming the file and field, nothing written', () => {
  const dir = tempDir('ferbench-tamper-shards-')
  const shards = [1, 2].map((i) => path.join(dir, `shard-${i}.json`))
  shards.forEach((file, i) =>
    expect(runCli(['eval', '--model', ORACLE, '--data', CSV, '--shard', `${i + 1}/2`, '--output', file]).status).toBe(
      0,
    ),
  )

  const cases: Array<[string, (d: Doc) => unknown, RegExp]> = [
    [
      'a count raised (the merge would count a sample twice)',
      (d) => (d.metrics.confusionMatrix.counts[0]![0]! += 1),
      /shard-2-t\.json: dataset\.samples is \d+ but the confusion matrix counts \d+ samples/,
    ],
    [
      'accuracy edited',
      (d) => (d.metrics.accuracy = 1),
      /shard-2-t\.json: metrics\.accuracy is 1 but the confusion matrix gives/,
    ],
    [
      'a negative count',
      (d) => (d.metrics.confusionMatrix.counts[0]![1] = -3),
      /shard-2-t\.json: not a valid ferbench\/eval@1 document: metrics\.confusionMatrix\.counts\.0\.1: Too small/,
    ],
    [
      'samples as a string',
      (d) => ((d.dataset as unknown as Record<string, unknown>).samples = '7'),
      /dataset\.samples: Invalid input: expected number, received string/,
    ],
  ]
  it.each(cases)('%s', (_name, mutate, message) => {
    const doc = JSON.parse(readFileSync(shards[1]!, 'utf8')) as Doc
    mutate(doc)
    const tampered = path.join(dir, 'shard-2-t.json')
    writeFileSync(tampered, JSON.stringify(doc))
    const out = path.join(dir, 'merged.json')
    const run = runCli(['merge', shards[0]!, tampered, '--output', out])
    expect(run.stderr).toMatch(message)
    expect(run.status, run.stderr).toBe(3)
    expect(() => readFileSync(out)).toThrow()
  })
})
