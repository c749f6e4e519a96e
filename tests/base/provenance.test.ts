import { createHash } from 'node:crypto'
import { cpSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import onnxProto from 'onnx-proto'
import { beforeAll, describe, expect, it } from 'vitest'
import { modelIdentity } from '../../src/base/modelFiles.js'
import type { EvalResult } from '../../src/results/evalDocument.js'
import { FIXTURES, runCli, runJson, tempDir } from '../helpers/cli.js'
import { readFixtureCsv } from '../helpers/oracle.js'
import { predictionsOf, setPredictions, write } from '../helpers/gateDocs.js'

const CSV = path.join(FIXTURES, 'fer2013', 'fer2013.csv')
const ORACLE = path.join(FIXTURES, 'models', 'oracle.onnx')
const LAYERS = path.join(FIXTURES, 'models', 'tinyconv-layers')
const rows = readFixtureCsv(CSV)
const privateRows = rows.filter((r) => r.usage === 'PrivateTest')
const sha256 = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex')

/** The fixture CSV with only some of its rows (header kept), and optionally their pixels rewritten. */
function csvOf(
  file: string,
  keep: (row: number, usage: string) => boolean,
  pixels?: (p: number[]) => number[],
): string {
  const lines = readFileSync(CSV, 'utf8').trim().split('\n')
  const out = [lines[0]!]
  for (const r of rows) {
    if (!keep(r.row, r.usage)) continue
    out.push(pixels ? `${r.emotion},${pixels(r.pixels).join(' ')},${r.usage}` : lines[r.row]!)
  }
  writeFileSync(file, `${out.join('\n')}\n`)
  return file
}

/** Flips one byte of a file in place (a weight shard stays loadable: only one weight value changes). */
function flipByte(file: string, at: number): void {
  const bytes = readFileSync(file)
  bytes[at] = bytes[at]! ^ 0x01
  writeFileSync(file, bytes)
}

/** An eval run stopped by a malformed PrivateTest row after progress: a partial result to --resume (no signals needed). */
function partialRun(
  dir: string,
  model: string,
  data: string,
  badPrivateIndex: number,
): { out: string; fixedLine: () => void } {
  const lines = readFileSync(data, 'utf8').split('\n')
  const bad = lines.findIndex(
    (l, i) =>
      i > 0 &&
      l.endsWith(',PrivateTest') &&
      lines.slice(1, i).filter((x) => x.endsWith(',PrivateTest')).length === badPrivateIndex,
  )
  const good = lines[bad]!
  lines[bad] = good.replace(/,PrivateTest$/, ' 300,PrivateTest')
  writeFileSync(data, lines.join('\n'))
  const out = path.join(dir, 'partial.json')
  const run = runCli(['eval', '--model', model, '--data', data, '--batch', '4', '--concurrency', '1', '--output', out])
  expect(run.status, run.stderr).toBe(3)
  const partial = JSON.parse(readFileSync(out, 'utf8')) as EvalResult
  expect(partial.complete).toBe(false)
  expect(partial.resume!.settled).toBeGreaterThan(0)
  return {
    out,
    fixedLine: () => {
      const now = readFileSync(data, 'utf8').split('\n')
      now[bad] = now[bad]!.replace(/ 300,PrivateTest$/, ',PrivateTest')
      writeFileSync(data, now.join('\n'))
    },
  }
}

describe('model identity covers every file of the model', () => {
  it('tfjs: model.json and its weight shard, hashed as the sha256 of their sha256sum lines', async () => {
    const id = await modelIdentity(path.join(LAYERS, 'model.json'))
    const json = readFileSync(path.join(LAYERS, 'model.json'))
    const shard = readFileSync(path.join(LAYERS, 'group1-shard1of1.bin'))
    expect(id.files).toEqual([
      { path: 'model.json', bytes: json.length, sha256: sha256(json) },
      { path: 'group1-shard1of1.bin', bytes: shard.length, sha256: sha256(shard) },
    ])
    expect(id.bytes).toBe(json.length + shard.length)
    expect(id.sha256).toBe(sha256(`${sha256(json)}  model.json\n${sha256(shard)}  group1-shard1of1.bin\n`))
  })

  it('ONNX: one file keeps its own sha256; external data files are included', async () => {
    const single = await modelIdentity(ORACLE)
    expect(single).toEqual({
      sha256: sha256(readFileSync(ORACLE)),
      bytes: statSync(ORACLE).size,
      files: [{ path: 'oracle.onnx', bytes: statSync(ORACLE).size, sha256: sha256(readFileSync(ORACLE)) }],
    })

    const dir = tempDir('ferbench-onnx-external-')
    const { onnx } = onnxProto
    const tensor = {
      name: 'w',
      dims: [2],
      dataType: onnx.TensorProto.DataType.FLOAT,
      dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
      externalData: [
        { key: 'location', value: 'weights/w.bin' },
        { key: 'length', value: '8' },
      ],
    }
    const model = onnx.ModelProto.encode({ irVersion: 8, graph: { name: 'g', initializer: [tensor] } }).finish()
    writeFileSync(path.join(dir, 'm.onnx'), model)
    mkdirSync(path.join(dir, 'weights'))
    cpSync(ORACLE, path.join(dir, 'weights', 'w.bin'))
    const weights = readFileSync(path.join(dir, 'weights', 'w.bin'))
    const id = await modelIdentity(path.join(dir, 'm.onnx'))
    expect(id.files.map((f) => f.path)).toEqual(['m.onnx', 'weights/w.bin'])
    expect(id.sha256).toBe(sha256(`${sha256(Buffer.from(model))}  m.onnx\n${sha256(weights)}  weights/w.bin\n`))
    expect(id.bytes).toBe(model.length + weights.length)
  })

  it('a changed tfjs weight shard: --resume refuses (exit 4) naming the shard, merge refuses (exit 3)', () => {
    const dir = tempDir('ferbench-shard-swap-')
    cpSync(LAYERS, path.join(dir, 'm'), { recursive: true })
    const model = path.join(dir, 'm', 'model.json')
    const shardFile = path.join(dir, 'm', 'group1-shard1of1.bin')
    const data = path.join(dir, 'fer2013.csv')
    cpSync(CSV, data)

    // resume: a partial result made with the original weights, then one weight byte changes
    const { out, fixedLine } = partialRun(dir, model, data, 12)
    const before = JSON.parse(readFileSync(out, 'utf8')) as EvalResult
    expect(before.model.files!.map((f) => f.path)).toEqual(['model.json', 'group1-shard1of1.bin'])
    fixedLine()
    flipByte(shardFile, statSync(shardFile).size - 2)
    const resumed = runCli(['eval', '--resume', out])
    expect(resumed.status, resumed.stderr).toBe(4)
    expect(resumed.stderr).toMatch(/the model changed since the partial result .*changed: group1-shard1of1\.bin/)

    // merge: shard 1/2 evaluated with the changed weights, shard 2/2 with the original ones
    const s1 = path.join(dir, 's1.json')
    expect(runCli(['eval', '--model', model, '--data', data, '--shard', '1/2', '--output', s1]).status).toBe(0)
    flipByte(shardFile, statSync(shardFile).size - 2)
    const s2 = path.join(dir, 's2.json')
    expect(runCli(['eval', '--model', model, '--data', data, '--shard', '2/2', '--output', s2]).status).toBe(0)
    const merged = runCli(['merge', s1, s2])
    expect(merged.status, merged.stderr).toBe(3)
    expect(merged.stderr).toMatch(/has a different model \(sha256 over every file of the model\)/)
  })
})

describe('the dataset digest covers the pixels', () => {
  let dir: string
  let testOnly: string
  let inverted: string
  let full: { file: string; doc: EvalResult }
  let test: { file: string; doc: EvalResult }
  let inv: { file: string; doc: EvalResult }

  beforeAll(() => {
    dir = tempDir('ferbench-identity-')
    testOnly = csvOf(path.join(dir, 'test.csv'), (_, usage) => usage === 'PrivateTest')
    inverted = csvOf(
      path.join(dir, 'inverted.csv'),
      (_, usage) => usage === 'PrivateTest',
      (p) => p.map((v) => 255 - v),
    )
    const run = (name: string, data: string): { file: string; doc: EvalResult } => {
      const file = path.join(dir, name)
      const r = runCli(['eval', '--model', ORACLE, '--data', data, '--output', file])
      expect(r.status, r.stderr).toBe(0)
      return { file, doc: JSON.parse(readFileSync(file, 'utf8')) as EvalResult }
    }
    full = run('full.json', CSV)
    test = run('test.json', testOnly)
    inv = run('inverted.json', inverted)
  })

  it('inverted pixels: same ids and labels (idDigest), different digest and contentDigest', () => {
    expect(inv.doc.dataset.samples).toBe(test.doc.dataset.samples)
    expect(inv.doc.dataset.idDigest).toBe(test.doc.dataset.idDigest)
    expect(inv.doc.dataset.digest).not.toBe(test.doc.dataset.digest)
    expect(inv.doc.dataset.contentDigest).not.toBe(test.doc.dataset.contentDigest)
  })

  it('inverted pixels: compare and gate refuse (exit 3) saying the data changed', () => {
    for (const args of [
      ['compare', test.file, inv.file],
      ['gate', '--baseline', test.file, '--current', inv.file],
    ]) {
      const run = runCli(args)
      expect(run.status, run.stderr).toBe(3)
      expect(run.stderr).toMatch(
        new RegExp(
          `the data changed between the two runs: .*same ${privateRows.length} sample ids with the same labels, but the pixels differ`,
        ),
      )
    }
  })

  it('inverted pixels: --resume refuses (exit 3) a partial result made on the original pixels', () => {
    const rdir = tempDir('ferbench-resume-pixels-')
    const data = path.join(rdir, 'test.csv')
    cpSync(testOnly, data)
    const { out } = partialRun(rdir, ORACLE, data, 12)
    const saved = readFileSync(out, 'utf8')
    cpSync(inverted, data) // same rows, ids and labels; every pixel inverted (and the bad row repaired)
    const resumed = runCli(['eval', '--resume', out])
    expect(resumed.status, resumed.stderr).toBe(3)
    expect(resumed.stderr).toMatch(
      /are not those the partial result .*settled \(their ids, labels or pixels differ\): the dataset changed since/,
    )
    expect(readFileSync(out, 'utf8')).toBe(saved)
  })

  it('a test-only CSV and the full fer2013.csv pair up by content in compare, with McNemar', () => {
    expect(test.doc.dataset.idDigest).not.toBe(full.doc.dataset.idDigest) // row numbers differ
    expect(test.doc.dataset.contentDigest).toBe(full.doc.dataset.contentDigest)
    // the current run gets 3 correct PrivateTest samples wrong (chosen here by their pixels, in the full file's rows)
    const cur = JSON.parse(JSON.stringify(test.doc)) as EvalResult
    const preds = predictionsOf(cur)
    const labels = cur.metrics.confusionMatrix.labels
    const flipped = preds.filter((p) => p.predicted === p.truth).slice(0, 3)
    for (const p of flipped) p.predicted = labels.find((l) => l !== p.truth)!
    setPredictions(cur, preds)
    const curFile = write(dir, 'test-degraded.json', cur)
    const { status, json } = runJson<{
      mcnemar: { b01: number; b10: number; pairs: number; pairedBy: string }
      notes: string[]
    }>(['compare', full.file, curFile])
    expect(status).toBe(0)
    expect(json.mcnemar).toMatchObject({ b01: 0, b10: 3, pairs: privateRows.length, pairedBy: 'content' })
    expect(json.notes.join(' ')).toMatch(
      /sample ids differ, e\.g\. a test-only CSV and the full fer2013\.csv\): samples are paired by pixel content/,
    )
    // the people-facing ids stay the file's own row numbers
    expect(predictionsOf(test.doc).map((p) => p.id)).toEqual(privateRows.map((_, i) => `row-${i + 1}`))
    expect(predictionsOf(full.doc).map((p) => p.id)).toEqual(privateRows.map((r) => `row-${r.row}`))
  })

  it('a folder of PNG copies of the same pictures pairs with the CSV result', async () => {
    const sharp = (await import('sharp')).default
    const root = path.join(dir, 'pngs')
    const FER = ['anger', 'disgust', 'fear', 'happiness', 'sadness', 'surprise', 'neutral']
    for (const r of privateRows) {
      const file = path.join(root, 'test', FER[r.emotion]!, `PrivateTest_${r.row}.png`)
      mkdirSync(path.dirname(file), { recursive: true })
      await sharp(Buffer.from(r.pixels), { raw: { width: 48, height: 48, channels: 1 } })
        .png()
        .toFile(file)
    }
    const folderFile = path.join(dir, 'folder.json')
    const run = runCli(['eval', '--model', ORACLE, '--dataset', 'folder', '--data', root, '--output', folderFile])
    expect(run.status, run.stderr).toBe(0)
    const { status, json } = runJson<{ mcnemar: { b01: number; b10: number; pairs: number; pairedBy: string } }>([
      'compare',
      full.file,
      folderFile,
    ])
    expect(status).toBe(0)
    expect(json.mcnemar).toMatchObject({ b01: 0, b10: 0, pairs: privateRows.length, pairedBy: 'content' })
  })

  it('an older document without content digests is matched on ids and labels, with a note', () => {
    const old = JSON.parse(JSON.stringify(full.doc)) as EvalResult
    old.dataset.digest = old.dataset.idDigest!
    delete old.dataset.contentDigest
    delete old.dataset.idDigest
    old.predictions = predictionsOf(old).map(({ content: _content, ...p }) => ({ ...p, top: [] }))
    const oldFile = write(dir, 'old.json', old)
    const { status, json } = runJson<{
      passed: boolean
      notes: string[]
      significance: { test: string; pairedBy: string }
    }>(['gate', '--baseline', oldFile, '--current', full.file])
    expect(status).toBe(0)
    expect(json.significance).toMatchObject({ test: 'mcnemar', pairedBy: 'id' })
    expect(json.notes.join(' ')).toMatch(
      /old\.json was made by an older ferbench that did not hash pixels: the test set is matched on sample ids and labels only/,
    )
  })
})
