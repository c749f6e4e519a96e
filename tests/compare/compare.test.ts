import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { FIXTURES, runCli, runJson, tempDir } from '../helpers/cli.js'
import {
  degrade,
  evalDoc,
  predictionsOf,
  recompute,
  setPredictions,
  write,
  withoutPredictions,
  type EvalDoc,
} from '../helpers/gateDocs.js'

interface D {
  a: number | null
  b: number | null
  delta: number | null
}
interface CompareJson {
  metrics: Record<string, D>
  perClassRecall: Record<string, D>
  mcnemar?: { b01: number; b10: number; pValue: number }
  notes: string[]
}

let dir: string
let base: { file: string; doc: EvalDoc }

beforeAll(() => {
  dir = tempDir('ferbench-compare-')
  base = evalDoc(dir, 'a.json', ['--embed-predictions'])
})

describe('ferbench compare', () => {
  it('reports deltas of every metric and per-class recall, and McNemar on paired samples', () => {
    const b = degrade(base.doc, 3)
    // one wrong prediction of the baseline made right: b01 = 1
    const rows = predictionsOf(b)
    const baseRows = predictionsOf(base.doc)
    const fixed = rows.find(
      (p) => p.predicted !== p.truth && baseRows.find((q) => q.id === p.id)!.predicted !== p.truth,
    )!
    fixed.predicted = fixed.truth
    setPredictions(b, rows)
    const bFile = write(dir, 'b.json', recompute(b))
    const { status, json } = runJson<CompareJson>(['compare', base.file, bFile])
    expect(status).toBe(0)
    const n = base.doc.metrics.samples
    expect(json.metrics.accuracy!.a).toBeCloseTo(base.doc.metrics.correct / n, 12)
    expect(json.metrics.accuracy!.b).toBeCloseTo((base.doc.metrics.correct - 3 + 1) / n, 12)
    expect(json.metrics.accuracy!.delta).toBeCloseTo(-2 / n, 12)
    expect(Object.keys(json.metrics).sort()).toEqual([
      'accuracy',
      'balancedAccuracy',
      'calibration.brier',
      'calibration.ece',
      'calibration.mce',
      'calibration.nll',
      'macroF1',
    ])
    // calibration deltas come from the two documents' metrics.calibration
    for (const name of ['ece', 'mce', 'nll', 'brier'] as const) {
      expect(json.metrics[`calibration.${name}`]!.a).toBe(base.doc.metrics.calibration![name])
      expect(json.metrics[`calibration.${name}`]!.delta).toBeCloseTo(
        b.metrics.calibration![name] - base.doc.metrics.calibration![name],
        12,
      )
    }
    for (const c of base.doc.metrics.perClass) expect(json.perClassRecall[c.label]!.a).toBeCloseTo(c.recall, 12)
    // b01 = 1 (a wrong, b right), b10 = 3 (a right, b wrong): p = 2·(C(4,0)+C(4,1))/16 = 10/16
    expect(json.mcnemar).toEqual({ b01: 1, b10: 3, pValue: expect.closeTo(10 / 16, 12), pairs: n, pairedBy: 'content' })
  })

  it('omits McNemar, with a note, when predictions are missing', () => {
    const a = write(dir, 'a-nopred.json', withoutPredictions(base.doc))
    const { json } = runJson<CompareJson>(['compare', a, base.file])
    expect(json.mcnemar).toBeUndefined()
    expect(json.notes.join(' ')).toMatch(
      /McNemar's test not run: .*a-nopred\.json carries no per-sample predictions \(made with --no-embed-predictions/,
    )
  })

  it('refuses different datasets with exit 3 and a clear message', () => {
    const other = evalDoc(dir, 'public.json', [
      '--model',
      path.join(FIXTURES, 'models', 'oracle.onnx'),
      '--data',
      path.join(FIXTURES, 'fer2013', 'fer2013.csv'),
      '--split',
      'PublicTest',
    ])
    const run = runCli(['compare', base.file, other.file])
    expect(run.status).toBe(3)
    expect(run.stderr).toMatch(/same test set, but the datasets differ/)
    expect(run.stderr).toMatch(/PrivateTest/)
    expect(run.stderr).toMatch(/PublicTest/)
  })

  it('writes markdown', () => {
    const run = runCli(['compare', base.file, base.file, '--format', 'markdown'])
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(/^## ferbench compare: fer2013 PrivateTest/)
    expect(run.stdout).toMatch(/\| accuracy \| 85\.71% \| 85\.71% \| \+0\.00 pts \|/)
  })
})
