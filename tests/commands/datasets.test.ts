import {
  cpSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
  copyFileSync,
  appendFileSync,
} from 'node:fs'
import path from 'node:path'
import sharp from 'sharp'
import { beforeAll, describe, expect, it } from 'vitest'
import { FIXTURES, runJson, tempDir } from '../helpers/cli.js'
import { oraclePredict } from '../helpers/oracle.js'

const ORACLE = path.join(FIXTURES, 'models', 'oracle.onnx')
const JAFFE = path.join(FIXTURES, 'jaffe', 'jaffe')
const JAFFE_CLASSES = ['neutral', 'happiness', 'sadness', 'surprise', 'anger', 'disgust', 'fear']
const CODES: Record<string, string> = {
  NE: 'neutral',
  HA: 'happiness',
  SA: 'sadness',
  SU: 'surprise',
  AN: 'anger',
  DI: 'disgust',
  FE: 'fear',
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) =>
    statSync(path.join(dir, n)).isDirectory() ? filesUnder(path.join(dir, n)) : [path.join(dir, n)],
  )
}

interface Metrics {
  accuracy: number
  samples: number
  correct: number
  confusionMatrix: { labels: string[]; counts: number[][] }
}
interface Cv {
  schema: string
  folds: Array<{ fold: number; subjects: string[]; samples: number; metrics: Metrics; model: { path: string } }>
  metrics: Metrics & { accuracyFoldMean: number; accuracyFoldStd: number }
  protocol: { sameModelEveryFold: boolean; folds: number }
  warnings: string[]
}

/** Per subject: [correct, total] by the oracle rule on pixels read here with sharp. */
async function jaffeTruth(): Promise<Map<string, [number, number]>> {
  const out = new Map<string, [number, number]>()
  for (const file of filesUnder(JAFFE)) {
    const m = /^([A-Z]{2})\.([A-Z]{2})\d+\.\d+\.(tiff?|png|jpg)$/.exec(path.basename(file))
    if (!m) continue
    const { data } = await sharp(file).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true })
    const predicted = oraclePredict(Array.from(data), JAFFE_CLASSES)
    const [c, n] = out.get(m[1]!) ?? [0, 0]
    out.set(m[1]!, [c + (predicted === CODES[m[2]!] ? 1 : 0), n + 1])
  }
  return out
}

describe('cross-validation through the CLI', () => {
  let truth: Map<string, [number, number]>
  beforeAll(async () => {
    truth = await jaffeTruth()
  })

  it('JAFFE --folds 10: leave-one-subject-out, per-fold metrics, mean ± std, pooled matrix', () => {
    const { status, json } = runJson<Cv>([
      'eval',
      '--model',
      ORACLE,
      '--dataset',
      'jaffe',
      '--data',
      JAFFE,
      '--folds',
      '10',
    ])
    expect(status).toBe(0)
    expect(json.schema).toBe('ferbench/cv@1')
    const subjects = [...truth.keys()].sort()
    expect(json.folds.map((f) => f.subjects)).toEqual(subjects.map((s) => [s]))
    const accuracies = subjects.map((s) => truth.get(s)![0] / truth.get(s)![1])
    json.folds.forEach((f, i) => expect(f.metrics.accuracy).toBeCloseTo(accuracies[i]!, 12))
    const mean = accuracies.reduce((a, b) => a + b, 0) / accuracies.length
    const std = Math.sqrt(accuracies.reduce((a, v) => a + (v - mean) ** 2, 0) / accuracies.length)
    expect(std).toBeGreaterThan(0)
    expect(json.metrics.accuracyFoldMean).toBeCloseTo(mean, 12)
    expect(json.metrics.accuracyFoldStd).toBeCloseTo(std, 12)
    const correct = [...truth.values()].reduce((a, [c]) => a + c, 0)
    const total = [...truth.values()].reduce((a, [, n]) => a + n, 0)
    expect([json.metrics.correct, json.metrics.samples]).toEqual([correct, total])
    const pooled = json.folds.reduce(
      (acc, f) => acc.map((row, t) => row.map((v, p) => v + f.metrics.confusionMatrix.counts[t]![p]!)),
      json.folds[0]!.metrics.confusionMatrix.counts.map((r) => r.map(() => 0)),
    )
    expect(json.metrics.confusionMatrix.counts).toEqual(pooled)
    expect(json.protocol.sameModelEveryFold).toBe(true)
    expect(json.warnings[0]).toMatch(/cross-dataset testing/)
  })

  it('--fold k evaluates that fold only and records it', () => {
    const { status, json } = runJson<{
      dataset: { fold: { fold: number; folds: number; subjects: string[] } }
      metrics: Metrics
    }>(['eval', '--model', ORACLE, '--dataset', 'jaffe', '--data', JAFFE, '--fold', '3'])
    expect(status).toBe(0)
    const third = [...truth.keys()].sort()[2]!
    expect(json.dataset.fold).toMatchObject({ fold: 3, folds: 10, subjects: [third] })
    expect(json.metrics.samples).toBe(truth.get(third)![1])
  })

  it('a --model pattern with {fold} takes one model per fold', () => {
    const dir = tempDir()
    for (const k of [1, 2]) {
      copyFileSync(ORACLE, path.join(dir, `m${k}.onnx`))
      copyFileSync(`${ORACLE}.ferbench.json`, path.join(dir, `m${k}.onnx.ferbench.json`))
    }
    const manifest = path.join(FIXTURES, 'manifest', 'manifest.csv')
    const { status, json } = runJson<Cv>([
      'eval',
      '--model',
      path.join(dir, 'm{fold}.onnx'),
      '--dataset',
      'manifest',
      '--data',
      manifest,
      '--split',
      'test',
      '--folds',
      '2',
    ])
    expect(status).toBe(0)
    expect(json.protocol.sameModelEveryFold).toBe(false)
    expect(json.folds.map((f) => path.basename(f.model.path))).toEqual(['m1.onnx', 'm2.onnx'])
    expect(json.folds.map((f) => f.subjects)).toEqual([
      ['p01', 'p03'],
      ['p02', 'p04'],
    ])
  })
})

