import { readFileSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { FIXTURES, runCli, runJson, tempDir } from '../helpers/cli.js'
import { write } from '../helpers/gateDocs.js'

interface SpeedDoc {
  schema: string
  results: Array<{
    batch: number
    threads: number | null
    latencyRatio?: number
    latencyRatioCI95?: [number, number]
    latencyRatioBlocks?: number[]
  }>
  reference?: { model: { path: string; sha256: string } }
  [key: string]: unknown
}
interface GateJson {
  passed: boolean
  checks: Array<{
    name: string
    baseline: number
    current: number
    change: number
    changeCI95?: [number, number]
    threshold: number
    passed: boolean
    detail: string
  }>
  notes: string[]
}

let dir: string
let template: SpeedDoc

/** A real speed document (short timing; the ratios are then set by hand, so no verdict depends on timing). */
beforeAll(() => {
  dir = tempDir('ferbench-speedgate-')
  const model = path.join(FIXTURES, 'models', 'oracle.onnx')
  const file = path.join(dir, 'speed.json')
  const run = runCli([
    'speed',
    '--model',
    model,
    '--reference',
    model,
    '--batch',
    '1,2',
    '--warmup',
    '1',
    '--iterations',
    '3',
    '--duration',
    '0',
    '--repeats',
    '4',
    '--output',
    file,
  ])
  if (run.status !== 0) throw new Error(`speed failed: ${run.stderr}`)
  template = JSON.parse(readFileSync(file, 'utf8')) as SpeedDoc
})

/** Without per-block ratios: an older document, judged on the point estimate. */
function withRatios(ratios: number[]): SpeedDoc {
  const doc = JSON.parse(JSON.stringify(template)) as SpeedDoc
  doc.results.forEach((cell, i) => {
    cell.latencyRatio = ratios[i]
    delete cell.latencyRatioBlocks
    delete cell.latencyRatioCI95
  })
  return doc
}

const geomean = (xs: readonly number[]): number => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length)

/** With per-block ratios (as speed --reference writes them): the ratio is their geometric mean. */
function withBlocks(blocks: number[][]): SpeedDoc {
  const doc = JSON.parse(JSON.stringify(template)) as SpeedDoc
  doc.results.forEach((cell, i) => {
    cell.latencyRatioBlocks = blocks[i]
    cell.latencyRatio = geomean(blocks[i]!)
  })
  return doc
}

