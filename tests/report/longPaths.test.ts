import { mkdirSync, rmSync, symlinkSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { textWidth } from '../../src/report/fit.js'
import { FIXTURES, runCli, tempDir } from '../helpers/cli.js'

// Human output must fit 100 columns (stdout is not a TTY here) whatever the paths in it: a CI
// runner's checkout or temp folder can be 150+ characters, with spaces and non-ASCII names. The
// fixtures are reached here through such a folder (a link), so the paths the CLI prints are long
// wherever the repository itself is checked out.
const dir = tempDir('ferbench-long-paths-')
const deep = path.join(dir, 'ci runner workspace — équipe ünïcode 日本語', 'job-'.repeat(15), 'checkout with spaces')
const fixtures = path.join(deep, 'fixtures')
mkdirSync(deep, { recursive: true })
symlinkSync(FIXTURES, fixtures)
const oracle = path.join(fixtures, 'models', 'oracle.onnx')
const csv = path.join(fixtures, 'fer2013', 'fer2013.csv')
const ckplus = path.join(fixtures, 'ckplus', 'original')

const tooWide = (text: string): string[] => text.split('\n').filter((l) => textWidth(l) > 100)
/** The text without blanks, line breaks and table borders: what is left of a path however it was wrapped. */
const squeezed = (text: string): string => text.replace(/[\s│┌┐└┘├┤┬┴┼─]+/g, '')

describe('paths of 150+ characters with spaces and non-ASCII names: the output still fits, paths wrap', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('the folder is as long as a CI checkout can be', () => {
    expect(oracle.length).toBeGreaterThan(150)
  })

  it('models doctor: the model path is wrapped, not cut, and no line passes 100 columns', () => {
    const run = runCli(['models', 'doctor', '--model', oracle, '--dataset', 'fer2013', '--data', csv])
    expect(run.status, run.stderr).toBe(0)
    expect(tooWide(run.stdout)).toEqual([])
    expect(squeezed(run.stdout)).toContain(squeezed(`model ${oracle}:`))
  })

  it('eval and its summary table: the model path wraps in the value column, the metric names stay whole', () => {
    const run = runCli(['eval', '--model', oracle, '--data', csv])
    expect(run.status, run.stderr).toBe(0)
    expect(tooWide(run.stdout)).toEqual([])
    expect(run.stdout).toMatch(/│ balanced accuracy +│/)
    expect(squeezed(run.stdout)).toContain(squeezed(oracle))
  })

  it('cross-validation report: "accuracy, mean ± std over folds" on one line beside a long model path', () => {
    const out = path.join(deep, 'cv.json')
    const cv = runCli([
      'eval',
      '--model',
      oracle,
      '--dataset',
      'ckplus',
      '--data',
      ckplus,
      '--folds',
      '3',
      '--output',
      out,
    ])
    expect(cv.status, cv.stderr).toBe(0)
    expect(tooWide(cv.stdout)).toEqual([])
    const report = runCli(['report', out])
    expect(report.status, report.stderr).toBe(0)
    expect(tooWide(report.stdout)).toEqual([])
    expect(report.stdout).toMatch(/│ accuracy, mean ± std over folds +│/)
    expect(squeezed(report.stdout)).toContain(squeezed(oracle))
  })

  it('models inspect and datasets inspect fit as well', () => {
    for (const args of [
      ['models', 'inspect', '--model', oracle],
      ['datasets', 'inspect', '--dataset', 'fer2013', '--data', csv],
    ]) {
      const run = runCli(args)
      expect(run.status, run.stderr).toBe(0)
      expect(tooWide(run.stdout), args.join(' ')).toEqual([])
    }
  })
})
