import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { crossValidate } from '../../src/engine/crossValidate.js'
import { evalSpec } from '../../src/engine/spec.js'
import { bandFace, png, put } from '../../tools/fixtures/imageFixture.js'
import type { Emotion } from '../../src/base/emotions.js'
import { checkLabelOrder } from '../../src/metrics/labelOrder.js'
import { seededRandom } from '../../src/base/prng.js'
import { FIXTURES, tempDir } from '../helpers/cli.js'
import { CANONICAL } from '../helpers/oracle.js'

// Simulated confusion matrices (rows = truth, columns = prediction), built deterministically from
// per-class rates: the rates named for a row are taken as they are, half of the rest of the row is
// spread evenly over the other columns the model can predict, and what is left goes to the diagonal
// (or, when the diagonal is named or unpredictable, to the row's largest column).

const FER: Emotion[] = ['anger', 'disgust', 'fear', 'happiness', 'sadness', 'surprise', 'neutral']
const CK: Emotion[] = ['anger', 'contempt', 'disgust', 'fear', 'happiness', 'sadness', 'surprise']
/** FER2013 PrivateTest class counts and CK+48's. */
const FER_SUPPORT: Record<string, number> = {
  anger: 491,
  disgust: 55,
  fear: 528,
  happiness: 879,
  sadness: 594,
  surprise: 416,
  neutral: 626,
}
const CK_SUPPORT: Record<string, number> = {
  anger: 135,
  contempt: 54,
  disgust: 177,
  fear: 75,
  happiness: 207,
  sadness: 84,
  surprise: 249,
}

type Rates = Partial<Record<Emotion, Partial<Record<Emotion, number>>>>

function matrix(
  columns: readonly Emotion[],
  predictable: readonly Emotion[],
  support: Record<string, number>,
  rates: Rates,
  scale = 1,
): number[][] {
  return columns.map((t) => {
    const n = Math.round(support[t]! * scale)
    const row = new Array<number>(columns.length).fill(0)
    const named = rates[t] ?? {}
    let used = 0
    for (const [p, r] of Object.entries(named)) {
      row[columns.indexOf(p as Emotion)] = Math.floor(r * n)
      used += Math.floor(r * n)
    }
    const rest = predictable.filter((p) => named[p] === undefined)
    const each = Math.floor((n - used) / rest.length / 2)
    for (const p of rest) if (p !== t) row[columns.indexOf(p)] = each
    const filled = row.reduce((a, b) => a + b, 0)
    // leftovers to the diagonal when the model can predict the class, else to its most frequent wrong column
    const target =
      predictable.includes(t) && named[t] === undefined ? columns.indexOf(t) : row.indexOf(Math.max(...row))
    row[target]! += n - filled
    return row
  })
}

/** A FER2013 model of about 68 % accuracy with its usual confusions, correct card. */
const GOOD: Rates = {
  anger: { anger: 0.6, sadness: 0.12, fear: 0.1 },
  disgust: { disgust: 0.55, anger: 0.2 },
  fear: { fear: 0.5, sadness: 0.15, surprise: 0.1 },
  happiness: { happiness: 0.88 },
  sadness: { sadness: 0.57, neutral: 0.15, fear: 0.1 },
  surprise: { surprise: 0.8, fear: 0.08 },
  neutral: { neutral: 0.7, sadness: 0.12 },
}

/** The card names model output i (which predicts FER[i]) `card[i]`: the matrix's columns move accordingly. */
function underCard(counts: readonly number[][], card: readonly Emotion[]): number[][] {
  return counts.map((row) => {
    const moved = new Array<number>(row.length).fill(0)
    FER.forEach((label, i) => (moved[FER.indexOf(card[i]!)]! += row[FER.indexOf(label)]!))
    return moved
  })
}

const identity = FER.map((_, i) => i)
/** Model output i, named card[i], is counted in that name's column. */
const columnsOf = (card: readonly Emotion[]): number[] => card.map((l) => FER.indexOf(l))

