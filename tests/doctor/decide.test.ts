import { describe, expect, it } from 'vitest'
import { decide, evaluated, type DecideContext, type Evaluated } from '../../src/doctor/decide.js'
import { sameSpec, type CandidateSpec } from '../../src/doctor/candidates.js'
import type { Emotion } from '../../src/base/emotions.js'

/**
 * The decision on hand-made scores: 100 samples, 2 classes (anger for samples 0–49, happiness for
 * 50–99); each candidate's scores put the argmax on the true class except on the samples listed as
 * wrong, so every count and p-value below is known before the doctor runs.
 */
const LABELS: Emotion[] = ['anger', 'happiness']
const N = 100
const truth: Emotion[] = Array.from({ length: N }, (_, s) => (s < 50 ? 'anger' : 'happiness'))

function scoresWrongOn(wrong: readonly number[]): Float32Array {
  const out = new Float32Array(N * 2)
  for (let s = 0; s < N; s++) {
    const right = s < 50 ? 0 : 1
    const predicted = wrong.includes(s) ? 1 - right : right
    out[s * 2 + predicted] = 0.9
    out[s * 2 + (1 - predicted)] = 0.1
  }
  return out
}

const constant = (): Float32Array => {
  const out = new Float32Array(N * 2)
  for (let s = 0; s < N; s++) out[s * 2] = 1 // always output 0 (anger)
  return out
}

/** Two-sided exact binomial test of b vs c discordant pairs (McNemar's exact test), written out here. */
function mcnemarP(b: number, c: number): number {
  const n = b + c
  const k = Math.min(b, c)
  let tail = 0
  let choose = 1
  for (let i = 0; i <= k; i++) {
    tail += choose
    choose = (choose * (n - i)) / (i + 1)
  }
  return Math.min(1, (2 * tail) / 2 ** n)
}

const base: CandidateSpec = {
  layout: 'NHWC',
  channels: 1,
  channelOrder: 'gray',
  height: 64,
  width: 64,
  scale: 'symmetric',
  resize: 'bilinear',
}
const CROP = { size: 64, from: 73 }
const A: CandidateSpec = { ...base, resize: 'lanczos3' } // 90 right
const B: CandidateSpec = { ...base } // 88 right
const C: CandidateSpec = { ...base, resize: 'lanczos3', crop: CROP } // 89 right
const D: CandidateSpec = { ...base, scale: 'unit' } // always anger: 50 right
const A_WRONG = [0, 1, 2, 3, 4, 50, 51, 52, 53, 54]
const B_WRONG = [1, 2, 3, 4, 50, 51, 52, 53, 54, 5, 6, 55] // right on 0 where A is wrong; wrong on 5, 6, 55 where A is right
const C_WRONG = [...A_WRONG, 7]

function run(
  list: Array<[CandidateSpec, Float32Array, 1 | 2]>,
  declaredSpec: CandidateSpec | undefined,
  context: Partial<DecideContext> = {},
): ReturnType<typeof decide> {
  const all: Evaluated[] = list.map(([spec, scores, stage], i) =>
    evaluated(
      spec,
      stage,
      scores,
      truth,
      LABELS,
      LABELS,
      declaredSpec !== undefined && sameSpec(spec, declaredSpec),
      i,
    ),
  )
  return decide(all, LABELS, {
    declaredSource: declaredSpec ? 'given.card.json' : 'test label order (no card given)',
    samples: N,
    dataset: 'test',
    split: 'test',
    seed: 1,
    untried: [],
    declaredSpec,
    available: N,
    otherSplits: [],
    ...context,
  })
}

interface Unsettled {
  field: string
  value: unknown
  from: string
  alternatives: Array<{ candidate: string; value: unknown; b01: number; b10: number; pValue: number }>
}
const unsettledOf = (decision: ReturnType<typeof decide>): Unsettled[] =>
  decision.recommended!.card.origin!.evidence.unsettled as Unsettled[]

