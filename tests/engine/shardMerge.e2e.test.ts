import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { EvalResult } from '../../src/results/evalDocument.js'
import { FIXTURES, runCli, runJson, tempDir } from '../helpers/cli.js'
import { CANONICAL, expectedConfusion, readFixtureCsv } from '../helpers/oracle.js'

const CSV = path.join(FIXTURES, 'fer2013', 'fer2013.csv')
const ORACLE = path.join(FIXTURES, 'models', 'oracle.onnx')
const ORACLE_B1 = path.join(FIXTURES, 'models', 'oracle-batch1.onnx')
const rows = readFixtureCsv(CSV)
const SEVEN = CANONICAL.filter((l) => l !== 'contempt')
const N = 3

/** The documented shard of an id, computed here from its definition. */
const shardOfId = (id: string): number => (createHash('sha256').update(id).digest().readUInt32BE(0) % N) + 1

describe('--shard i/n and ferbench merge', () => {
  const dir = tempDir('ferbench-shards-')
  const shardFiles = Array.from({ length: N }, (_, i) => path.join(dir, `shard-${i + 1}.json`))
  let full: EvalResult
  let merged: EvalResult

  beforeAll(() => {
    full = runJson<EvalResult>(['eval', '--model', ORACLE, '--data', CSV, '--split', 'Training']).json
    shardFiles.forEach((file, i) => {
      const run = runCli([
        'eval',
        '--model',
        ORACLE,
        '--data',
        CSV,
        '--split',
        'Training',
        '--shard',
        `${i + 1}/${N}`,
        '--output',
        file,
        '--json',
      ])
      expect(run.status).toBe(0)
    })
    const m = runJson<EvalResult>(['merge', ...shardFiles, '--output', path.join(dir, 'merged.json')])
    expect(m.status).toBe(0)
    merged = m.json
  })

  it('each shard holds exactly the samples whose id hashes to it', () => {
    const training = rows.filter((r) => r.usage === 'Training')
    shardFiles.forEach((file, i) => {
      const doc = JSON.parse(readFileSync(file, 'utf8')) as EvalResult
      const mine = training.filter((r) => shardOfId(`row-${r.row}`) === i + 1)
      expect(doc.dataset.shard).toMatchObject({ index: i + 1, count: N })
      expect(doc.dataset.samples).toBe(mine.length)
      expect(doc.metrics.confusionMatrix.counts).toEqual(expectedConfusion(mine, 'Training', SEVEN))
    })
  })

  it('merged metrics, confusion matrix, intervals, sample count and digest equal the unsharded run', () => {
    expect(merged.metrics.confusionMatrix).toEqual(full.metrics.confusionMatrix)
    expect(merged.metrics.accuracy).toBe(full.metrics.accuracy)
    expect(merged.metrics.accuracyCI95).toEqual(full.metrics.accuracyCI95)
    expect(merged.metrics).toEqual(full.metrics)
    expect(merged.dataset.samples).toBe(full.dataset.samples)
    expect(merged.dataset.digest).toBe(full.dataset.digest)
    expect(merged.dataset.shard).toBeUndefined()
    expect(merged.labelOrderCheck).toEqual(full.labelOrderCheck)
    expect(merged.complete).toBe(true)
    expect(merged.merged?.shards.map((s) => s.index)).toEqual([1, 2, 3])
    expect(JSON.parse(readFileSync(path.join(dir, 'merged.json'), 'utf8'))).toMatchObject({ metrics: full.metrics })
  })

  it('shard order on the command line does not matter', () => {
    const again = runJson<EvalResult>(['merge', ...[...shardFiles].reverse()])
    expect(again.json.metrics).toEqual(full.metrics)
    expect(again.json.dataset.digest).toBe(full.dataset.digest)
  })

  it.each([
    [
      'a shard given twice',
      () => [shardFiles[0]!, shardFiles[0]!, shardFiles[1]!, shardFiles[2]!],
      3,
      /shard 1\/3 is given twice/,
    ],
    ['a missing shard', () => [shardFiles[0]!, shardFiles[2]!], 3, /missing 1 of 3 shards: 2; got 2: 1, 3/],
    [
      'shards of a different model',
      () => {
        const other = path.join(dir, 'other-model.json')
        const doc = JSON.parse(readFileSync(shardFiles[1]!, 'utf8')) as EvalResult
        writeFileSync(other, JSON.stringify({ ...doc, model: { ...doc.model, sha256: 'f'.repeat(64) } }))
        return [shardFiles[0]!, other, shardFiles[2]!]
      },
      3,
      /other-model.json has a different model \(sha256 over every file of the model\)/,
    ],
    [
      'different shard counts',
      () => {
        const other = path.join(dir, 'of4.json')
        expect(
          runCli(['eval', '--model', ORACLE, '--data', CSV, '--split', 'Training', '--shard', '2/4', '--output', other])
            .status,
        ).toBe(0)
        return [shardFiles[0]!, other, shardFiles[2]!]
      },
      3,
      /of4.json has a different shard count/,
    ],
    [
      'a different split',
      () => {
        const other = path.join(dir, 'public.json')
        expect(
          runCli([
            'eval',
            '--model',
            ORACLE,
            '--data',
            CSV,
            '--split',
            'PublicTest',
            '--shard',
            '2/3',
            '--output',
            other,
          ]).status,
        ).toBe(0)
        return [shardFiles[0]!, other, shardFiles[2]!]
      },
      3,
      /public.json has a different dataset/,
    ],
    [
      'a partial shard',
      () => {
        const other = path.join(dir, 'partial.json')
        const doc = JSON.parse(readFileSync(shardFiles[1]!, 'utf8')) as EvalResult
        writeFileSync(other, JSON.stringify({ ...doc, complete: false }))
        return [shardFiles[0]!, other, shardFiles[2]!]
      },
      3,
      /shard 2\/3 is partial \(complete:false\); finish it with `ferbench eval --resume/,
    ],
    [
      'an unsharded result',
      () => {
        const other = path.join(dir, 'whole.json')
        writeFileSync(other, JSON.stringify(full))
        return [other]
      },
      3,
      /whole.json: not a shard result/,
    ],
    [
      'a file that is not a result',
      () => {
        const other = path.join(dir, 'notes.json')
        writeFileSync(other, '{"hello": 1}')
        return [shardFiles[0]!, other]
      },
      3,
      /notes.json: field 'schema' is undefined; expected 'ferbench\/eval@1'/,
    ],
  ] as const)('refuses %s with a clear error', (_name, files, exit, message) => {
    const run = runCli(['merge', ...files()])
    expect(run.stderr).toMatch(message)
    expect(run.status).toBe(exit)
  })

  it('a model with a fixed batch of 1 shards and merges the same way', () => {
    const files = [1, 2].map((i) => path.join(dir, `b1-${i}.json`))
    files.forEach((f, i) =>
      expect(runCli(['eval', '--model', ORACLE_B1, '--data', CSV, '--shard', `${i + 1}/2`, '--output', f]).status).toBe(
        0,
      ),
    )
    const m = runJson<EvalResult>(['merge', ...files])
    expect(m.json.metrics.confusionMatrix.counts).toEqual(expectedConfusion(rows, 'PrivateTest', SEVEN))
  })
})
