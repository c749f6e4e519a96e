import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { CvResult } from '../../src/results/cvDocument.js'
import { FIXTURES, runCli, runJson, tempDir } from '../helpers/cli.js'
import { predictionsOf, recompute, setPredictions, write, type EvalDoc } from '../helpers/gateDocs.js'

const ORACLE = path.join(FIXTURES, 'models', 'oracle.onnx')
const JAFFE = path.join(FIXTURES, 'jaffe', 'jaffe')
const cvArgs = ['eval', '--model', ORACLE, '--dataset', 'jaffe', '--data', JAFFE, '--folds', '3']
const pct = (x: number): string => `${(x * 100).toFixed(2)}%`

/** A copy of a cv document whose first `n` correct pooled predictions become wrong, pooled metrics recomputed test-side. */
function degradeCv(doc: CvResult, n: number): CvResult {
  const copy = JSON.parse(JSON.stringify(doc)) as CvResult
  const view = copy as unknown as EvalDoc // same predictions and metrics fields
  const rows = predictionsOf(view)
  const labels = copy.metrics.confusionMatrix.labels
  let left = n
  for (const p of rows) {
    if (left > 0 && p.predicted === p.truth) {
      p.predicted = labels.find((l) => l !== p.truth)!
      left -= 1
    }
  }
  setPredictions(view, rows)
  recompute(view)
  return copy
}

let dir: string
let cvFile: string
let cv: CvResult
let html: string
let md: string

beforeAll(() => {
  dir = tempDir('ferbench-cv-')
  cvFile = path.join(dir, 'cv.json')
  const run = runCli([
    ...cvArgs,
    '--output',
    cvFile,
    '--report',
    path.join(dir, 'cv.html'),
    '--report',
    path.join(dir, 'cv.md'),
  ])
  expect(run.status, run.stderr).toBe(0)
  cv = JSON.parse(readFileSync(cvFile, 'utf8')) as CvResult
  html = readFileSync(path.join(dir, 'cv.html'), 'utf8')
  md = readFileSync(path.join(dir, 'cv.md'), 'utf8')
})