describe('doctor decision: first-order fields block, second-order ties do not', () => {
  const candidates: Array<[CandidateSpec, Float32Array, 1 | 2]> = [
    [B, scoresWrongOn(B_WRONG), 1],
    [D, constant(), 1],
    [A, scoresWrongOn(A_WRONG), 2],
    [C, scoresWrongOn(C_WRONG), 2],
  ]

  it('a tie in resize and crop only writes a card with bilinear and no crop, listing both as unsettled with their p-values', () => {
    const decision = run(candidates, undefined)
    expect(decision.candidates.map((c) => [c.name, c.verdict])).toEqual([
      ['symmetric gray1 NHWC lanczos3', 'best'],
      ['symmetric gray1 NHWC lanczos3 crop64/73', 'tied'],
      ['symmetric gray1 NHWC bilinear', 'tied'],
      ['unit gray1 NHWC bilinear', 'worse'],
    ])
    expect(decision.ties.filter((t) => t.blocking)).toEqual([])
    const card = decision.recommended!.card
    expect(card.resize).toBe('bilinear')
    expect(card.crop).toBeUndefined()
    expect(card.scale).toBe('symmetric')
    expect(decision.recommended!.accuracy).toBe(0.88)
    // B against A: A right where B is wrong on 5, 6, 55; B right where A is wrong on 0
    // B against C: C right where B is wrong on 5, 6, 55; B right where C is wrong on 0 and 7
    expect(unsettledOf(decision)).toEqual([
      {
        field: 'resize',
        value: 'bilinear',
        from: "ferbench's default",
        alternatives: [
          {
            candidate: 'symmetric gray1 NHWC lanczos3',
            value: 'lanczos3',
            b01: 3,
            b10: 1,
            pValue: expect.closeTo(mcnemarP(3, 1), 12),
          },
          {
            candidate: 'symmetric gray1 NHWC lanczos3 crop64/73',
            value: 'lanczos3',
            b01: 3,
            b10: 2,
            pValue: expect.closeTo(mcnemarP(3, 2), 12),
          },
        ],
      },
      {
        field: 'crop',
        value: null,
        from: "ferbench's default",
        alternatives: [
          {
            candidate: 'symmetric gray1 NHWC lanczos3 crop64/73',
            value: CROP,
            b01: 3,
            b10: 2,
            pValue: expect.closeTo(mcnemarP(3, 2), 12),
          },
        ],
      },
    ])
    expect(mcnemarP(3, 1)).toBe(0.625)
    const origin = card.origin!
    expect(origin.inferred).toEqual(expect.arrayContaining(['scale', 'labels']))
    expect(origin.inferred).not.toContain('resize')
    expect(origin.inferred).not.toContain('crop')
    expect(origin.evidence.bestRanked).toBe('symmetric gray1 NHWC lanczos3')
  })

  it("the declared card's resize and crop win the tie (docs/doctor.md: your card's values win ties)", () => {
    const decision = run(candidates, A)
    const card = decision.recommended!.card
    expect(card.resize).toBe('lanczos3')
    expect(card.crop).toBeUndefined()
    const unsettled = unsettledOf(decision)
    expect(unsettled.map((u) => [u.field, u.value, u.from])).toEqual([
      ['resize', 'lanczos3', 'the declared card, given.card.json'],
      ['crop', null, 'the declared card, given.card.json'],
    ])
    expect(unsettled[0]!.alternatives).toEqual([
      {
        candidate: 'symmetric gray1 NHWC bilinear',
        value: 'bilinear',
        b01: 1,
        b10: 3,
        pValue: expect.closeTo(mcnemarP(1, 3), 12),
      },
    ])
    expect(unsettled[1]!.alternatives.map((a) => [a.candidate, a.pValue])).toEqual([
      ['symmetric gray1 NHWC lanczos3 crop64/73', expect.closeTo(mcnemarP(0, 1), 12)],
    ])
    // a declared crop wins too
    const cropped = run(candidates, C)
    expect(cropped.recommended!.card.crop).toEqual(CROP)
    expect(cropped.recommended!.card.resize).toBe('lanczos3')
  })

  it('a tie in the scale blocks the card; the advice never asks for more images than exist', () => {
    const E: CandidateSpec = { ...base, scale: 'unit', resize: 'lanczos3' }
    const withScaleTie: Array<[CandidateSpec, Float32Array, 1 | 2]> = [...candidates, [E, scoresWrongOn(B_WRONG), 1]]
    const allUsed = run(withScaleTie, undefined)
    expect(allUsed.recommended).toBeNull()
    const blocking = allUsed.ties.filter((t) => t.blocking)
    expect(blocking).toHaveLength(1)
    expect(blocking[0]!.fields).toEqual(['scale'])
    expect(blocking[0]!.detail).toContain('more than the 100 labelled images available (all used)')
    expect(blocking[0]!.detail).toContain('only a larger labelled dataset could')
    expect(blocking[0]!.detail).not.toContain('--samples')
    const another = run(withScaleTie, undefined, { available: 100, otherSplits: ['Training', 'PublicTest'] })
    expect(another.ties.find((t) => t.blocking)!.detail).toContain('--other-splits adds Training, PublicTest')
    // with enough images the advice names a --samples that the data can give
    const plenty = run(withScaleTie, undefined, { available: 1_000_000 })
    const asked = Number(/--samples (\d+)/.exec(plenty.ties.find((t) => t.blocking)!.detail)![1])
    expect(asked).toBeGreaterThan(N)
    expect(asked).toBeLessThanOrEqual(1_000_000)
    // a 1:3 split of the discordant samples, scaled to `asked` samples, is significant at 0.01
    const discordant = Math.floor((asked * 4) / N)
    expect(mcnemarP(Math.round(discordant / 4), discordant - Math.round(discordant / 4))).toBeLessThan(0.011)
  })
})