describe('label-order check: domain shift is not a mislabelled card', () => {
  it('anger↔disgust and fear↔surprise confusions of 20–40 % (FER2013 card on CK+, contempt unpredictable) never warn', () => {
    const modelToColumn = FER.map((l) => CK.indexOf(l)) // neutral → −1 (dropped); contempt has no model output
    let oldRuleWouldWarn = 0
    let cases = 0
    for (const r of [0.2, 0.3, 0.4]) {
      for (const diag of [0.2, 0.3, 0.45]) {
        for (const scale of [1, 0.3]) {
          const rates: Rates = {
            anger: { anger: diag, disgust: r },
            disgust: { disgust: diag, anger: Math.min(0.4, r + 0.1) },
            fear: { fear: diag, surprise: r },
            surprise: { surprise: 0.45, fear: Math.max(0.2, r - 0.1) },
            contempt: { sadness: 0.45, happiness: 0.25 },
            sadness: { sadness: 0.25, anger: 0.2 },
          }
          const counts = matrix(
            CK,
            CK.filter((l) => l !== 'contempt'),
            CK_SUPPORT,
            rates,
            scale,
          )
          const { check, warning } = checkLabelOrder({ labels: CK, counts }, FER, modelToColumn)
          cases += 1
          expect(warning).toBeUndefined()
          expect(check.suspicious).toBe(false)
          expect(check.suggestedCardLabels).toBeUndefined()
          // never a class the card lacks
          expect(check.moves.some((m) => m.bestMatch === 'contempt' || m.predicted === 'contempt')).toBe(false)
          if (check.gain > check.minGain && check.pValue < check.alpha) oldRuleWouldWarn += 1
          if (check.gain > 0) expect(check.note).toMatch(/not as a mislabelled card/)
        }
      }
    }
    expect(cases).toBe(18)
    // the old rule (any relabelling gaining > 5 points with McNemar p < 0.01) warned on some of these
    expect(oldRuleWouldWarn).toBeGreaterThan(0)
  })

  it('the same confusions on FER2013 itself (7 shared classes) at 3,589 and 300 samples do not warn', () => {
    for (const scale of [1, 300 / 3589]) {
      for (const r of [0.2, 0.3, 0.4]) {
        const rates: Rates = {
          ...GOOD,
          anger: { anger: 0.25, disgust: r },
          disgust: { disgust: 0.2, anger: r },
          fear: { fear: 0.25, surprise: r },
          surprise: { surprise: 0.3, fear: r },
        }
        const { check, warning } = checkLabelOrder(
          { labels: FER, counts: matrix(FER, FER, FER_SUPPORT, rates, scale) },
          FER,
          identity,
        )
        expect(warning).toBeUndefined()
        expect(check.suspicious).toBe(false)
      }
    }
  })
})

describe('label-order check: a mislabelled card warns', () => {
  const cases: Array<[string, Emotion[]]> = [
    ['a 2-class swap (anger ↔ fear)', FER.map((l) => (l === 'anger' ? 'fear' : l === 'fear' ? 'anger' : l))],
    [
      'a 3-class rotation (happiness → sadness → neutral → happiness)',
      FER.map((l) => (l === 'happiness' ? 'sadness' : l === 'sadness' ? 'neutral' : l === 'neutral' ? 'happiness' : l)),
    ],
  ]
  for (const [name, card] of cases) {
    for (const scale of [1, 300 / 3589]) {
      it(`${name} at ${Math.round(3589 * scale)} samples`, () => {
        const correct = matrix(FER, FER, FER_SUPPORT, GOOD, scale)
        const counts = underCard(correct, card)
        const { check, warning } = checkLabelOrder({ labels: FER, counts }, card, columnsOf(card))
        expect(check.suspicious).toBe(true)
        expect(check.suggestedCardLabels).toEqual(FER)
        const moved = FER.filter((l, i) => card[i] !== l)
        expect(check.moves.map((m) => m.bestMatch).sort()).toEqual([...moved].sort())
        for (const m of check.moves) {
          const t = FER.indexOf(m.bestMatch as Emotion)
          const n = correct[t]!.reduce((a, b) => a + b, 0)
          expect(m.mislabelled).toBe(true)
          expect(m.permutedRecall).toBeCloseTo(correct[t]![t]! / n, 12)
          expect(m.declaredRecall).toBeLessThan(check.chance)
        }
        const total = correct.flat().reduce((a, b) => a + b, 0)
        const trace = (c: number[][]): number => c.reduce((s, row, i) => s + row[i]!, 0)
        expect(check.supported!.accuracy).toBeCloseTo(trace(correct) / total, 12)
        expect(check.accuracy).toBeCloseTo(trace(counts) / total, 12)
        expect(warning).toMatch(/probably wrong/)
        expect(warning).toContain(JSON.stringify(FER))
      })
    }
  }

  it('a real swap is reported while a confusion-driven swap in the same matrix is left out of the suggestion', () => {
    const swapped: Emotion[] = FER.map((l) => (l === 'happiness' ? 'neutral' : l === 'neutral' ? 'happiness' : l))
    // fear↔surprise confused more than recognised (but above chance): the best relabelling also swaps them
    const rates: Rates = { ...GOOD, fear: { fear: 0.2, surprise: 0.45 }, surprise: { surprise: 0.25, fear: 0.5 } }
    const counts = underCard(matrix(FER, FER, FER_SUPPORT, rates), swapped)
    const { check } = checkLabelOrder({ labels: FER, counts }, swapped, columnsOf(swapped))
    expect(check.suspicious).toBe(true)
    expect(
      check.moves
        .filter((m) => !m.mislabelled)
        .map((m) => m.bestMatch)
        .sort(),
    ).toEqual(['fear', 'surprise'])
    expect(check.suggestedCardLabels).toEqual(FER)
    expect(check.supported!.gain).toBeLessThan(check.gain)
  })
})

