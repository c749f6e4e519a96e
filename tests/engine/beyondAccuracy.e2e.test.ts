import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { EvalResult } from '../../src/results/evalDocument.js'
import { FIXTURES, runCli, runJson, tempDir } from '../helpers/cli.js'
import { CANONICAL, FER2013_ORDER, bandMeans, readFixtureCsv } from '../helpers/oracle.js'
import { fisherBrute } from '../helpers/fisher.js'
import { decodePredictions } from '../../src/results/predictions.js'

const CSV = path.join(FIXTURES, 'fer2013', 'fer2013.csv')
const ORACLE = path.join(FIXTURES, 'models', 'oracle.onnx')
const RAFDB = path.join(FIXTURES, 'rafdb', 'basic')
const rows = readFixtureCsv(CSV)

/** The oracle's probabilities over the FER2013 columns: softmax of the band means (contempt excluded), by the definition. */
function oracleProbabilities(pixels: number[], temperature = 1): number[] {
  const means = bandMeans(pixels)
  const logits = FER2013_ORDER.map((label) => means[CANONICAL.indexOf(label)]! / temperature)
  const max = Math.max(...logits)
  const e = logits.map((z) => Math.exp(z - max))
  const sum = e.reduce((a, b) => a + b, 0)
  return e.map((x) => x / sum)
}

/** ECE (15 bins, (m/15, (m+1)/15]), NLL and Brier written out from their definitions. */
function expectedCalibration(
  split: string,
  temperature = 1,
): { ece: number; nll: number; brier: number; binSamples: number[] } {
  const bins = Array.from({ length: 15 }, () => ({ n: 0, conf: 0, right: 0 }))
  let nll = 0
  let brier = 0
  const mine = rows.filter((r) => r.usage === split)
  for (const r of mine) {
    const q = oracleProbabilities(r.pixels, temperature)
    const predicted = q.indexOf(Math.max(...q))
    const bin = Math.max(0, Math.ceil(q[predicted]! * 15) - 1)
    bins[Math.min(14, bin)]!.n += 1
    bins[Math.min(14, bin)]!.conf += q[predicted]!
    if (predicted === r.emotion) bins[Math.min(14, bin)]!.right += 1
    nll -= Math.log(Math.max(q[r.emotion]!, 1e-15))
    brier += q.reduce((s, p, c) => s + (p - (c === r.emotion ? 1 : 0)) ** 2, 0)
  }
  const ece = bins.reduce(
    (s, b) => s + (b.n === 0 ? 0 : (b.n / mine.length) * Math.abs(b.right / b.n - b.conf / b.n)),
    0,
  )
  return { ece, nll: nll / mine.length, brier: brier / mine.length, binSamples: bins.map((b) => b.n) }
}

describe('calibration in eval (oracle on the FER2013 fixture)', () => {
  it('ECE, NLL, Brier and bin counts equal an independent computation from the pixels', () => {
    const { status, json } = runJson<EvalResult>(['eval', '--model', ORACLE, '--data', CSV, '--split', 'Training'])
    expect(status).toBe(0)
    const want = expectedCalibration('Training')
    const c = json.metrics.calibration!
    expect(c.samples).toBe(json.dataset.samples)
    expect(c.bins.map((b) => b.samples)).toEqual(want.binSamples)
    expect(c.ece).toBeCloseTo(want.ece, 5)
    expect(c.nll).toBeCloseTo(want.nll, 4)
    expect(c.brier).toBeCloseTo(want.brier, 5)
  })

  it('--calibrate temperature: T minimises the NLL on the calibration split; "after" is the scored split at that T', () => {
    const { status, json } = runJson<EvalResult>([
      'eval',
      '--model',
      ORACLE,
      '--data',
      CSV,
      '--split',
      'PrivateTest',
      '--calibrate',
      'temperature',
      '--calibration-split',
      'Training',
    ])
    expect(status).toBe(0)
    const t = json.metrics.calibration!.temperatureScaling!
    expect(t.split).toBe('Training')
    expect(t.samples).toBe(rows.filter((r) => r.usage === 'Training').length)
    const nllAt = (temperature: number): number => expectedCalibration('Training', temperature).nll
    expect(nllAt(t.temperature)).toBeLessThanOrEqual(nllAt(t.temperature * 1.05) + 1e-9)
    expect(nllAt(t.temperature)).toBeLessThanOrEqual(nllAt(t.temperature / 1.05) + 1e-9)
    expect(t.fitNllAfter).toBeCloseTo(nllAt(t.temperature), 4)
    const after = expectedCalibration('PrivateTest', t.temperature)
    expect(t.after.nll).toBeCloseTo(after.nll, 4)
    expect(t.after.ece).toBeCloseTo(after.ece, 5)
    expect(json.metrics.calibration!.nll).toBeCloseTo(expectedCalibration('PrivateTest').nll, 4)
  })

  it('--calibrate with --shard: every shard fits the same temperature on the whole calibration split; merge adds the "after" sums', () => {
    const dir = tempDir('ferbench-temperature-shards-')
    const args = [
      'eval',
      '--model',
      ORACLE,
      '--data',
      CSV,
      '--split',
      'Training',
      '--calibrate',
      'temperature',
      '--calibration-split',
      'PublicTest',
    ]
    const full = runJson<EvalResult>(args).json.metrics.calibration!.temperatureScaling!
    const files = [1, 2].map((i) => path.join(dir, `t${i}.json`))
    files.forEach((f, i) => expect(runCli([...args, '--shard', `${i + 1}/2`, '--output', f]).status).toBe(0))
    const merged = runJson<EvalResult>(['merge', ...files]).json.metrics.calibration!.temperatureScaling!
    expect(merged.temperature).toBe(full.temperature)
    expect(merged.samples).toBe(rows.filter((r) => r.usage === 'PublicTest').length)
    expect(merged.after.bins.map((b) => b.samples)).toEqual(full.after.bins.map((b) => b.samples))
    expect(merged.after.nll).toBeCloseTo(full.after.nll, 12)
    expect(merged.after.ece).toBeCloseTo(full.after.ece, 12)
  })

  it('--calibration-split equal to the scored split is refused (exit 2)', () => {
    const run = runCli([
      'eval',
      '--model',
      ORACLE,
      '--data',
      CSV,
      '--split',
      'PrivateTest',
      '--calibrate',
      'temperature',
      '--calibration-split',
      'PrivateTest',
    ])
    expect(run.status).toBe(2)
    expect(run.stderr).toMatch(/another split than the one scored/)
  })
})

