import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { FIXTURES, runCli } from '../helpers/cli.js'

// `eval --folds N` without `--fold` runs every fold; the flags such a run cannot honour are refused
// before anything is read, as usage errors (exit 2) naming the flag.
const CKPLUS = path.join(FIXTURES, 'ckplus')
const MODEL = path.join(FIXTURES, 'models', 'oracle.onnx')

describe('eval --folds without --fold: flags an all-fold run refuses', () => {
  it.each([
    ['--shard', '1/2'],
    ['--predictions', 'p.csv'],
    ['--slice-by', 'subject'],
    ['--calibrate', 'temperature'],
  ])('%s', (flag, value) => {
    const run = runCli(['eval', '--model', MODEL, '--dataset', 'ckplus', '--data', CKPLUS, '--folds', '3', flag, value])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain(`${flag} is not available for an all-fold run (--folds without --fold)`)
  })

  it('needs --model and --data', () => {
    const run = runCli(['eval', '--dataset', 'ckplus', '--folds', '3'])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('--folds without --fold evaluates every fold and needs --model and --data')
  })
})
