import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { FerbenchError } from '../../src/base/errors.js'
import { storedSpecSchema } from '../../src/results/storedSpec.js'
import { DEFAULT_SLICE_MIN_SAMPLES } from '../../src/metrics/slices.js'
import { evalSpec, specFromStored, storedSpec } from '../../src/engine/spec.js'

const given = { model: 'models/m.onnx', dataset: 'ferplus', data: 'data/fer2013.csv' }

describe('EvalSpec: one spec per run, defaults resolved once', () => {
  it('fills every default and nothing else', () => {
    expect(evalSpec(given)).toStrictEqual({
      ...given,
      batch: 32,
      device: 'cpu',
      extraClasses: 'drop',
      predictions: false,
      embedPredictions: false,
      predictionScores: false,
      strict: false,
      demo: false,
      concurrency: 4,
    })
  })

  it('keeps embedded predictions as kept ones unless told otherwise; slicing gets its minimum group size', () => {
    const spec = evalSpec({ ...given, predictions: true, sliceBy: ['subject'] })
    expect(spec.embedPredictions).toBe(true)
    expect(spec.sliceMinSamples).toBe(DEFAULT_SLICE_MIN_SAMPLES)
    expect(evalSpec({ ...given, predictions: true, embedPredictions: false }).embedPredictions).toBe(false)
    expect(evalSpec({ ...given, sliceBy: ['subject'], sliceMinSamples: 3 }).sliceMinSamples).toBe(3)
  })

  it('leaves out what was not given: no adapter option, an empty --slice-by', () => {
    const spec = evalSpec({
      ...given,
      datasetOptions: { labels: undefined, folds: undefined },
      sliceBy: [],
      sliceMinSamples: 5,
    })
    expect('datasetOptions' in spec).toBe(false)
    expect('sliceBy' in spec).toBe(false)
    expect('sliceMinSamples' in spec).toBe(false)
  })

  it('refuses a value of the wrong kind as a usage error (exit 2)', () => {
    expect(() => evalSpec({ ...given, batch: 0 })).toThrow(FerbenchError)
    expect(() => evalSpec({ ...given, batch: 0 })).toThrow(/batch/)
    try {
      evalSpec({ ...given, batch: 0 })
    } catch (error) {
      expect((error as FerbenchError).exitCode).toBe(2)
    }
  })
})

describe('the spec a partial result stores, and --resume reading it back', () => {
  const spec = evalSpec({
    ...given,
    card: 'cards/m.json',
    datasetOptions: { labels: 'data/votes.csv', folds: 5, fold: 2 },
    batch: 8,
    predictions: true,
    concurrency: 2,
  })

  it('stores paths resolved, the split resolved, the working directory, and no --concurrency; the document schema accepts it', () => {
    const stored = storedSpec(spec, 'PrivateTest')
    expect(stored.cwd).toBe(process.cwd())
    expect(stored.model).toBe(path.resolve('models/m.onnx'))
    expect(stored.card).toBe(path.resolve('cards/m.json'))
    expect(stored.data).toBe(path.resolve('data/fer2013.csv'))
    expect(stored.datasetOptions).toStrictEqual({ labels: path.resolve('data/votes.csv'), folds: 5, fold: 2 })
    expect(stored.split).toBe('PrivateTest')
    expect('concurrency' in stored).toBe(false)
    expect(storedSpecSchema.safeParse(JSON.parse(JSON.stringify(stored))).success).toBe(true)
  })

  it('reads back the same spec, with --concurrency from now', () => {
    const stored = JSON.parse(JSON.stringify(storedSpec(spec, 'PrivateTest'))) as ReturnType<typeof storedSpec>
    expect(specFromStored('p.json', stored, 7)).toStrictEqual({
      ...spec,
      model: path.resolve('models/m.onnx'),
      card: path.resolve('cards/m.json'),
      data: path.resolve('data/fer2013.csv'),
      split: 'PrivateTest',
      datasetOptions: { labels: path.resolve('data/votes.csv'), folds: 5, fold: 2 },
      concurrency: 7,
    })
  })

  it('reads a spec stored by an older ferbench: paths relative to its working directory, no predictionScores', () => {
    const old = {
      cwd: '/runs/a',
      model: 'm.onnx',
      dataset: 'ferplus',
      data: 'd/fer2013.csv',
      split: 'PublicTest',
      batch: 4,
      device: 'cpu' as const,
      datasetOptions: { labels: 'd/votes.csv' },
      extraClasses: 'keep' as const,
      predictions: true,
      embedPredictions: false,
      strict: true,
      demo: false,
    }
    expect(specFromStored('old.json', old, 1)).toStrictEqual({
      model: '/runs/a/m.onnx',
      dataset: 'ferplus',
      data: '/runs/a/d/fer2013.csv',
      split: 'PublicTest',
      batch: 4,
      device: 'cpu',
      datasetOptions: { labels: '/runs/a/d/votes.csv' },
      extraClasses: 'keep',
      predictions: true,
      embedPredictions: false,
      predictionScores: false,
      strict: true,
      demo: false,
      concurrency: 1,
    })
  })
})
