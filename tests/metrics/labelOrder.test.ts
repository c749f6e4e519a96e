import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { checkLabelOrder, maxWeightAssignment } from '../../src/metrics/labelOrder.js'
import { FIXTURES, runJson, tempDir } from '../helpers/cli.js'
import { CANONICAL, FER2013_ORDER, oraclePredict, readFixtureCsv } from '../helpers/oracle.js'
import type { EvalDoc } from '../helpers/gateDocs.js'

function bruteForceBest(w: number[][]): number {
  const n = w.length
  let best = -Infinity
  const perm = (rest: number[], row: number, sum: number): void => {
    if (row === n) {
      best = Math.max(best, sum)
      return
    }
    rest.forEach((col, i) => perm([...rest.slice(0, i), ...rest.slice(i + 1)], row + 1, sum + w[row]![col]!))
  }
  perm([...Array(n).keys()], 0, 0)
  return best
}

describe('optimal assignment (Hungarian)', () => {
  it('matches an exhaustive search over permutations', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }).chain((n) =>
          fc.array(fc.array(fc.integer({ min: 0, max: 30 }), { minLength: n, maxLength: n }), {
            minLength: n,
            maxLength: n,
          }),
        ),
        (w) => {
          const assign = maxWeightAssignment(w)
          expect(new Set(assign).size).toBe(w.length)
          expect(assign.reduce((s, col, row) => s + w[row]![col]!, 0)).toBe(bruteForceBest(w))
        },
      ),
      { numRuns: 200 },
    )
  })

  it('does not flag a good diagonal or a small noisy evaluation', () => {
    const good = checkLabelOrder(
      {
        labels: ['a', 'b', 'c'],
        counts: [
          [9, 1, 0],
          [1, 8, 1],
          [0, 2, 8],
        ],
      },
      ['anger', 'fear', 'sadness'],
      [0, 1, 2],
    )
    expect(good.check.suspicious).toBe(false)
    expect(good.check.gain).toBe(0)
    // swapping the two columns gains 2 of 6 samples (33 points) but b01 = 4, b10 = 2: p = 2·(1+6+15)/64 = 0.6875 — not flagged
    const noisy = checkLabelOrder(
      {
        labels: ['a', 'b'],
        counts: [
          [1, 2],
          [2, 1],
        ],
      },
      ['anger', 'fear'],
      [0, 1],
    )
    expect(noisy.check.gain).toBeCloseTo(2 / 6, 12)
    expect(noisy.check.pValue).toBeCloseTo(0.6875, 12)
    expect(noisy.check.suspicious).toBe(false)
    expect(noisy.warning).toBeUndefined()
  })
})

describe('label-order check after eval (oracle model, permuted card)', () => {
  let dir: string
  const model = path.join(FIXTURES, 'models', 'oracle.onnx')
  const data = path.join(FIXTURES, 'fer2013', 'fer2013.csv')
  // output k of the oracle is CANONICAL[k]; this card calls the first seven outputs by the next name (rotation), contempt stays last
  const permuted = CANONICAL.map((label, k) => (k < 7 ? CANONICAL[(k + 1) % 7]! : label))

  beforeAll(() => {
    dir = tempDir('ferbench-labelorder-')
    const card = JSON.parse(readFileSync(`${model}.ferbench.json`, 'utf8')) as { labels: string[] }
    writeFileSync(path.join(dir, 'permuted.json'), JSON.stringify({ ...card, labels: permuted }))
  })

  it('warns, records the check and prints the best-matching card labels', () => {
    const { status, json } = runJson<EvalDoc>([
      'eval',
      '--model',
      model,
      '--card',
      path.join(dir, 'permuted.json'),
      '--data',
      data,
      '--split',
      'PrivateTest',
    ])
    expect(status).toBe(0)
    // expected figures from the oracle rule and the fixture file, independently of ferbench
    const rows = readFixtureCsv(data).filter((r) => r.usage === 'PrivateTest')
    const allowed = CANONICAL.slice(0, 7)
    let right = 0
    let rightIfFixed = 0
    for (const r of rows) {
      const k = CANONICAL.indexOf(oraclePredict(r.pixels, allowed))
      const truth = FER2013_ORDER[r.emotion]!
      if (permuted[k] === truth) right += 1
      if (CANONICAL[k] === truth) rightIfFixed += 1
    }
    const check = json.labelOrderCheck!
    expect(check.accuracy).toBeCloseTo(right / rows.length, 12)
    expect(check.bestAccuracy).toBeCloseTo(rightIfFixed / rows.length, 12)
    expect(check.suspicious).toBe(true)
    expect(check.suggestedCardLabels).toEqual(CANONICAL)
    const warning = json.warnings.find((w) => w.startsWith('label order check'))!
    expect(warning).toContain(JSON.stringify(CANONICAL))
    expect(warning).toMatch(/probably wrong/)
  })

  it('stays quiet with the right card', () => {
    const { json } = runJson<EvalDoc>(['eval'])
    expect(json.labelOrderCheck!.suspicious).toBe(false)
    expect(json.warnings.some((w) => w.startsWith('label order check'))).toBe(false)
  })
})
