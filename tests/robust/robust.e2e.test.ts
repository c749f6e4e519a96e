import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { RobustResult } from '../../src/results/robustDocument.js'
import { FIXTURES, runCli, runJson, tempDir } from '../helpers/cli.js'

const RAFDB = path.join(FIXTURES, 'rafdb', 'basic')
const ORACLE = path.join(FIXTURES, 'models', 'oracle.onnx')
const SUBSET = ['--corruptions', 'gaussian-noise,motion-blur,rotation,occlusion-eyes', '--severities', '1,3,5']

/** The document without the fields that differ between identical runs. */
const stable = (r: RobustResult): unknown => ({ ...r, createdAt: undefined, timing: undefined })

describe('ferbench robust', () => {
  it('is deterministic: two runs, and --concurrency 1 vs 8, give identical documents; subsets as asked', () => {
    const a = runJson<RobustResult>(['robust', ...SUBSET])
    expect(a.status).toBe(0)
    const b = runJson<RobustResult>(['robust', ...SUBSET, '--concurrency', '1'])
    const c = runJson<RobustResult>(['robust', ...SUBSET, '--concurrency', '8'])
    expect(stable(b.json)).toEqual(stable(a.json))
    expect(stable(c.json)).toEqual(stable(a.json))
    const r = a.json
    expect(r.schema).toBe('ferbench/robust@1')
    expect(r.results.map((x) => `${x.corruption}:${x.severity}`)).toEqual(
      ['gaussian-noise', 'motion-blur', 'rotation', 'occlusion-eyes'].flatMap((c) => [1, 3, 5].map((s) => `${c}:${s}`)),
    )
    // the definitions: mCA = unweighted mean over the conditions run; relative robustness = mCA / clean
    const mca = r.results.reduce((s, x) => s + x.correct / x.samples, 0) / r.results.length
    expect(r.meanCorruptionAccuracy).toBeCloseTo(mca, 12)
    expect(r.relativeRobustness).toBeCloseTo(mca / (r.clean.correct / r.clean.samples), 12)
    for (const x of [r.clean, ...r.results]) expect(x.samples).toBe(r.dataset.samples)
    // a different seed changes the noise, so some outcome may change, but never the clean run
    const other = runJson<RobustResult>(['robust', ...SUBSET, '--seed', '16']).json
    expect(other.clean).toEqual(r.clean)
    expect(other.seed).toBe(16)
  })

  it('occluding the eye band at severity 5 changes the oracle on RAF-DB (the boxes reach the model)', () => {
    const { status, json } = runJson<RobustResult>([
      'robust',
      '--model',
      ORACLE,
      '--dataset',
      'rafdb',
      '--data',
      RAFDB,
      '--corruptions',
      'occlusion-eyes,occlusion-mouth',
      '--severities',
      '5',
    ])
    expect(status).toBe(0)
    expect(json.clean.accuracy).toBe(1)
    // the oracle scores class k by the brightness of rows 6k..6k+5 (of 48): a black band over rows
    // about 0.29–0.55 of the height darkens bands 2–4 (surprise, sadness, anger), so those samples fail
    expect(json.results.find((x) => x.corruption === 'occlusion-eyes')!.accuracy).toBeLessThan(1)
  })

  it('shards merge into the unsharded document (counts, accuracy, mCA, digest)', () => {
    const dir = tempDir('ferbench-robust-shards-')
    const args = [
      'robust',
      '--corruptions',
      'jpeg,rotation',
      '--severities',
      '2,5',
      '--split',
      'Training',
      '--data',
      path.join(FIXTURES, 'fer2013', 'fer2013.csv'),
      '--model',
      ORACLE,
    ]
    const full = runJson<RobustResult>(args).json
    const files = [1, 2, 3].map((i) => path.join(dir, `r${i}.json`))
    files.forEach((f, i) => expect(runCli([...args, '--shard', `${i + 1}/3`, '--output', f]).status).toBe(0))
    const merged = runJson<RobustResult>(['merge', ...files]).json
    expect(merged.clean).toEqual(full.clean)
    expect(merged.results).toEqual(full.results)
    expect(merged.meanCorruptionAccuracy).toBeCloseTo(full.meanCorruptionAccuracy, 12)
    expect(merged.dataset.digest).toBe(full.dataset.digest)
    expect(merged.merged!.shards.map((s) => s.index)).toEqual([1, 2, 3])
    const twice = runCli(['merge', files[0]!, files[0]!, files[1]!])
    expect(twice.status).toBe(3)
    expect(JSON.parse(readFileSync(files[0]!, 'utf8')).dataset.shard.index).toBe(1)
  })

  it('compare gives per-condition deltas of two robust documents; report renders one as markdown and PNG', () => {
    const dir = tempDir('ferbench-robust-compare-')
    const a = path.join(dir, 'a.json')
    const b = path.join(dir, 'b.json')
    expect(runCli(['robust', '--corruptions', 'rotation', '--severities', '1,5', '--output', a]).status).toBe(0)
    expect(
      runCli(['robust', '--corruptions', 'rotation', '--severities', '1,5', '--seed', '3', '--output', b]).status,
    ).toBe(0)
    const ra = JSON.parse(readFileSync(a, 'utf8')) as RobustResult
    const rb = JSON.parse(readFileSync(b, 'utf8')) as RobustResult
    const { status, json } = runJson<{
      metrics: Record<string, { a: number; b: number; delta: number }>
      notes: string[]
    }>(['compare', a, b])
    expect(status).toBe(0)
    expect(Object.keys(json.metrics)).toEqual([
      'robust.clean',
      'robust.meanCorruptionAccuracy',
      'robust.relativeRobustness',
      'robust.rotation@1',
      'robust.rotation@5',
    ])
    expect(json.metrics['robust.rotation@5']!.delta).toBeCloseTo(rb.results[1]!.accuracy - ra.results[1]!.accuracy, 12)
    expect(json.notes.join(' ')).toMatch(/different seeds \(15, 3\)/)
    const md = runCli(['report', a, '--format', 'markdown'])
    expect(md.status).toBe(0)
    expect(md.stdout).toContain(
      `| rotation | ${(ra.results[0]!.accuracy * 100).toFixed(2)}% | ${(ra.results[1]!.accuracy * 100).toFixed(2)}% |`,
    )
    const html = path.join(dir, 'r.html')
    expect(runCli(['report', a, '--output', html]).status).toBe(0)
    const page = readFileSync(html, 'utf8')
    expect(page).toContain('aria-label="accuracy under rotation"')
    for (const x of ra.results)
      expect(page).toContain(
        `rotation severity ${x.severity}: ${(x.accuracy * 100).toFixed(2)}% (${x.correct}/${x.samples})`,
      )
    const png = path.join(dir, 'r.png')
    expect(runCli(['report', a, '--output', png]).status).toBe(0)
    expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG')
  })

  it('bad --corruptions / --severities values are usage errors (exit 2) listing the allowed ones', () => {
    const run = runCli(['robust', '--corruptions', 'fog'])
    expect(run.status).toBe(2)
    expect(run.stderr).toMatch(
      /--corruptions fog: expected a comma-separated subset of gaussian-noise, .*occlusion-mouth/,
    )
    expect(runCli(['robust', '--severities', '0,6']).status).toBe(2)
  })
})