describe('cross-validation documents are first-class', () => {
  it('eval --folds N --report writes HTML and markdown with the per-fold table and the pooled metrics', () => {
    const samples = cv.folds.reduce((n, f) => n + f.samples, 0)
    const correct = cv.folds.reduce((n, f) => n + f.metrics.correct, 0)
    expect(cv.metrics.samples).toBe(samples)
    expect(cv.metrics.accuracy).toBeCloseTo(correct / samples, 12)
    expect(md).toMatch(/^## ferbench cross-validation: oracle\.onnx on jaffe all, 3 folds/)
    for (const f of cv.folds) {
      expect(md).toContain(`| ${f.fold} | ${f.subjects.join(' ')} | ${f.samples} | ${pct(f.metrics.accuracy)} |`)
      expect(html).toContain(`<td class="num">${f.samples}</td><td class="num">${pct(f.metrics.accuracy)}</td>`)
    }
    expect(md).toContain(`| pooled accuracy | ${pct(correct / samples)} (${correct}/${samples})`)
    expect(html).toContain(`${pct(correct / samples)} (${correct}/${samples})`)
    expect(html).toContain('<svg')
    expect(html).not.toMatch(/<script|<link|(src|href)="http/)
  })

  it("the cv document carries the folds' digests added up and the pooled predictions", () => {
    expect(predictionsOf(cv as unknown as EvalDoc)).toHaveLength(cv.metrics.samples)
    expect(cv.dataset.contentDigest).toMatch(/^[0-9a-f]{64}$/)
    // the same samples evaluated without folds have the same digests
    const all = runJson<EvalDoc>([
      'eval',
      '--model',
      ORACLE,
      '--dataset',
      'jaffe',
      '--data',
      JAFFE,
      '--split',
      'all',
    ]).json
    expect(all.dataset.digest).toBe(cv.dataset.digest)
    expect(all.dataset.contentDigest).toBe(cv.dataset.contentDigest)
    const allFile = write(dir, 'all.json', all)
    const { status, json } = runJson<{ mcnemar: { b01: number; b10: number; pairs: number } }>([
      'compare',
      allFile,
      cvFile,
    ])
    expect(status).toBe(0)
    expect(json.mcnemar).toMatchObject({ b01: 0, b10: 0, pairs: cv.metrics.samples })
  })

  it('report reads a cv document: table, markdown, PNG', () => {
    const table = runCli(['report', cvFile])
    expect(table.status, table.stderr).toBe(0)
    expect(table.stdout).toMatch(/accuracy, mean ± std over folds/)
    const mdRun = runCli(['report', cvFile, '--format', 'markdown'])
    expect(mdRun.stdout.trim()).toBe(md.trim())
    const png = path.join(dir, 'cv.png')
    expect(runCli(['report', cvFile, '--output', png]).status).toBe(0)
    expect(readFileSync(png).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  })

  it('markdown: the pooled confusion diagonal is bold, and every text from the document is escaped', () => {
    const { labels, counts } = cv.metrics.confusionMatrix
    const diagonal = labels.map(
      (l, i) => `| ${l} | ${counts[i]!.map((n, j) => (i === j ? `**${n}**` : n)).join(' | ')} |`,
    )
    for (const line of diagonal) expect(md).toContain(line)
    const doc = JSON.parse(JSON.stringify(cv)) as CvResult
    doc.protocol.model = path.join(dir, '<!--m_1.onnx')
    doc.warnings = ['a <!-- warning *x*']
    doc.failures = [{ fold: 1, id: 'img/`a`|b.png', source: 'img/`a`|b.png', error: 'bad <b>file</b>' }]
    const hostile = path.join(dir, 'hostile-cv.json')
    writeFileSync(hostile, JSON.stringify(doc))
    const run = runCli(['report', hostile, '--format', 'markdown'])
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout).not.toContain('<!--')
    expect(run.stdout).toContain('## ferbench cross-validation: \\<\\!--m\\_1.onnx on jaffe')
    expect(run.stdout).toContain('- a \\<\\!-- warning \\*x\\*')
    expect(run.stdout).toContain('- fold 1: img/\\`a\\`\\|b.png (img/\\`a\\`\\|b.png): bad \\<b\\>file\\</b\\>')
    expect(run.stdout.split('\n').filter((l) => l === '### Warnings')).toHaveLength(1)
  })

  it('compare: pooled deltas, the fold-mean delta, McNemar on the pooled per-sample predictions', () => {
    const k = 3
    const cur = write(dir, 'cv-degraded.json', degradeCv(cv, k))
    const { status, json } = runJson<{
      metrics: Record<string, { a: number; b: number; delta: number }>
      mcnemar: { b01: number; b10: number; pValue: number; pairs: number }
    }>(['compare', cvFile, cur])
    expect(status).toBe(0)
    const n = cv.metrics.samples
    expect(json.metrics.accuracy!.delta).toBeCloseTo(-k / n, 12)
    expect(json.metrics.accuracyFoldMean!.a).toBeCloseTo(cv.metrics.accuracyFoldMean, 12)
    expect(json.mcnemar).toEqual({
      b01: 0,
      b10: k,
      pValue: expect.closeTo(2 * 0.5 ** k, 12),
      pairs: n,
      pairedBy: 'content',
    })
  })

  it('gate: a significant pooled drop fails (exit 8); without predictions it says it ran without McNemar', () => {
    const cur = write(dir, 'cv-big-drop.json', degradeCv(cv, 8))
    const { status, json } = runJson<{
      passed: boolean
      significance: { test: string; pairs: number }
      checks: Array<{ name: string; pValue: number; passed: boolean }>
    }>(['gate', '--baseline', cvFile, '--current', cur])
    expect(status).toBe(8)
    expect(json.significance).toMatchObject({ test: 'mcnemar', pairs: cv.metrics.samples })
    expect(json.checks[0]).toMatchObject({ name: 'accuracy', passed: false, pValue: expect.closeTo(2 * 0.5 ** 8, 12) })

    const bare = path.join(dir, 'cv-bare.json')
    expect(runCli([...cvArgs, '--no-embed-predictions', '--output', bare]).status).toBe(0)
    const run = runCli(['gate', '--baseline', bare, '--current', cvFile])
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.replace(/\s+/g, ' ')).toMatch(
      /significance: NONE — McNemar's test could not run: .*cv-bare\.json carries no per-sample predictions \(made with --no-embed-predictions/,
    )
  })
})