describe('ferbench gate on speed documents (latency ratios)', () => {
  it('the real speed document carries a reference, the ABBA block ratios, their geometric mean and its interval per cell', () => {
    expect(template.reference).toBeDefined()
    expect(template.results.length).toBe(2)
    for (const cell of template.results) {
      const blocks = cell.latencyRatioBlocks!
      expect(blocks).toHaveLength(4) // --repeats 4
      expect(cell.latencyRatio).toBeCloseTo(geomean(blocks), 12)
      // 95 % interval on the log scale, Student t with 3 degrees of freedom (t = 3.182446305284263)
      const logs = blocks.map(Math.log)
      const m = logs.reduce((a, b) => a + b, 0) / 4
      const sd = Math.sqrt(logs.reduce((a, v) => a + (v - m) ** 2, 0) / 3)
      expect(cell.latencyRatioCI95![0]).toBeCloseTo(Math.exp(m - (3.182446305284263 * sd) / 2), 6)
      expect(cell.latencyRatioCI95![1]).toBeCloseTo(Math.exp(m + (3.182446305284263 * sd) / 2), 6)
    }
  })

  it('noise: a ratio 15 % up whose interval reaches below +10 % passes; 30 % up with tight blocks fails; the interval is printed', () => {
    // current blocks = baseline blocks × c: equal spread, so Welch's degrees of freedom are 2·(6 − 1) = 10, t(0.975, 10) = 2.228138851986274
    const noisy = [1.0, 1.25, 0.85, 1.15, 0.9, 1.2]
    const tight = [1.0, 1.02, 0.99, 1.01, 0.98, 1.0]
    const expected = (blocks: number[], c: number): [number, number] => {
      const logs = blocks.map(Math.log)
      const m = logs.reduce((a, b) => a + b, 0) / logs.length
      const variance = logs.reduce((a, v) => a + (v - m) ** 2, 0) / (logs.length - 1)
      const half = 2.228138851986274 * Math.sqrt((2 * variance) / logs.length)
      return [(c * Math.exp(-half) - 1) * 100, (c * Math.exp(half) - 1) * 100]
    }
    const base = write(dir, 'blocks-base.json', withBlocks([noisy, tight]))
    const cur = write(dir, 'blocks-cur.json', withBlocks([noisy.map((r) => r * 1.15), tight.map((r) => r * 1.3)]))
    const run = runJson<GateJson>(['gate', '--baseline', base, '--current', cur, '--max-latency-increase', '10'])
    expect(run.status).toBe(8)
    const [first, second] = run.json.checks
    expect(first!.change).toBeCloseTo(15, 9)
    expect(first!.changeCI95![0]).toBeCloseTo(expected(noisy, 1.15)[0], 5) // jstat's t quantile is good to about 1e-8
    expect(first!.changeCI95![1]).toBeCloseTo(expected(noisy, 1.15)[1], 5)
    expect(first!.changeCI95![0]).toBeLessThan(10) // straddles the threshold: not evidence of a regression
    expect(first!.passed).toBe(true)
    expect(second!.change).toBeCloseTo(30, 9)
    expect(second!.changeCI95![0]).toBeCloseTo(expected(tight, 1.3)[0], 5)
    expect(second!.changeCI95![0]).toBeGreaterThan(10)
    expect(second!.passed).toBe(false)
    expect(second!.detail).toMatch(/95% interval of the change \[\+\d+\.\d\d%, \+\d+\.\d\d%\]/)
    const text = runCli(['gate', '--baseline', base, '--current', cur, '--max-latency-increase', '10'])
    expect(text.stdout).toContain(`[+${second!.changeCI95![0].toFixed(2)}, +${second!.changeCI95![1].toFixed(2)}]`)
  })

  it('two identical runs pass even when the point estimate moved past the threshold', () => {
    const a = [0.98, 1.12, 0.93, 1.06, 1.01, 0.95]
    const b = [1.21, 1.02, 1.19, 0.99, 1.27, 1.05] // geometric mean about 11 % above a's
    const run = runJson<GateJson>([
      'gate',
      '--baseline',
      write(dir, 'id-a.json', withBlocks([a, a])),
      '--current',
      write(dir, 'id-b.json', withBlocks([b, a])),
      '--max-latency-increase',
      '10',
    ])
    expect(run.json.checks[0]!.change).toBeGreaterThan(10)
    expect(run.json.checks[0]!.changeCI95![0]).toBeLessThan(10)
    expect(run.status).toBe(0)
  })

  it('documents without block ratios: the point estimate decides, and a note says so', () => {
    const base = write(dir, 'base.json', withRatios([1.5, 2.0]))
    const ok = write(dir, 'ok.json', withRatios([1.6, 2.1])) // +6.67 %, +5 %
    const slow = write(dir, 'slow.json', withRatios([1.5, 2.5])) // 0 %, +25 %
    const pass = runJson<GateJson>(['gate', '--baseline', base, '--current', ok, '--max-latency-increase', '10'])
    expect(pass.status).toBe(0)
    expect(pass.json.checks.map((c) => c.change)).toEqual([
      expect.closeTo((1.6 / 1.5 - 1) * 100, 9),
      expect.closeTo(5, 9),
    ])
    const fail = runJson<GateJson>(['gate', '--baseline', base, '--current', slow, '--max-latency-increase', '10'])
    expect(fail.status).toBe(8)
    expect(fail.json.checks.map((c) => c.passed)).toEqual([true, false])
    expect(fail.json.checks[1]!.name).toBe(
      `latencyRatio:batch=${template.results[1]!.batch},threads=${template.results[1]!.threads ?? 'default'}`,
    )
    expect(fail.json.checks[1]!.change).toBeCloseTo(25, 9)
    expect(fail.json.checks[1]!.changeCI95).toBeUndefined()
    expect(fail.json.notes.join('\n')).toMatch(/no interval for latencyRatio:.*point estimate/)
  })

  it('refuses speed documents without a reference (exit 3) and a missing threshold (exit 2)', () => {
    const noRef = withRatios([1.5, 2])
    delete noRef.reference
    for (const cell of noRef.results) delete cell.latencyRatio
    const a = write(dir, 'noref.json', noRef)
    const run = runCli(['gate', '--baseline', a, '--current', a, '--max-latency-increase', '10'])
    expect(run.status).toBe(3)
    expect(run.stderr).toMatch(/no 'reference'/)
    const b = write(dir, 'b.json', withRatios([1, 1]))
    expect(runCli(['gate', '--baseline', b, '--current', b]).status).toBe(2)
  })

  it('refuses different reference models (exit 3)', () => {
    const a = withRatios([1, 1])
    const b = withRatios([1, 1])
    b.reference!.model.sha256 = '0'.repeat(64)
    const run = runCli([
      'gate',
      '--baseline',
      write(dir, 'ra.json', a),
      '--current',
      write(dir, 'rb.json', b),
      '--max-latency-increase',
      '10',
    ])
    expect(run.status).toBe(3)
    expect(run.stderr).toMatch(/reference models differ/)
  })
})
