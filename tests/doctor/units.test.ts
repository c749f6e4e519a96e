import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { generateFixtures } from '../../tools/fixtures/generate.js'
import { cardSkeleton } from '../../src/card/skeleton.js'
import { runJson } from '../helpers/cli.js'
import { parseCard } from '../../src/card/schema.js'
import { resolveCard } from '../../src/card/resolve.js'
import { prepareViews } from '../../src/card/tensor.js'
import { FIXTURES, tempDir } from '../helpers/cli.js'
import { labelTies, looksLikeProbabilities, samplesToSeparate } from '../../src/doctor/analyse.js'
import { allocate } from '../../src/doctor/sample.js'
import { mcnemarExact } from '../../src/metrics/stats.js'

describe('doctor building blocks', () => {
  it('allocates equal shares and gives a small class’s rest to the others', () => {
    expect(allocate([100, 100, 100], 30)).toEqual([10, 10, 10])
    expect(allocate([2, 100, 100], 30)).toEqual([2, 14, 14])
    expect(allocate([3, 4], 100)).toEqual([3, 4])
    expect(allocate([5, 5, 5], 7).reduce((a, b) => a + b, 0)).toBe(7)
  })

  it('tells probabilities from logits', () => {
    expect(looksLikeProbabilities(Float32Array.of(0.2, 0.8, 0.5, 0.5), 2)).toBe(true)
    expect(looksLikeProbabilities(Float32Array.of(0.2, 0.8, 0.5, 0.6), 2)).toBe(false) // second row sums to 1.1
    expect(looksLikeProbabilities(Float32Array.of(-1, 2, 0.5, 0.5), 2)).toBe(false)
  })

  it('finds label pairs whose swap changes no significant number of predictions', () => {
    // outputs 0,1,2 labelled neutral, happiness, surprise; columns = canonical order (8 emotions)
    const row = (n: number, h: number, s: number): number[] => [n, h, s, 0, 0, 0, 0, 0]
    const confusion = [row(20, 0, 0), row(0, 10, 10), row(0, 0, 0)] // output 1 fires for happiness and surprise alike
    const ties = labelTies(confusion, ['neutral', 'happiness', 'surprise'], ['neutral', 'happiness', 'surprise'], 0.01)
    expect(ties.map((t) => t.labels)).toEqual([['happiness', 'surprise']])
    expect(ties[0]).toMatchObject({ lost: 10, gained: 10, pValue: 1, absent: false })
  })

  it('estimates the samples that would separate two candidates from the observed disagreement', () => {
    expect(samplesToSeparate(3, 3, 100, 0.01)).toBeUndefined() // an even split: more of the same cannot separate
    expect(samplesToSeparate(0, 0, 100, 0.01)).toBeUndefined()
    const n = samplesToSeparate(2, 6, 100, 0.01)! // disagree on 8 of 100, 1:3
    expect(n).toBeGreaterThan(100)
    const d = Math.floor((n * 8) / 100)
    expect(mcnemarExact(Math.round(d / 4), d - Math.round(d / 4)).pValue).toBeLessThan(0.011)
  })
})

