import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { RobustResult } from '../../src/results/robustDocument.js'
import { referenceErrors } from '../../src/robust/imagenetC.js'
import { FIXTURES, runCli, runJson, tempDir } from '../helpers/cli.js'

const SUBSET = ['--corruptions', 'jpeg,contrast', '--severities', '1,5']
const TINYCONV = path.join(FIXTURES, 'models', 'tinyconv.onnx')
const CSV = path.join(FIXTURES, 'fer2013', 'fer2013.csv')

/** A copy of a real robust document with the accuracies given (clean, then jpeg@1, jpeg@5, contrast@1, contrast@5). */
function withAccuracies(doc: RobustResult, clean: number, results: readonly number[]): RobustResult {
  return {
    ...doc,
    clean: { ...doc.clean, accuracy: clean },
    results: doc.results.map((r, i) => ({ ...r, accuracy: results[i]! })),
  }
}

describe('ImageNet-C mCE and relative mCE against a reference (robust --reference)', () => {
  let base: RobustResult
  let dir: string
  beforeAll(() => {
    dir = tempDir()
    const run = runJson<RobustResult>(['robust', ...SUBSET, '--output', path.join(dir, 'ref.json')])
    expect(run.status).toBe(0)
    base = run.json
  })

  it('computes CE_c, mCE, relative CE_c and relative mCE as ImageNet-C defines them (hand-computed figures)', () => {
    expect(base.results.map((r) => `${r.corruption}@${r.severity}`)).toEqual([
      'jpeg@1',
      'jpeg@5',
      'contrast@1',
      'contrast@5',
    ])
    const current = withAccuracies(base, 0.9, [0.8, 0.5, 0.85, 0.6])
    const reference = withAccuracies(base, 0.8, [0.6, 0.3, 0.7, 0.5])
    const e = referenceErrors(current, reference, 'ref.json')
    // CE_jpeg = (0.2 + 0.5) / (0.4 + 0.7); CE_contrast = (0.15 + 0.4) / (0.3 + 0.5)
    expect(e.corruptions[0]!.corruptionError).toBeCloseTo(0.7 / 1.1, 12)
    expect(e.corruptions[1]!.corruptionError).toBeCloseTo(0.55 / 0.8, 12)
    expect(e.meanCorruptionError).toBeCloseTo((0.7 / 1.1 + 0.55 / 0.8) / 2, 12)
    // relative: ((0.2 − 0.1) + (0.5 − 0.1)) / ((0.4 − 0.2) + (0.7 − 0.2)); ((0.15 − 0.1) + (0.4 − 0.1)) / ((0.3 − 0.2) + (0.5 − 0.2))
    expect(e.corruptions[0]!.relativeCorruptionError).toBeCloseTo(0.5 / 0.7, 12)
    expect(e.corruptions[1]!.relativeCorruptionError).toBeCloseTo(0.35 / 0.4, 12)
    expect(e.relativeMeanCorruptionError).toBeCloseTo((0.5 / 0.7 + 0.35 / 0.4) / 2, 12)
    // mCE is not relativeRobustness (mCA / clean accuracy), which the document keeps as it was
    expect(e.undefinedBecause).toEqual([])
  })

  it('a reference with no error, or no error growth, under a corruption leaves that ratio undefined and says so', () => {
    const current = withAccuracies(base, 0.9, [0.8, 0.5, 0.85, 0.6])
    const reference = withAccuracies(base, 0.8, [1, 1, 0.8, 0.8])
    const e = referenceErrors(current, reference, 'ref.json')
    expect(e.corruptions[0]).toMatchObject({ corruption: 'jpeg', corruptionError: null, relativeCorruptionError: null })
    expect(e.corruptions[1]!.corruptionError).toBeCloseTo(0.55 / 0.4, 12)
    expect(e.corruptions[1]!.relativeCorruptionError).toBeNull()
    expect(e.meanCorruptionError).toBeCloseTo(0.55 / 0.4, 12)
    expect(e.relativeMeanCorruptionError).toBeNull()
    expect(e.undefinedBecause.join('\n')).toMatch(/jpeg: the reference made no error/)
    expect(e.undefinedBecause.join('\n')).toMatch(/contrast: the reference's error did not grow/)
  })

  it('the CLI adds referenceErrors from the reference document; other test sets, conditions or seeds are refused (exit 3)', () => {
    const ref = path.join(dir, 'ref.json')
    const cur = runJson<RobustResult>(['robust', '--model', TINYCONV, '--data', CSV, ...SUBSET, '--reference', ref])
    expect(cur.status).toBe(0)
    const e = cur.json.referenceErrors!
    expect(e.file).toBe(ref)
    expect(e.model.sha256).toBe(base.model.sha256)
    expect(e).toEqual(referenceErrors({ ...cur.json, referenceErrors: undefined }, base, ref))
    // a reference on another test set
    const other = path.join(dir, 'other.json')
    writeFileSync(other, JSON.stringify({ ...base, dataset: { ...base.dataset, digest: '0'.repeat(64) } }))
    const refused = runCli(['robust', '--model', TINYCONV, '--data', CSV, ...SUBSET, '--reference', other])
    expect(refused.status).toBe(3)
    expect(refused.stderr).toMatch(/other\.json: the reference was run on another test set/)
    // a reference without a condition this run has
    const missing = runCli(['robust', ...SUBSET.slice(0, 2), '--severities', '1,2', '--reference', ref])
    expect(missing.status).toBe(3)
    expect(missing.stderr).toMatch(/no result for jpeg@2, contrast@2/)
    const seed = runCli(['robust', ...SUBSET, '--seed', '16', '--reference', ref])
    expect(seed.status).toBe(3)
    expect(seed.stderr).toMatch(/--seed 15, this run 16/)
  })
})
