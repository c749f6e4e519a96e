import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import sharp from 'sharp'
import { beforeAll, describe, expect, it } from 'vitest'
import { datasetInspectDocumentSchema, type DatasetInspectResult } from '../../src/results/datasetInspectDocument.js'
import { FIXTURES, runJson, tempDir } from '../helpers/cli.js'
import { oraclePredict } from '../helpers/oracle.js'

// The contract, checked field by field on fixtures with values computed here:
//   inspect: {dataset, samples, classes:{<canonical>:count}, subjects, splits:[{name, samples, classes, subjects:[ids]}], warnings:[...]},
//            folds as splits fold-1 … fold-N;
//   eval (all folds): folds:[<per-fold metrics>], metrics = pooled + accuracyFoldMean, accuracyFoldStd; eval --fold k: dataset.fold.

const ORACLE = path.join(FIXTURES, 'models', 'oracle.onnx')
const MANIFEST = path.join(FIXTURES, 'manifest', 'manifest.csv')
/** The manifest fixture's label words → canonical names (written out here, not taken from parseEmotion). */
const CANON: Record<string, string> = {
  neutral: 'neutral',
  sad: 'sadness',
  fearful: 'fear',
  surprised: 'surprise',
  disgust: 'disgust',
  happy: 'happiness',
  angry: 'anger',
}
const ORDER = ['neutral', 'happiness', 'surprise', 'sadness', 'anger', 'disgust', 'fear', 'contempt']

interface Row {
  path: string
  label: string
  subject: string
  split: string
}
const rows: Row[] = readFileSync(MANIFEST, 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => {
    const [p, label, subject, split] = l.split(',') as [string, string, string, string]
    return { path: p, label: CANON[label]!, subject, split }
  })
const present = ORDER.filter((c) => rows.some((r) => r.label === c))
const countClasses = (rs: Row[]): Record<string, number> =>
  Object.fromEntries(present.map((c) => [c, rs.filter((r) => r.label === c).length]))
const subjectsOf = (rs: Row[]): string[] => [...new Set(rs.map((r) => r.subject))].sort()

type InspectJson = DatasetInspectResult

describe('inspect JSON contract', () => {
  it('manifest: every field, per split', () => {
    const { status, json } = runJson<InspectJson>(['datasets', 'inspect', '--dataset', 'manifest', '--data', MANIFEST])
    expect(status).toBe(0)
    // the document's zod schema holds every field it prints (parsing drops and changes nothing)
    expect(datasetInspectDocumentSchema.parse(json)).toStrictEqual(json)
    expect(json.dataset).toBe('manifest')
    expect(json.samples).toBe(rows.length)
    expect(json.classes).toEqual(countClasses(rows))
    expect(json.subjects).toBe(subjectsOf(rows).length)
    const splitNames = [...new Set(rows.map((r) => r.split))].sort()
    expect(json.splits).toEqual(
      splitNames.map((name) => {
        const rs = rows.filter((r) => r.split === name)
        return { name, samples: rs.length, classes: countClasses(rs), subjects: subjectsOf(rs) }
      }),
    )
    expect(Array.isArray(json.warnings)).toBe(true)
  })

  it('manifest --split test --folds 2: splits are fold-1, fold-2 by the documented rule', () => {
    const { status, json } = runJson<InspectJson>([
      'datasets',
      'inspect',
      '--dataset',
      'manifest',
      '--data',
      MANIFEST,
      '--split',
      'test',
      '--folds',
      '2',
    ])
    expect(status).toBe(0)
    expect(datasetInspectDocumentSchema.parse(json)).toStrictEqual(json)
    const test = rows.filter((r) => r.split === 'test')
    const sorted = subjectsOf(test)
    const foldOf = (s: string): number => (sorted.indexOf(s) % 2) + 1
    expect(json.dataset).toBe('manifest')
    expect(json.samples).toBe(test.length)
    expect(json.classes).toEqual(countClasses(test))
    expect(json.subjects).toBe(sorted.length)
    expect(json.splits).toEqual(
      [1, 2].map((k) => {
        const rs = test.filter((r) => foldOf(r.subject) === k)
        return { name: `fold-${k}`, samples: rs.length, classes: countClasses(rs), subjects: subjectsOf(rs) }
      }),
    )
  })
})

interface Metrics {
  accuracy: number
  samples: number
  correct: number
  confusionMatrix: { labels: string[]; counts: number[][] }
}