describe('datasets commands', () => {
  it('list names every adapter with its native order', () => {
    const { status, json } = runJson<{ datasets: Array<{ name: string; labels: string[] }> }>(['datasets', 'list'])
    expect(status).toBe(0)
    expect(json.datasets.map((d) => d.name)).toEqual(
      expect.arrayContaining(['fer2013', 'ferplus', 'ckplus', 'jaffe', 'rafdb', 'affectnet', 'folder', 'manifest']),
    )
    expect(json.datasets.find((d) => d.name === 'rafdb')!.labels[0]).toBe('surprise')
  })

  it('inspect counts per split and warns where the canonical count differs', () => {
    const { status, json } = runJson<{
      samples: number
      classes: Record<string, number>
      subjects: number
      splits: Array<{ name: string; samples: number; subjects: string[] }>
      warnings: string[]
    }>(['datasets', 'inspect', '--dataset', 'ckplus', '--data', path.join(FIXTURES, 'ckplus', 'CK+48')])
    expect(status).toBe(0)
    const pngs = filesUnder(path.join(FIXTURES, 'ckplus', 'CK+48')).filter((f) => f.endsWith('.png'))
    expect(json.samples).toBe(pngs.length)
    expect(json.classes.happiness).toBe(pngs.filter((f) => f.includes(`${path.sep}happy${path.sep}`)).length)
    expect(json.subjects).toBe(new Set(pngs.map((f) => path.basename(f).slice(0, 4))).size)
    expect(json.warnings.join('\n')).toMatch(new RegExp(`${pngs.length} samples, but the full dataset has 981`))
    const fer = runJson<{ splits: Array<{ name: string; samples: number }>; warnings: string[] }>([
      'datasets',
      'inspect',
      '--dataset',
      'fer2013',
      '--data',
      path.join(FIXTURES, 'fer2013', 'fer2013.csv'),
    ])
    const rows = readFileSync(path.join(FIXTURES, 'fer2013', 'fer2013.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
    expect(fer.json.splits.find((s) => s.name === 'PrivateTest')!.samples).toBe(
      rows.filter((r) => r.endsWith(',PrivateTest')).length,
    )
    expect(fer.json.warnings.join('\n')).toMatch(/has 3589/)
  })

  it('inspect --folds lists folds with their subject ids', () => {
    const { status, json } = runJson<{ splits: Array<{ name: string; subjects: string[] }> }>([
      'datasets',
      'inspect',
      '--dataset',
      'jaffe',
      '--data',
      JAFFE,
      '--folds',
      '5',
    ])
    expect(status).toBe(0)
    expect(json.splits.map((s) => s.name)).toEqual(['fold-1', 'fold-2', 'fold-3', 'fold-4', 'fold-5'])
    // the documented rule, applied here: subjects sorted by code point, i-th subject → fold (i mod 5) + 1
    const sorted = ['KA', 'KL', 'KM', 'KR', 'MK', 'NA', 'NM', 'TM', 'UY', 'YM']
    json.splits.forEach((split, k) => expect(split.subjects).toEqual(sorted.filter((_, i) => i % 5 === k)))
  })

  it('audit finds the planted exact and near duplicates across RAF-DB splits', () => {
    const { status, json } = runJson<{
      exactDuplicates: Array<{ crossSplit: boolean; items: Array<{ split: string; id: string }> }>
      nearDuplicates: Array<{ crossSplit: boolean; a: { id: string }; b: { id: string } }>
    }>(['datasets', 'audit', '--dataset', 'rafdb', '--data', path.join(FIXTURES, 'rafdb', 'basic')])
    expect(status).toBe(0)
    expect(json.exactDuplicates).toEqual([
      {
        crossSplit: true,
        items: [
          { split: 'train', id: 'train_00001' },
          { split: 'test', id: 'test_0001' },
        ],
      },
    ])
    expect(json.nearDuplicates.filter((p) => p.crossSplit).map((p) => [p.a.id, p.b.id])).toEqual([
      ['train_00002', 'test_0002'],
    ])
  })
})

describe('bad inputs', () => {
  it('a corrupt image is recorded in failures with its path and the run exits 7; --strict stops with 3', () => {
    const dir = tempDir()
    cpSync(JAFFE, dir, { recursive: true })
    const broken = path.join(dir, 'KA.HA9.99.tiff')
    writeFileSync(broken, Buffer.from('II*\u0000garbage'))
    const run = runJson<{ failures: Array<{ id: string; error: string }>; metrics: Metrics }>([
      'eval',
      '--model',
      ORACLE,
      '--dataset',
      'jaffe',
      '--data',
      dir,
    ])
    expect(run.status).toBe(7)
    expect(run.json.failures).toHaveLength(1)
    expect(run.json.failures[0]!.error).toContain(broken)
    const strict = runJson<{ error: { message: string } }>([
      'eval',
      '--model',
      ORACLE,
      '--dataset',
      'jaffe',
      '--data',
      dir,
      '--strict',
    ])
    expect(strict.status).toBe(3)
    expect(strict.json.error.message).toContain(broken)
  })

  it('a RAF-DB list line pointing at a missing image is a failure naming the file', () => {
    const dir = tempDir()
    cpSync(path.join(FIXTURES, 'rafdb', 'basic'), dir, { recursive: true })
    appendFileSync(path.join(dir, 'EmoLabel', 'list_patition_label.txt'), 'test_9999.jpg 4\n')
    const run = runJson<{ failures: Array<{ id: string; error: string }> }>([
      'eval',
      '--model',
      ORACLE,
      '--dataset',
      'rafdb',
      '--data',
      dir,
    ])
    expect(run.status).toBe(7)
    expect(run.json.failures.map((f) => f.id)).toEqual(['test_9999'])
    expect(run.json.failures[0]!.error).toMatch(/test_9999_aligned\.jpg.*missing/)
  })

  it('an AffectNet face box outside the image is a failure naming the row', () => {
    const dir = tempDir()
    cpSync(path.join(FIXTURES, 'affectnet'), dir, { recursive: true })
    const csv = path.join(dir, 'Manually_Annotated_file_lists', 'validation.csv')
    const lines = readFileSync(csv, 'utf8').trim().split('\n')
    const f = lines[1]!.split(',')
    f[1] = '70' // face_x 70 + width 64 > 80
    lines[1] = f.join(',')
    writeFileSync(csv, `${lines.join('\n')}\n`)
    const run = runJson<{ failures: Array<{ id: string; error: string }> }>([
      'eval',
      '--model',
      ORACLE,
      '--dataset',
      'affectnet',
      '--data',
      dir,
    ])
    expect(run.status).toBe(7)
    expect(run.json.failures).toHaveLength(1)
    expect(run.json.failures[0]!.error).toMatch(/row 1 .*face box x=70.*not inside the 80×80 image/)
  })

  it('a FER+ file with another row count exits 3 naming both files', () => {
    const dir = tempDir()
    const votes = readFileSync(path.join(FIXTURES, 'ferplus', 'fer2013new.csv'), 'utf8')
      .trim()
      .split('\n')
    const short = path.join(dir, 'fer2013new.csv')
    writeFileSync(short, `${votes.slice(0, -1).join('\n')}\n`)
    const fer = path.join(FIXTURES, 'fer2013', 'fer2013.csv')
    const out = path.join(dir, 'out.json')
    const run = runJson<{ error: { message: string } }>([
      'eval',
      '--model',
      ORACLE,
      '--dataset',
      'ferplus',
      '--data',
      fer,
      '--labels',
      short,
      '--output',
      out,
    ])
    expect(run.status).toBe(3)
    expect(run.json.error.message).toContain(short)
    expect(run.json.error.message).toContain(fer)
    expect(run.json.error.message).toContain(`first differing row: ${votes.length - 1}`)
    // the rows read before the mismatch are kept: a partial result to --resume once the files agree
    const partial = JSON.parse(readFileSync(out, 'utf8')) as { complete: boolean; resume: { signal: string } }
    expect([partial.complete, partial.resume.signal]).toEqual([false, 'data error'])
  })

  it('an empty folder exits 3; an unparseable JAFFE name is reported in warnings', () => {
    const empty = tempDir()
    mkdirSync(path.join(empty, 'nothing'), { recursive: true })
    const run = runJson<{ error: { message: string } }>([
      'eval',
      '--model',
      ORACLE,
      '--dataset',
      'folder',
      '--data',
      path.join(empty, 'nothing'),
    ])
    expect(run.status).toBe(3)
    expect(run.json.error.message).toMatch(/empty folder/)
    const jaffe = runJson<{ warnings: string[] }>(['eval', '--model', ORACLE, '--dataset', 'jaffe', '--data', JAFFE])
    expect(jaffe.status).toBe(0)
    expect(jaffe.json.warnings.join('\n')).toMatch(/do not parse.*scan_0001\.tiff/)
  })
})
