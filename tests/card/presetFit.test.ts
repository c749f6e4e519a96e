import { copyFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { cardFitsInput, presetCard, presetNames, presetsFittingInput } from '../../src/card/presets.js'
import { parseCard } from '../../src/card/schema.js'
import { cardSkeleton } from '../../src/card/skeleton.js'
import { FIXTURES, runCli, runJson, tempDir } from '../helpers/cli.js'

const MODELS = path.join(FIXTURES, 'models')
const CSV = path.join(FIXTURES, 'fer2013', 'fer2013.csv')

/**
 * The presets' inputs as stated in src/card/presets.ts, copied here by hand (height × width ×
 * channels, layout or undefined when the preset leaves it to the model), so the fit is checked
 * against an independent reading rather than the function under test.
 */
const STATED: Record<string, { h: number; w: number; c: number; layout?: 'NCHW' | 'NHWC'; batch?: number }> = {
  ferplus: { h: 64, w: 64, c: 1, layout: 'NCHW', batch: 1 },
  'mini-xception': { h: 64, w: 64, c: 1, layout: 'NHWC' },
  'vgg19-fer2013': { h: 44, w: 44, c: 3, layout: 'NCHW' },
  'resnet18-fer2013': { h: 44, w: 44, c: 3, layout: 'NCHW' },
  microexpnet: { h: 84, w: 84, c: 1 },
  efficientface: { h: 224, w: 224, c: 3, layout: 'NCHW' },
  'progressive-teacher': { h: 112, w: 112, c: 3, layout: 'NCHW' },
}

/** The presets an input shape fits, by the hand-copied table: a preset fits when some layout it allows reads the shape as its own h×w×c. */
function expectedFits(shape: ReadonlyArray<number | string>): string[] {
  const fixed = (d: number | string | undefined): number | undefined => (typeof d === 'number' && d > 0 ? d : undefined)
  return Object.entries(STATED)
    .filter(([, p]) =>
      (p.layout ? [p.layout] : (['NCHW', 'NHWC'] as const)).some((layout) => {
        const [c, h, w] = layout === 'NCHW' ? [shape[1], shape[2], shape[3]] : [shape[3], shape[1], shape[2]]
        if (fixed(h) !== p.h || fixed(w) !== p.w) return false
        if (fixed(c) !== undefined && fixed(c) !== p.c) return false
        return p.batch === undefined || fixed(shape[0]) === undefined || fixed(shape[0]) === p.batch
      }),
    )
    .map(([name]) => name)
}

describe('presets that fit a model input', () => {
  it('the hand-copied table covers every preset', () => {
    expect(Object.keys(STATED).sort()).toEqual([...presetNames()].sort())
    for (const [name, p] of Object.entries(STATED)) {
      const card = presetCard(name)!
      expect([card.input.height, card.input.width, card.input.channels, card.input.layout]).toEqual([
        p.h,
        p.w,
        p.c,
        p.layout,
      ])
    }
  })

  it.each([
    [[-1, 64, 64, 1]],
    [['N', 64, 64, 1]],
    [[1, 1, 64, 64]],
    [[2, 1, 64, 64]],
    [['N', 3, 44, 44]],
    [['N', 44, 44, 3]],
    [['N', 1, 84, 84]],
    [['N', 84, 84, 1]],
    [[1, 3, 224, 224]],
    [['N', 3, 112, 112]],
    [['N', 1, 48, 48]],
    [['N', 'C', 'H', 'W']],
    [['N', 'C', 64, 64]],
  ])('input %j', (shape) => {
    expect(presetsFittingInput({ name: 'x', shape })).toEqual(expectedFits(shape))
  })

  it('a card with no sizes fits any shape that does not contradict it; a stated size must agree', () => {
    const card = parseCard({ scale: 'unit', labels: ['anger', 'neutral'] }, 'test')
    expect(cardFitsInput(card, { name: 'x', shape: ['N', 3, 32, 32] })).toBe(true)
    expect(cardFitsInput(card, { name: 'x', shape: ['N', 5, 32, 32] })).toBe(false) // 5 channels: ferbench feeds 1 or 3
    const sized = parseCard({ input: { height: 32 }, scale: 'unit', labels: ['anger', 'neutral'] }, 'test')
    expect(cardFitsInput(sized, { name: 'x', shape: ['N', 3, 31, 32] })).toBe(false)
  })
})

describe('no model card: what to do next', () => {
  it('eval names models doctor (with its own data), --card-skeleton and the preset that fits the real mini-Xception', () => {
    const model = path.join(MODELS, 'human-emotion', 'emotion.json')
    const run = runCli(['eval', '--model', model, '--data', CSV, '--split', 'PrivateTest'])
    expect(run.status).toBe(5)
    expect(run.stderr).toContain(`${model}: no model card.`)
    expect(run.stderr).toContain(
      `ferbench models doctor --model ${model} --dataset fer2013 --data ${CSV} --split PrivateTest --write-card ${model}.ferbench.json`,
    )
    expect(run.stderr).toContain(`ferbench models inspect --model ${model} --card-skeleton`)
    expect(run.stderr).toContain("presets whose input fits this model's input [-1, 64, 64, 1]: mini-xception (")
  })

  it('says when no preset fits (an ONNX model with a 48×48 input)', () => {
    const model = path.join(tempDir('ferbench-nocard-'), 'bare.onnx')
    copyFileSync(path.join(MODELS, 'tinyconv.onnx'), model)
    const run = runCli(['eval', '--model', model, '--data', CSV])
    expect(run.status).toBe(5)
    expect(run.stderr).toContain("No built-in preset's input fits this model's input [")
    expect(run.stderr).toContain('ferbench models doctor --model')
  })

  it('models inspect lists the presets that fit, in the table and in --json', () => {
    const model = path.join(MODELS, 'human-emotion', 'emotion.json')
    const json = runJson<{ fittingPresets: string[]; cardNote: string }>(['models', 'inspect', '--model', model])
    expect(json.status).toBe(0)
    expect(json.json.fittingPresets).toEqual(['mini-xception'])
    expect(json.json.cardNote).toContain('--card-skeleton')
    const oracle = runJson<{ fittingPresets: string[] }>([
      'models',
      'inspect',
      '--model',
      path.join(MODELS, 'oracle.onnx'),
    ])
    expect(oracle.json.fittingPresets).toEqual([])
    const table = runCli(['models', 'inspect', '--model', model])
    // key/value tables keep their key column whole (src/report/modelTables.ts)
    expect(table.stdout).toMatch(/│ presets that fit +│ mini-xception \(input size/)
  })
})

describe('card skeleton → card', () => {
  it('states tta, so a card filled in from the template gets no "defaults apply" warning', () => {
    const skeleton = cardSkeleton({ name: 'image', shape: ['N', 1, 48, 48] }, { shape: ['N', 8] })
    expect(skeleton.toFill.find((f) => f.field === 'tta')).toMatchObject({
      allowed: ['none', 'flip', 'tencrop'],
      default: 'none',
    })
    expect(skeleton.template.tta).toBe('none')
    // fill the template's placeholders as a user would, for the oracle (raw255, FER+ order, logits)
    const card = {
      ...skeleton.template,
      scale: 'raw255',
      labels: ['neutral', 'happiness', 'surprise', 'sadness', 'anger', 'disgust', 'fear', 'contempt'],
      output: 'logits',
    }
    const file = path.join(tempDir('ferbench-skeleton-'), 'card.json')
    writeFileSync(file, JSON.stringify(card))
    const run = runJson<{ warnings: string[]; model: { card: { origin: { inferred: string[] } } } }>([
      'eval',
      '--model',
      path.join(MODELS, 'oracle.onnx'),
      '--card',
      file,
      '--data',
      CSV,
    ])
    expect(run.status).toBe(0)
    expect(run.json.warnings.filter((w) => w.includes('leaves out'))).toEqual([])
    expect(run.json.model.card.origin.inferred.filter((f) => f.endsWith('(default)'))).toEqual([])
  })
})
