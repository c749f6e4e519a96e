import { readFileSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { FIXTURES, runCli, runJson, tempDir } from '../helpers/cli.js'
import { gateFiles } from '../../src/compare/gate.js'
import { degrade, evalDoc, write, withoutPredictions, type EvalDoc } from '../helpers/gateDocs.js'

interface GateJson {
  passed: boolean
  checks: Array<{
    name: string
    baseline: number
    current: number
    threshold: number
    pValue?: number
    passed: boolean
    change: number
    detail: string
  }>
  notes: string[]
}

/** Two-sided exact McNemar when one side is 0: 2 · (1/2)^n, capped at 1 (hand formula). */
const pAllOneWay = (n: number): number => Math.min(1, 2 * 0.5 ** n)

let dir: string
let base: { file: string; doc: EvalDoc }

beforeAll(() => {
  dir = tempDir('ferbench-gate-')
  base = evalDoc(dir, 'base.json', ['--embed-predictions'])
})

describe('ferbench gate on eval documents', () => {
  it('passes (exit 0) when nothing changed, printing each check', () => {
    const run = runCli(['gate', '--baseline', base.file, '--current', base.file, '--max-class-recall-drop', '5'])
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(/pass accuracy: 85\.71% → 85\.71%/)
    expect(run.stdout).toMatch(/gate passed/)
    const json = gateFiles({ baseline: base.file, current: base.file, maxClassRecallDrop: 5, alpha: 0.05 })
    expect(json.passed).toBe(true)
    // one accuracy check + one per class present in the truth
    expect(json.checks.length).toBe(1 + base.doc.metrics.perClass.filter((c) => c.support > 0).length)
  })

  it('fails with exit 8 on a drop above threshold that is significant', () => {
    const cur = degrade(base.doc, 8)
    const file = write(dir, 'cur-big-drop.json', cur)
    const { status, json } = runJson<GateJson>([
      'gate',
      '--baseline',
      base.file,
      '--current',
      file,
      '--max-accuracy-drop',
      '2',
    ])
    expect(status).toBe(8)
    expect(json.passed).toBe(false)
    const acc = json.checks.find((c) => c.name === 'accuracy')!
    expect(acc.baseline).toBeCloseTo((100 * base.doc.metrics.correct) / base.doc.metrics.samples, 9)
    expect(acc.current).toBeCloseTo((100 * (base.doc.metrics.correct - 8)) / base.doc.metrics.samples, 9)
    expect(acc.threshold).toBe(2)
    expect(acc.pValue).toBeCloseTo(pAllOneWay(8), 12) // b10 = 8, b01 = 0
    expect(acc.passed).toBe(false)
    expect(acc.detail).toMatch(/drop above threshold and significant/)
  })

  it('passes a drop above threshold that is not significant', () => {
    const file = write(dir, 'cur-small-drop.json', degrade(base.doc, 3))
    const { status, json } = runJson<GateJson>([
      'gate',
      '--baseline',
      base.file,
      '--current',
      file,
      '--max-accuracy-drop',
      '2',
    ])
    const acc = json.checks[0]!
    expect(-acc.change).toBeCloseTo((100 * 3) / base.doc.metrics.samples, 9) // 10.7 points > 2
    expect(acc.pValue).toBeCloseTo(pAllOneWay(3), 12) // 0.25
    expect(acc.passed).toBe(true)
    expect(acc.detail).toMatch(/drop above threshold but not significant/)
    expect(status).toBe(0)
  })

  it('judges on the threshold alone, and says so, without per-sample predictions', () => {
    const b = write(dir, 'base-nopred.json', withoutPredictions(base.doc))
    const c = write(dir, 'cur-nopred.json', withoutPredictions(degrade(base.doc, 3)))
    const { status, json } = runJson<GateJson>(['gate', '--baseline', b, '--current', c, '--max-accuracy-drop', '2'])
    expect(status).toBe(8)
    expect(json.checks[0]!.pValue).toBeUndefined()
    expect(json.notes.join(' ')).toMatch(
      /ran WITHOUT McNemar's test: .*carry no per-sample predictions \(made with --no-embed-predictions/,
    )
    expect((json as GateJson & { significance: unknown }).significance).toEqual({
      test: 'none',
      reason: expect.stringMatching(/no per-sample predictions/),
    })
  })

  it('checks per-class recall with McNemar on that class', () => {
    const anger = base.doc.metrics.perClass.find((c) => c.label === 'anger')!
    const cur = write(dir, 'cur-anger.json', degrade(base.doc, 2, 'anger'))
    const args = [
      'gate',
      '--baseline',
      base.file,
      '--current',
      cur,
      '--max-accuracy-drop',
      '50',
      '--max-class-recall-drop',
      '5',
    ]
    const loose = runJson<GateJson>(args)
    const check = loose.json.checks.find((c) => c.name === 'recall:anger')!
    expect(check.baseline).toBeCloseTo(anger.recall * 100, 9)
    expect(check.current).toBeCloseTo(((anger.recall * anger.support - 2) / anger.support) * 100, 9)
    expect(check.pValue).toBeCloseTo(pAllOneWay(2), 12) // 0.5: not significant at 0.05
    expect(loose.status).toBe(0)
    const strict = runJson<GateJson>([...args, '--alpha', '0.6'])
    expect(strict.json.checks.find((c) => c.name === 'recall:anger')!.passed).toBe(false)
    expect(strict.status).toBe(8)
  })

  it('refuses results on different datasets (exit 3)', () => {
    const other = evalDoc(dir, 'public.json', [
      '--model',
      path.join(FIXTURES, 'models', 'oracle.onnx'),
      '--data',
      path.join(FIXTURES, 'fer2013', 'fer2013.csv'),
      '--split',
      'PublicTest',
    ])
    const run = runCli(['gate', '--baseline', base.file, '--current', other.file])
    expect(run.status).toBe(3)
    expect(run.stderr).toMatch(/datasets differ/)
  })

  it('rejects malformed documents and bad flags with their exit codes', () => {
    const bad = write(dir, 'bad.json', { schema: 'ferbench/eval@1', metrics: {} })
    const run = runCli(['gate', '--baseline', base.file, '--current', bad])
    expect(run.status).toBe(3)
    expect(run.stderr).toContain('bad.json')
    expect(runCli(['gate', '--baseline', base.file, '--current', base.file, '--alpha', '2']).status).toBe(2)
    expect(
      runCli(['gate', '--baseline', base.file, '--current', base.file, '--max-latency-increase', '5']).status,
    ).toBe(2)
  })

  it('writes JUnit (one test case per check) and markdown reports', () => {
    const cur = write(dir, 'cur-junit.json', degrade(base.doc, 8))
    const xml = path.join(dir, 'gate.xml')
    const md = path.join(dir, 'gate.md')
    const run = runCli([
      'gate',
      '--baseline',
      base.file,
      '--current',
      cur,
      '--max-class-recall-drop',
      '5',
      '--output',
      xml,
      '--output',
      md,
    ])
    expect(run.status).toBe(8)
    const json = gateFiles({ baseline: base.file, current: cur, maxClassRecallDrop: 5, alpha: 0.05 })
    const junit = readFileSync(xml, 'utf8')
    expect(junit.startsWith('<?xml')).toBe(true)
    expect(junit.match(/<testcase /g)!.length).toBe(json.checks.length)
    expect(junit.match(/<failure /g)!.length).toBe(json.checks.filter((c) => !c.passed).length)
    expect(junit).toContain(`tests="${json.checks.length}"`)
    expect(junit).toMatch(/<testcase classname="ferbench.gate.eval" name="accuracy"[^>]*>\s*<failure/)
    const markdown = readFileSync(md, 'utf8')
    expect(markdown).toMatch(/^## ferbench gate: ❌ failed/)
    const accRow = markdown.split('\n').find((l) => l.startsWith('| accuracy |'))!
    expect(accRow).toContain(`${((100 * base.doc.metrics.correct) / base.doc.metrics.samples).toFixed(2)}%`)
    expect(accRow).toContain('❌ FAIL')
  })
})