describe('cross-validation: one label-order check on the pooled matrix', () => {
  it('a permuted card warns once, names the fold that drives it, and no fold carries its own warning', async () => {
    // 6 subjects × 14 images (2 per class), oracle band faces: the oracle predicts each image's band
    const root = tempDir('ferbench-cv-labelorder-')
    const random = seededRandom(5150)
    const classes = ['neutral', 'happiness', 'surprise', 'sadness', 'anger', 'disgust', 'fear'] as const
    const rows = ['path,label,subject,split']
    for (let s = 1; s <= 6; s++) {
      for (const label of classes) {
        for (let k = 0; k < 2 + (s === 4 ? 2 : 0); k++) {
          const rel = `p${s}/${label}_${k}.png`
          put(path.join(root, rel), await png(bandFace(random, 48, CANONICAL.indexOf(label))))
          rows.push(`${rel},${label},p${s},test`)
        }
      }
    }
    put(path.join(root, 'manifest.csv'), `${rows.join('\n')}\n`)
    // the card swaps the oracle's happiness and sadness outputs
    const card = CANONICAL.map((l) => (l === 'happiness' ? 'sadness' : l === 'sadness' ? 'happiness' : l))
    const cardFile = path.join(root, 'card.json')
    put(
      cardFile,
      JSON.stringify({
        input: { height: 48, width: 48, channels: 1, layout: 'NCHW' },
        scale: 'raw255',
        resize: 'bilinear',
        labels: card,
        output: 'logits',
      }),
    )
    const result = await crossValidate(
      evalSpec({
        model: path.join(FIXTURES, 'models', 'oracle.onnx'),
        card: cardFile,
        dataset: 'manifest',
        data: path.join(root, 'manifest.csv'),
        split: 'test',
        datasetOptions: { folds: 3 },
        batch: 8,
        device: 'cpu',
        extraClasses: 'drop',
        strict: false,
        concurrency: 4,
      }),
    )
    const labelWarnings = result.warnings.filter((w) => w.startsWith('label order check'))
    expect(labelWarnings).toHaveLength(1)
    for (const f of result.folds) expect(f.warnings.some((w) => w.startsWith('label order check'))).toBe(false)
    // subjects sorted p1..p6 → fold (i mod 3) + 1: p4 (the subject with twice the images) is in fold 1
    expect(result.labelOrderCheck!.drivingFold).toBe(1)
    expect(labelWarnings[0]).toContain('pooled over 3 folds; fold 1 gains most')
    expect(result.labelOrderCheck!.suspicious).toBe(true)
    expect(result.labelOrderCheck!.moves.map((m) => m.bestMatch).sort()).toEqual(['happiness', 'sadness'])
  })
})