describe('card input.channelOrder', () => {
  const rgbShape = { name: 'image', shape: ['N', 3, 1, 2] }
  const base = { scale: 'raw255', labels: ['neutral', 'happiness'] }
  // a 2×1 image: pixel 0 = (10, 20, 30), pixel 1 = (40, 50, 60)
  const image = { data: Uint8Array.of(10, 20, 30, 40, 50, 60), width: 2, height: 1, channels: 3 as const }

  it('feeds RGB by default, BGR swapped, gray as the BT.601 luma in all three channels', async () => {
    const views = async (channelOrder?: string): Promise<number[]> => {
      const card = resolveCard(
        parseCard({ ...base, input: channelOrder ? { channelOrder } : {} }, 'test'),
        rgbShape,
        'test',
      )
      return Array.from((await prepareViews(image, card))[0]!.data)
    }
    expect(await views()).toEqual([10, 20, 30, 40, 50, 60])
    expect(await views('RGB')).toEqual([10, 20, 30, 40, 50, 60])
    expect(await views('BGR')).toEqual([30, 20, 10, 60, 50, 40])
    const y0 = Math.round(0.299 * 10 + 0.587 * 20 + 0.114 * 30)
    const y1 = Math.round(0.299 * 40 + 0.587 * 50 + 0.114 * 60)
    expect(await views('gray')).toEqual([y0, y0, y0, y1, y1, y1])
  })

  it('refuses BGR on a 1-channel input, naming the field', () => {
    expect(() =>
      resolveCard(
        parseCard({ ...base, input: { channelOrder: 'BGR' } }, 'c.json'),
        { name: 'image', shape: ['N', 1, 4, 4] },
        'c.json',
      ),
    ).toThrow(/input\.channelOrder 'BGR' needs a 3-channel input/)
  })

  it('the committed colour band fixtures are what the seeded generator writes', async () => {
    const dir = tempDir('ferbench-fixtures-')
    await generateFixtures(dir, ['colour band models (models doctor)'])
    for (const file of [
      'colourband.onnx',
      'colourband.card.json',
      'colourband-merged.onnx',
      'colourband-merged.card.json',
    ]) {
      expect(
        readFileSync(path.join(dir, 'models', file)).equals(readFileSync(path.join(FIXTURES, 'models', file))),
        file,
      ).toBe(true)
    }
  })
})

describe('card skeleton', () => {
  it('settles what the input shape says and lists the rest with allowed values', () => {
    const s = cardSkeleton({ name: 'image', shape: ['N', 3, 48, 48] }, { shape: ['N', 8] })
    expect(s.settled.map((f) => [f.field, f.value])).toEqual([
      ['input.layout', 'NCHW'],
      ['input.channels', 3],
      ['input.height', 48],
      ['input.width', 48],
    ])
    expect(s.toFill.map((f) => f.field)).toEqual([
      'input.channelOrder',
      'scale',
      'resize',
      'crop',
      'tta',
      'labels',
      'output',
    ])
    expect(s.toFill.find((f) => f.field === 'scale')!.allowed).toEqual(['raw255', 'unit', 'symmetric', 'meanstd'])
    expect((s.template.labels as string[]).length).toBe(8)
  })

  it('asks for the layout and sizes when the shape leaves them open; a 1-channel input needs no channel order', () => {
    const open = cardSkeleton({ name: 'x', shape: ['N', 'C', 'H', 'W'] }, undefined)
    expect(open.settled).toEqual([])
    expect(open.toFill.slice(0, 4).map((f) => f.field)).toEqual([
      'input.layout',
      'input.channels',
      'input.height',
      'input.width',
    ])
    const gray = cardSkeleton({ name: 'x', shape: [1, 64, 64, 1] }, { shape: [1, 7] })
    expect(gray.settled.map((f) => f.field)).toEqual([
      'input.layout',
      'input.channels',
      'input.height',
      'input.width',
      'batch',
    ])
    expect(gray.toFill.map((f) => f.field)).not.toContain('input.channelOrder')
  })

  it('models inspect --card-skeleton prints it; with --data it runs the doctor', () => {
    const model = path.join(FIXTURES, 'models', 'oracle.onnx')
    const inspect = runJson<{ cardSkeleton: { settled: Array<{ field: string }> } }>([
      'models',
      'inspect',
      '--model',
      model,
      '--card-skeleton',
    ])
    expect(inspect.status).toBe(0)
    expect(inspect.json.cardSkeleton.settled.map((f) => f.field)).toContain('input.layout')
    const doctored = runJson<{ schema: string; samples: number }>([
      'models',
      'inspect',
      '--model',
      model,
      '--card-skeleton',
      '--dataset',
      'fer2013',
      '--data',
      path.join(FIXTURES, 'fer2013', 'fer2013.csv'),
      '--split',
      'PrivateTest',
    ])
    expect(doctored.status).toBe(0)
    expect(doctored.json).toMatchObject({ schema: 'ferbench/doctor@1', samples: 28 })
  })
})
