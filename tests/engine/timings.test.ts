import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { EvalResult } from '../../src/results/evalDocument.js'
import { FIXTURES, runCli, runJson, tempDir } from '../helpers/cli.js'

const STAGES = ['start-up', 'read', 'decode', 'preprocess', 'infer', 'metrics', 'write']

describe('eval: where the time went', () => {
  it('the JSON records the stage split of the run (timing.split), every stage measured', () => {
    const run = runJson<EvalResult>([
      'eval',
      '--model',
      path.join(FIXTURES, 'models', 'oracle.onnx'),
      '--data',
      path.join(FIXTURES, 'fer2013', 'fer2013.csv'),
    ])
    expect(run.status).toBe(0)
    const split = run.json.timing.split!
    expect(Object.keys(split).sort()).toEqual([
      'decodeMs',
      'inferMs',
      'metricsMs',
      'preprocessMs',
      'readMs',
      'startupMs',
    ])
    for (const [stage, ms] of Object.entries(split)) expect(ms, stage).toBeGreaterThanOrEqual(0)
    // Samples were scored, so their pixels were decoded and a batch ran.
    expect(run.json.dataset.samples).toBeGreaterThan(0)
    expect(split.decodeMs).toBeGreaterThan(0)
    expect(split.inferMs).toBeGreaterThan(0)
  })

  it('--timings prints every stage on stderr, also with --json (stdout stays the document)', () => {
    const out = path.join(tempDir(), 'r.json')
    const run = runCli(['eval', '--timings', '--json', '--output', out])
    expect(run.status).toBe(0)
    expect(() => JSON.parse(run.stdout) as unknown).not.toThrow()
    const lines = run.stderr.split('\n').filter((l) => /^\s+\S+\s+[\d.]+ ms\s+[\d.]+ %$/.test(l))
    expect(lines.map((l) => l.trim().split(/\s+/)[0])).toEqual(STAGES)
    const plain = runCli(['eval', '--json'])
    expect(plain.stderr).not.toMatch(/timings \(/)
  })
})
