import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { allClaims } from '../../src/compare/claims.js'
import type { ReproduceResult } from '../../src/compare/reproduce.js'
import { renderReproduce } from '../../src/report/reproduceView.js'
import { FIXTURES, runCli, runJson } from '../helpers/cli.js'
import { FER2013_ORDER, oraclePredict, readFixtureCsv, CANONICAL } from '../helpers/oracle.js'

interface ReproduceJson {
  verdict: string
  claimed: { value: number }
  measured: { value: number; ci95?: [number, number] } | null
  difference: number | null
  reasons: string[]
}

const model = path.join(FIXTURES, 'models', 'oracle.onnx')
const data = path.join(FIXTURES, 'fer2013', 'fer2013.csv')

/** Oracle accuracy on the fixture PrivateTest, from the oracle rule (contempt excluded), in %. */
function oracleAccuracy(): { pct: number; right: number; n: number } {
  const rows = readFixtureCsv(data).filter((r) => r.usage === 'PrivateTest')
  const right = rows.filter((r) => oraclePredict(r.pixels, CANONICAL.slice(0, 7)) === FER2013_ORDER[r.emotion]).length
  return { pct: (100 * right) / rows.length, right, n: rows.length }
}

/** Wilson 95% interval in %, written here from the formula. */
function wilson(k: number, n: number): [number, number] {
  const z = 1.959963984540054
  const p = k / n
  const c = (p + (z * z) / (2 * n)) / (1 + (z * z) / n)
  const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n)
  return [100 * (c - h), 100 * (c + h)]
}

describe('claims table', () => {
  it('validates, keeps disagreeing claims with their sources, and lists them', () => {
    const claims = allClaims()
    const ck = claims.filter((c) => c.id.startsWith('autofernet-ck48'))
    expect(ck.map((c) => c.value).sort()).toEqual([98.89, 99.37])
    expect(new Set(ck.map((c) => c.source)).size).toBe(2)
    const { status, json } = runJson<{ claims: Array<{ id: string; fixture: boolean }> }>(['claims'])
    expect(status).toBe(0)
    expect(json.claims.some((c) => c.id === 'vgg19-fer2013-privatetest')).toBe(true)
    expect(json.claims.some((c) => c.fixture)).toBe(false)
    expect(runJson<{ claims: unknown[] }>(['claims', '--fixtures']).json.claims.length).toBe(claims.length)
  })
})

describe('ferbench reproduce', () => {
  it('reproduces the fixture claim end to end: claimed vs measured, difference, 95% interval', () => {
    const { status, json } = runJson<ReproduceJson>([
      'reproduce',
      'fixture-oracle-fer2013-privatetest',
      '--model',
      model,
      '--data',
      data,
    ])
    expect(status).toBe(0)
    const acc = oracleAccuracy()
    expect(json.measured!.value).toBeCloseTo(acc.pct, 9)
    const [lo, hi] = wilson(acc.right, acc.n)
    expect(json.measured!.ci95![0]).toBeCloseTo(lo, 9)
    expect(json.measured!.ci95![1]).toBeCloseTo(hi, 9)
    expect(json.difference).toBeCloseTo(acc.pct - json.claimed.value, 9)
    expect(json.verdict).toBe('reproduced')
    const text = renderReproduce(json as unknown as ReproduceResult)
    expect(text).toMatch(/verdict\s+REPRODUCED/)
    expect(text).toMatch(/95% CI/)
  })

  it('says "not reproduced" when the claimed value is outside the measured interval', () => {
    const { json } = runJson<ReproduceJson>([
      'reproduce',
      'fixture-oracle-fer2013-overclaimed',
      '--model',
      model,
      '--data',
      data,
    ])
    const acc = oracleAccuracy()
    expect(wilson(acc.right, acc.n)[1]).toBeLessThan(99)
    expect(json.verdict).toBe('not reproduced')
    expect(json.difference).toBeCloseTo(acc.pct - 99, 9)
  })

  it('says "not comparable" naming the protocol difference, or why ferbench cannot run it', () => {
    const { json } = runJson<ReproduceJson>([
      'reproduce',
      'fixture-oracle-fer2013-64px',
      '--model',
      model,
      '--data',
      data,
    ])
    expect(json.verdict).toBe('not comparable')
    expect(json.reasons.join(' ')).toMatch(/input: claim 64×64×1, measured 48×48×1/)
    const folds = runJson<ReproduceJson>(['reproduce', 'vgg19-ckplus-10fold'])
    expect(folds.json.verdict).toBe('not comparable')
    expect(folds.json.measured).toBeNull()
    expect(folds.json.reasons.join(' ')).toMatch(/subject-independent/)
  })

  it('checks a size claim from the file size', () => {
    const { json } = runJson<ReproduceJson>(['reproduce', 'microexpnet-size', '--model', model])
    expect(json.measured!.value).toBeCloseTo(74025 / 1e6, 12)
    expect(json.verdict).toBe('reproduced')
  })

  it('rejects an unknown claim (exit 2) and a missing --data (exit 2)', () => {
    expect(runCli(['reproduce', 'no-such-claim']).status).toBe(2)
    expect(runCli(['reproduce', 'fixture-oracle-fer2013-privatetest', '--model', model]).status).toBe(2)
  })
})