/** The attribute files read naively: line 6 gender, 7 race, 8 age, codes as RAF-DB's readme defines them. */
function attributeOf(stem: string, attribute: 'gender' | 'race' | 'age'): string {
  const names = {
    gender: ['male', 'female', 'unsure'],
    race: ['caucasian', 'african-american', 'asian'],
    age: ['0-3', '4-19', '20-39', '40-69', '70+'],
  }
  const file = path.join(RAFDB, 'Annotation', 'manual', `${stem}_manu_attri.txt`)
  let lines: string[]
  try {
    lines = readFileSync(file, 'utf8').trim().split('\n')
  } catch {
    return '(none)'
  }
  return names[attribute][Number(lines[5 + ['gender', 'race', 'age'].indexOf(attribute)])]!
}

describe('eval --slice-by', () => {
  it('RAF-DB gender/race/age groups equal a count from the attribute files and the per-sample predictions', () => {
    const { status, json } = runJson<EvalResult>([
      'eval',
      '--model',
      ORACLE,
      '--dataset',
      'rafdb',
      '--data',
      RAFDB,
      '--slice-by',
      'gender',
      '--slice-by',
      'race',
      '--slice-by',
      'age',
      '--slice-min-samples',
      '3',
      '--embed-predictions',
    ])
    expect(status).toBe(0)
    expect(readdirSync(path.join(RAFDB, 'Annotation', 'manual')).length).toBe(27) // 28 listed images, one left without a file
    for (const attribute of ['gender', 'race', 'age'] as const) {
      const expected = new Map<string, { n: number; right: number }>()
      for (const p of decodePredictions(json.predictions!)) {
        const g = attributeOf(p.id, attribute)
        const e = expected.get(g) ?? { n: 0, right: 0 }
        e.n += 1
        if (p.predicted === p.truth) e.right += 1
        expected.set(g, e)
      }
      const got = json.metrics.slices![attribute]!
      expect(Object.keys(got.groups).sort()).toEqual([...expected.keys()].sort())
      for (const [g, e] of expected) {
        expect(got.groups[g]!.samples).toBe(e.n)
        expect(got.groups[g]!.accuracy).toBeCloseTo(e.right / e.n, 12)
        expect(got.groups[g]!.ranked).toBe(e.n >= 3 && g !== '(none)')
      }
    }
    expect(json.metrics.slices!.gender!.groups['(none)']!.samples).toBe(1)
  })

  it("a manifest's extra column; the largest gap between ranked groups with its Fisher exact p-value", () => {
    const dir = tempDir('ferbench-slices-')
    const manifest = readFileSync(path.join(FIXTURES, 'manifest', 'manifest.csv'), 'utf8')
      .trim()
      .split('\n')
    const images = path.relative(dir, path.join(FIXTURES, 'manifest'))
    // glasses = yes on every other row; the images stay in fixtures/ (--allow-outside-root)
    let i = 0
    const body = manifest.slice(1).map((line) => {
      const [p, ...rest] = line.split(',')
      return [path.join(images, p!), ...rest, i++ % 2 === 0 ? 'yes' : 'no'].join(',')
    })
    const file = path.join(dir, 'manifest.csv')
    writeFileSync(file, `${[`${manifest[0]},glasses`, ...body].join('\n')}\n`)
    const { status, json } = runJson<EvalResult>([
      'eval',
      '--model',
      ORACLE,
      '--dataset',
      'manifest',
      '--data',
      file,
      '--slice-by',
      'glasses',
      '--slice-by',
      'subject',
      '--slice-min-samples',
      '1',
      '--embed-predictions',
      '--allow-outside-root',
    ])
    expect(status).toBe(0)
    const glasses = json.metrics.slices!.glasses!
    const acc = (g: string): number => glasses.groups[g]!.accuracy
    // a tie goes to the first group by code point ('no')
    const [a, b] = acc('yes') > acc('no') ? ['yes', 'no'] : ['no', 'yes']
    expect(glasses.maxGap!.a).toBe(a)
    expect(glasses.maxGap!.b).toBe(b)
    expect(glasses.maxGap!.difference).toBeCloseTo(acc(a!) - acc(b!), 12)
    const ga = glasses.groups[a!]!
    const gb = glasses.groups[b!]!
    expect(glasses.maxGap!.pValue).toBeCloseTo(
      fisherBrute(ga.correct, ga.samples - ga.correct, gb.correct, gb.samples - gb.correct),
      12,
    )
    // the groups follow the column: every other test row has glasses
    expect(ga.samples + gb.samples).toBe(json.dataset.samples)
    expect(json.metrics.slices!.subject).toBeDefined()
    const run = runCli([
      'eval',
      '--model',
      ORACLE,
      '--dataset',
      'manifest',
      '--data',
      file,
      '--slice-by',
      'hat',
      '--allow-outside-root',
    ])
    expect(run.status).toBe(2)
    expect(run.stderr).toMatch(/--slice-by hat: .*attribute\(s\) subject, glasses/)
  })

  it('CK+ subjects: one group per subject id of the file names, with its samples and accuracy', () => {
    const root = path.join(FIXTURES, 'ckplus', 'CK+48')
    const { status, json } = runJson<EvalResult>([
      'eval',
      '--model',
      ORACLE,
      '--dataset',
      'ckplus',
      '--data',
      root,
      '--slice-by',
      'subject',
      '--slice-min-samples',
      '1',
      '--embed-predictions',
    ])
    expect(status).toBe(0)
    // subject = the S### prefix of S010_004_00000017.png, read here from the folders
    const expected = new Map<string, { n: number; right: number }>()
    const predicted = new Map(decodePredictions(json.predictions!).map((p) => [p.id, p.predicted === p.truth]))
    for (const folder of readdirSync(root, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)) {
      for (const file of readdirSync(path.join(root, folder))) {
        const m = /^(S\d+)_\d+_\d+\./.exec(file)
        if (!m) continue
        const e = expected.get(m[1]!) ?? { n: 0, right: 0 }
        e.n += 1
        if (predicted.get(file.replace(/\.[^.]+$/, ''))) e.right += 1
        expected.set(m[1]!, e)
      }
    }
    const groups = json.metrics.slices!.subject!.groups
    expect(Object.keys(groups).sort()).toEqual([...expected.keys()].sort())
    for (const [subject, e] of expected) {
      expect(groups[subject]!.samples).toBe(e.n)
      expect(groups[subject]!.correct).toBe(e.right)
    }
  })

  it('shards merge to the unsharded slices and calibration', () => {
    const dir = tempDir('ferbench-slices-shards-')
    const args = [
      'eval',
      '--model',
      ORACLE,
      '--dataset',
      'rafdb',
      '--data',
      RAFDB,
      '--split',
      'train',
      '--slice-by',
      'gender',
      '--slice-min-samples',
      '2',
    ]
    const full = runJson<EvalResult>(args).json
    const files = [1, 2].map((i) => path.join(dir, `s${i}.json`))
    files.forEach((f, i) => expect(runCli([...args, '--shard', `${i + 1}/2`, '--output', f]).status).toBe(0))
    const merged = runJson<EvalResult>(['merge', ...files]).json
    expect(merged.metrics.slices).toEqual(full.metrics.slices)
    const c = merged.metrics.calibration!
    expect(c.bins.map((b) => b.samples)).toEqual(full.metrics.calibration!.bins.map((b) => b.samples))
    expect(c.ece).toBeCloseTo(full.metrics.calibration!.ece, 12)
    expect(c.nll).toBeCloseTo(full.metrics.calibration!.nll, 12)
    expect(c.brier).toBeCloseTo(full.metrics.calibration!.brier, 12)
  })
})