describe('eval JSON contract for folds', () => {
  const predicted = new Map<string, string>()
  beforeAll(async () => {
    for (const r of rows) {
      const { data } = await sharp(path.join(path.dirname(MANIFEST), r.path))
        .toColourspace('b-w')
        .raw()
        .toBuffer({ resolveWithObject: true })
      predicted.set(r.path, oraclePredict(Array.from(data), present))
    }
  })
  const test = rows.filter((r) => r.split === 'test')
  const sorted = subjectsOf(test)
  const foldRows = (k: number): Row[] => test.filter((r) => (sorted.indexOf(r.subject) % 2) + 1 === k)
  const accuracyOf = (rs: Row[]): number => rs.filter((r) => predicted.get(r.path) === r.label).length / rs.length

  it('all folds: folds[] with per-fold metrics, metrics pooled + accuracyFoldMean/Std', () => {
    const { status, json } = runJson<{
      folds: Array<{ fold: number; samples: number; subjects: string[]; metrics: Metrics }>
      metrics: Metrics & { accuracyFoldMean: number; accuracyFoldStd: number }
    }>(['eval', '--model', ORACLE, '--dataset', 'manifest', '--data', MANIFEST, '--split', 'test', '--folds', '2'])
    expect(status).toBe(0)
    expect(json.folds.map((f) => f.fold)).toEqual([1, 2])
    const accuracies = [1, 2].map((k) => accuracyOf(foldRows(k)))
    json.folds.forEach((f, i) => {
      expect(f.subjects).toEqual(subjectsOf(foldRows(i + 1)))
      expect(f.samples).toBe(foldRows(i + 1).length)
      expect(f.metrics.samples).toBe(foldRows(i + 1).length)
      expect(f.metrics.accuracy).toBeCloseTo(accuracies[i]!, 12)
    })
    const mean = (accuracies[0]! + accuracies[1]!) / 2
    expect(json.metrics.accuracyFoldMean).toBeCloseTo(mean, 12)
    expect(json.metrics.accuracyFoldStd).toBeCloseTo(Math.abs(accuracies[0]! - accuracies[1]!) / 2, 12)
    // pooled: every test sample once, confusion counts computed here from the oracle rule
    expect(json.metrics.samples).toBe(test.length)
    expect(json.metrics.accuracy).toBeCloseTo(accuracyOf(test), 12)
    const labels = json.metrics.confusionMatrix.labels
    const expected = labels.map((t) =>
      labels.map((p) => test.filter((r) => r.label === t && predicted.get(r.path) === p).length),
    )
    expect(json.metrics.confusionMatrix.counts).toEqual(expected)
  })

  it('--fold 2: dataset.fold names the fold and its subjects', () => {
    const { status, json } = runJson<{
      dataset: { split: string; fold: { fold: number; folds: number; split: string; subjects: string[] } }
      metrics: Metrics
    }>([
      'eval',
      '--model',
      ORACLE,
      '--dataset',
      'manifest',
      '--data',
      MANIFEST,
      '--split',
      'test',
      '--folds',
      '2',
      '--fold',
      '2',
    ])
    expect(status).toBe(0)
    expect(json.dataset.fold).toMatchObject({ fold: 2, folds: 2, split: 'test', subjects: subjectsOf(foldRows(2)) })
    expect(json.metrics.samples).toBe(foldRows(2).length)
  })
})

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) =>
    statSync(path.join(dir, n)).isDirectory() ? filesUnder(path.join(dir, n)) : [path.join(dir, n)],
  )
}

describe('folder: FER2013 split from file-name prefixes is announced', () => {
  const root = path.join(FIXTURES, 'folder', 'fer2013-jpg')
  const privateFiles = filesUnder(root).filter((f) => path.basename(f).startsWith('PrivateTest_'))

  it('eval --split PrivateTest uses only PrivateTest_* files and says so in warnings', () => {
    const { status, json } = runJson<{ dataset: { split: string; samples: number }; warnings: string[] }>([
      'eval',
      '--model',
      ORACLE,
      '--dataset',
      'folder',
      '--data',
      root,
      '--split',
      'PrivateTest',
    ])
    expect(status).toBe(0)
    expect(json.dataset.split).toBe('PrivateTest')
    expect(json.dataset.samples).toBe(privateFiles.length)
    expect(json.warnings.join('\n')).toMatch(/split PrivateTest taken from file-name prefixes \(PrivateTest_\*\)/)
  })

  it('inspect --split PrivateTest counts them and says so; a real split folder is not announced', () => {
    const { status, json } = runJson<InspectJson>([
      'datasets',
      'inspect',
      '--dataset',
      'folder',
      '--data',
      root,
      '--split',
      'PrivateTest',
    ])
    expect(status).toBe(0)
    expect(json.splits.map((s) => [s.name, s.samples])).toEqual([['PrivateTest', privateFiles.length]])
    expect(json.warnings.join('\n')).toMatch(/file-name prefixes/)
    const plain = runJson<InspectJson>([
      'datasets',
      'inspect',
      '--dataset',
      'folder',
      '--data',
      root,
      '--split',
      'test',
    ])
    expect(plain.json.warnings.join('\n')).not.toMatch(/file-name prefixes/)
  })

  it('a prefix that no file has is a usage error naming the folder', () => {
    const dir = tempDir()
    mkdirSync(path.join(dir, 'test', 'happy'), { recursive: true })
    copyFileSync(privateFiles[0]!, path.join(dir, 'test', 'happy', 'face.jpg'))
    const { status, json } = runJson<{ error: { kind: string; message: string } }>([
      'datasets',
      'inspect',
      '--dataset',
      'folder',
      '--data',
      dir,
      '--split',
      'PrivateTest',
    ])
    expect(status).toBe(2)
    expect(json.error.message).toContain(dir)
    expect(json.error.message).toMatch(/no files named PrivateTest_\*/)
  })
})
