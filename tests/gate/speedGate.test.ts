import { readFileSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { FIXTURES, runCli, runJson, tempDir } from '../helpers/cli.js'
import { write } from './docs.js'

interface SpeedDoc {
  schema: string
  results: Array<{ batch: number; threads: number | null; latencyRatio?: number }>
  reference?: { model: { path: string; sha256: string } }
  [key: string]: unknown
}
interface GateJson { passed: boolean; checks: Array<{ name: string; baseline: number; current: number; change: number; threshold: number; passed: boolean }> }

let dir: string
let template: SpeedDoc

/** A real speed document (short timing; the ratios are then set by hand, so nothing depends on timing). */
beforeAll(() => {
  dir = tempDir('ferbench-speedgate-')
  const model = path.join(FIXTURES, 'models', 'oracle.onnx')
  const file = path.join(dir, 'speed.json')
  const run = runCli(['speed', '--model', model, '--reference', model, '--batch', '1,2', '--warmup', '1', '--iterations', '3', '--duration', '0', '--output', file])
  if (run.status !== 0) throw new Error(`speed failed: ${run.stderr}`)
  template = JSON.parse(readFileSync(file, 'utf8')) as SpeedDoc
})

function withRatios(ratios: number[]): SpeedDoc {
  const doc = JSON.parse(JSON.stringify(template)) as SpeedDoc
  doc.results.forEach((cell, i) => (cell.latencyRatio = ratios[i]))
  return doc
}

describe('ferbench gate on speed documents (latency ratios)', () => {
  it('the real speed document carries a reference and a ratio per cell', () => {
    expect(template.reference).toBeDefined()
    expect(template.results.length).toBe(2)
    for (const cell of template.results) expect(cell.latencyRatio).toBeGreaterThan(0)
  })

  it('passes within the allowed increase and fails above it (exit 8), per batch×threads cell', () => {
    const base = write(dir, 'base.json', withRatios([1.5, 2.0]))
    const ok = write(dir, 'ok.json', withRatios([1.6, 2.1])) // +6.67 %, +5 %
    const slow = write(dir, 'slow.json', withRatios([1.5, 2.5])) // 0 %, +25 %
    const pass = runJson<GateJson>(['gate', '--baseline', base, '--current', ok, '--max-latency-increase', '10'])
    expect(pass.status).toBe(0)
    expect(pass.json.checks.map((c) => c.change)).toEqual([expect.closeTo((1.6 / 1.5 - 1) * 100, 9), expect.closeTo(5, 9)])
    const fail = runJson<GateJson>(['gate', '--baseline', base, '--current', slow, '--max-latency-increase', '10'])
    expect(fail.status).toBe(8)
    expect(fail.json.checks.map((c) => c.passed)).toEqual([true, false])
    expect(fail.json.checks[1]!.name).toBe(`latencyRatio:batch=${template.results[1]!.batch},threads=${template.results[1]!.threads ?? 'default'}`)
    expect(fail.json.checks[1]!.change).toBeCloseTo(25, 9)
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
    const run = runCli(['gate', '--baseline', write(dir, 'ra.json', a), '--current', write(dir, 'rb.json', b), '--max-latency-increase', '10'])
    expect(run.status).toBe(3)
    expect(run.stderr).toMatch(/reference models differ/)
  })
})
