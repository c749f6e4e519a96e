import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { benchmark } from '../../src/engine/speedBenchmark.js'
import { speedSpec } from '../../src/engine/speedSpec.js'
import { evaluate } from '../../src/engine/evaluate.js'
import { evalSpec, type EvalSpecInput } from '../../src/engine/spec.js'
import { checkSyntheticOutputs, OutputStats } from '../../src/metrics/degenerate.js'
import { colourBandModel, writeColourBandFolder } from '../../tools/fixtures/doctorFixtures.js'
import { FIXTURES, runCli, tempDir } from '../helpers/cli.js'

const MODELS = path.join(FIXTURES, 'models')
const COLOUR_MODEL = path.join(MODELS, 'colourband.onnx')
const trueCard = JSON.parse(readFileSync(path.join(MODELS, 'colourband.card.json'), 'utf8')) as Record<string, unknown>
const base = { batch: 32, device: 'cpu', extraClasses: 'drop' } as const

describe('degenerate-output detector', () => {
  let dir: string
  let colour: string
  const card = (name: string, changes: Record<string, unknown>): string => {
    const file = path.join(dir, `${name}.json`)
    writeFileSync(file, JSON.stringify({ ...trueCard, ...changes }))
    return file
  }
  const run = (options: Partial<EvalSpecInput>) =>
    evaluate(evalSpec({ ...base, model: COLOUR_MODEL, dataset: 'folder', data: colour, ...options }))

  beforeAll(async () => {
    dir = tempDir('ferbench-degenerate-')
    colour = path.join(dir, 'colour')
    await writeColourBandFolder(colour, 5) // 40 images
  })

  it('stays quiet on correct models: the colour band model with its card, the demo oracle, tinyconv', async () => {
    const good = await run({ card: path.join(MODELS, 'colourband.card.json') })
    expect(good.metrics.accuracy).toBe(1)
    expect(good.outputCheck?.flags).toEqual([])
    expect(good.warnings.filter((w) => w.startsWith('degenerate output'))).toEqual([])
    for (const model of ['oracle.onnx', 'tinyconv.onnx']) {
      const r = await evaluate(
        evalSpec({
          ...base,
          model: path.join(MODELS, model),
          dataset: 'fer2013',
          data: path.join(FIXTURES, 'fer2013', 'fer2013.csv'),
          split: 'PrivateTest',
        }),
      )
      expect(r.outputCheck?.flags, model).toEqual([])
    }
  })

  it('flags a model fed the wrong scale: one class for every image, constant outputs, chance accuracy', async () => {
    const r = await run({ card: card('raw255', { scale: 'raw255' }) })
    // every output is Relu(negative) = 0 on 0–255 input: argmax = output 0 for all 40 images
    expect(r.outputCheck?.topPrediction).toEqual({ label: (trueCard.labels as string[])[0], share: 1 })
    expect(r.outputCheck?.flags).toEqual(['one-class', 'constant-outputs', 'chance-accuracy'])
    const warnings = r.warnings.filter((w) => w.startsWith('degenerate output'))
    expect(warnings).toHaveLength(3)
    for (const w of warnings)
      expect(w).toContain(`ferbench models doctor --model ${COLOUR_MODEL} --dataset folder --data ${colour}`)
    expect(warnings[0]).toMatch(/predicts \w+ for 100\.0% of the samples \(12\.5% of the truth\).*scale, channel order/)
  })

  it('flags the wrong channel order by chance accuracy', async () => {
    const r = await run({ card: card('rgb', { input: { ...(trueCard.input as object), channelOrder: 'RGB' } }) })
    expect(r.outputCheck?.flags).toContain('chance-accuracy')
  })

  it('flags probability outputs under a logits card, and logits under a probabilities card', async () => {
    const softmaxModel = path.join(dir, 'colourband-softmax.onnx')
    writeFileSync(softmaxModel, colourBandModel(undefined, { softmax: true }))
    const probs = await run({ model: softmaxModel, card: path.join(MODELS, 'colourband.card.json') })
    expect(probs.metrics.accuracy).toBe(1)
    expect(probs.outputCheck?.flags).toEqual(['probabilities-as-logits'])
    expect(probs.outputCheck?.probabilityRows).toBe(40)
    const fixed = await run({ model: softmaxModel, card: card('probs', { output: 'probabilities' }) })
    expect(fixed.outputCheck?.flags).toEqual([])
    const logits = await run({ card: card('says-probs', { output: 'probabilities' }) })
    expect(logits.outputCheck?.flags).toEqual(['logits-as-probabilities'])
  })

  it('says it on stderr too, also with --json', () => {
    const cli = runCli([
      'eval',
      '--model',
      COLOUR_MODEL,
      '--card',
      card('raw255-cli', { scale: 'raw255' }),
      '--dataset',
      'folder',
      '--data',
      colour,
      '--json',
    ])
    expect(cli.status).toBe(0)
    expect(cli.stderr).toMatch(/ferbench eval: warning: degenerate output: the model predicts/)
    expect(JSON.parse(cli.stdout).outputCheck.flags).toContain('one-class')
  })

  it('speed: flags all-zero outputs on the synthetic input, not a working model', async () => {
    const speed = (cardFile: string) =>
      benchmark(
        speedSpec({
          model: COLOUR_MODEL,
          card: cardFile,
          device: 'cpu',
          batches: [2],
          threads: [null],
          warmup: 0,
          minIterations: 1,
          minDurationS: 0,
        }),
      )
    const bad = await speed(card('raw255-speed', { scale: 'raw255' }))
    expect(bad.warnings.filter((w) => w.startsWith('degenerate output'))).toEqual([
      expect.stringContaining('every output on the synthetic input is exactly 0'),
    ])
    const good = await speed(path.join(MODELS, 'colourband.card.json'))
    expect(good.warnings.filter((w) => w.startsWith('degenerate output'))).toEqual([])
    expect(checkSyntheticOutputs('m', Float32Array.of(0.5, Number.NaN))[0]).toContain(
      '1 of 2 outputs on the synthetic input are NaN or infinite',
    )
    expect(checkSyntheticOutputs('m', Float32Array.of(0.5, 0))).toEqual([])
  })

  it('pools the statistics of shards as one pass over all rows (to the 6 digits a document keeps); a resumed run continues exactly', () => {
    const rows = Float32Array.from({ length: 9 * 3 }, (_, i) => Math.sin(i * 1.7) * 3)
    const whole = new OutputStats(3)
    whole.addRows(rows, 9)
    const a = new OutputStats(3)
    a.addRows(rows.subarray(0, 12), 4)
    const b = new OutputStats(3)
    b.addRows(rows.subarray(12), 5)
    const pooled = OutputStats.pool(3, [a.snapshot(), b.snapshot()]).snapshot()
    const expected = whole.snapshot()
    expect(pooled.rows).toBe(9)
    for (const key of ['softmaxMean', 'softmaxStd', 'rawMean', 'rawStd'] as const) {
      pooled[key].forEach((v, i) =>
        expect(Math.abs(v - expected[key][i]!)).toBeLessThanOrEqual(1e-5 * Math.abs(expected[key][i]!)),
      )
    }
    const resumed = OutputStats.restore(3, a.state())
    resumed.addRows(rows.subarray(12), 5)
    expect(resumed.state()).toEqual(whole.state())
  })
})
