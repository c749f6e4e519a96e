import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { RobustResult } from '../../src/results/robustDocument.js'
import { FIXTURES, runCli, tempDir } from '../helpers/cli.js'
import { runAndInterrupt } from '../helpers/robustnessDocs.js'

const ORACLE = path.join(FIXTURES, 'models', 'oracle.onnx')
const ARGS = [
  'robust',
  '--model',
  ORACLE,
  '--data',
  path.join(FIXTURES, 'fer2013', 'fer2013.csv'),
  '--split',
  'Training',
  '--corruptions',
  'jpeg,rotation,gaussian-noise',
  '--severities',
  '2,5',
  '--batch',
  '4',
]
const read = (file: string): RobustResult => JSON.parse(readFileSync(file, 'utf8')) as RobustResult
const stable = (r: RobustResult): unknown => ({ ...r, createdAt: undefined, timing: undefined })

describe('robust: interrupt and --resume', () => {
  it('SIGINT writes a partial robust result (complete:false, exit 9); --resume finishes it to the uninterrupted document', async () => {
    const dir = tempDir('ferbench-robust-resume-')
    const full = path.join(dir, 'full.json')
    expect(runCli([...ARGS, '--output', full]).status).toBe(0)
    const out = path.join(dir, 'part.json')
    const run = await runAndInterrupt([...ARGS, '--output', out, '--concurrency', '1'], 'SIGINT')
    expect(run.status).toBe(9)
    expect(run.stderr).toContain(`ferbench robust --resume ${out}`)
    const partial = read(out)
    expect(partial.complete).toBe(false)
    const settled = partial.clean.samples + partial.clean.failures
    expect(settled).toBeGreaterThan(0)
    expect(settled).toBeLessThan(read(full).clean.samples)
    // every condition has settled exactly the same prefix as the clean pass
    for (const r of partial.results) expect(r.samples + r.failures).toBe(settled)
    expect(partial.resume!.digests).toHaveLength(partial.results.length)

    const resumed = runCli(['robust', '--resume', out, '--json'])
    expect(resumed.status).toBe(0)
    const final = read(out)
    expect(final.complete).toBeUndefined()
    expect(final.resume).toBeUndefined()
    expect(stable(final)).toEqual(stable(read(full)))
    expect(final.timing.wallSeconds).toBeGreaterThan(0)
  }, 60_000)

  it('--resume refuses flags that fix the run, complete results, and a partial changed by hand', async () => {
    const dir = tempDir('ferbench-robust-resume-')
    const out = path.join(dir, 'part.json')
    expect((await runAndInterrupt([...ARGS, '--output', out, '--concurrency', '1'], 'SIGTERM')).status).toBe(9)
    const withSeed = runCli(['robust', '--resume', out, '--seed', '3'])
    expect(withSeed.status).toBe(2)
    expect(withSeed.stderr).toMatch(/--seed cannot be given with --resume/)
    const withModel = runCli(['robust', '--resume', out, '--model', ORACLE])
    expect(withModel.status).toBe(2)

    const tampered = path.join(dir, 'tampered.json')
    const doc = read(out)
    doc.results[0]!.correct = doc.results[0]!.correct + 1
    doc.results[0]!.samples = doc.results[0]!.samples + 1
    writeFileSync(tampered, JSON.stringify(doc))
    const bad = runCli(['robust', '--resume', tampered])
    expect(bad.status).toBe(3)
    expect(bad.stderr).toMatch(/changed after ferbench wrote it/)

    expect(runCli(['robust', '--resume', out]).status).toBe(0)
    const again = runCli(['robust', '--resume', out])
    expect(again.status).toBe(3)
    expect(again.stderr).toMatch(/there is nothing to resume/)
  }, 60_000)
})
