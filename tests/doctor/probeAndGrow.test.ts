import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { doctor } from '../../src/doctor/doctor.js'
import { probeOutputLength } from '../../src/doctor/probe.js'
import type { Runner } from '../../src/runners/types.js'
import { EXIT_CODES } from '../../src/base/exitCodes.js'
import { FerbenchError } from '../../src/base/errors.js'
import { bandFer2013Csv, colourBandModel, writeColourBandFolder } from '../../tools/fixtures/doctorFixtures.js'
import { FIXTURES, runCli, tempDir } from '../helpers/cli.js'
import { CANONICAL } from '../helpers/oracle.js'

const MODELS = path.join(FIXTURES, 'models')

/** A fer2013.csv whose PrivateTest has `privatePerClass` band images per class and PublicTest `publicPerClass`. */
function twoSplitCsv(privatePerClass: number, publicPerClass: number): string {
  const rows = (csv: string): string[] => csv.trimEnd().split('\n').slice(1)
  const priv = rows(bandFer2013Csv(privatePerClass, 7))
  const pub = rows(bandFer2013Csv(publicPerClass, 8)).map((r) => r.replace(/,PrivateTest$/, ',PublicTest'))
  return `${['emotion,pixels,Usage', ...priv, ...pub].join('\n')}\n`
}

/** A runner stub for the probe: states an output shape and returns `perRow` scores per row. */
function stubRunner(outputShape: Array<number | string>, perRow: number, accepts: 'NCHW' | 'NHWC' | 'any'): Runner {
  return {
    info: { name: 'stub', backend: 'stub', device: 'cpu', version: '0', notes: [] },
    input: { name: 'x', shape: ['N', 'C', 'H', 'W'] },
    outputs: [{ name: 'y', shape: outputShape }],
    async run(_batch, dims) {
      if (accepts === 'NHWC' && dims[3] !== 1 && dims[3] !== 3) throw new Error('wants NHWC')
      return new Float32Array(dims[0]! * perRow)
    },
    async release() {},
  }
}

const choices = [
  { layout: 'NCHW' as const, channels: 1 as const, height: 8, width: 8, settled: [] },
  { layout: 'NHWC' as const, channels: 1 as const, height: 8, width: 8, settled: [] },
]

describe('output length from one probe inference', () => {
  it('measures a dynamic output, checks a stated one, and names both when they disagree', async () => {
    expect(await probeOutputLength(stubRunner(['N', 'K'], 6, 'any'), choices, undefined, 'm')).toEqual({
      classes: 6,
      from: 'probe',
      probedWith: 'NCHW 1×8×8',
    })
    expect(await probeOutputLength(stubRunner([], 5, 'any'), choices, 4, 'm')).toMatchObject({
      classes: 5,
      from: 'probe',
    })
    // the first reading the model rejects is skipped
    expect(await probeOutputLength(stubRunner([-1, 3], 3, 'NHWC'), choices, undefined, 'm')).toEqual({
      classes: 3,
      from: 'shape',
      probedWith: 'NHWC 1×8×8',
    })
    const error = await probeOutputLength(stubRunner(['N', 7], 8, 'any'), choices, undefined, 'm.onnx').catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(FerbenchError)
    expect((error as FerbenchError).exitCode).toBe(EXIT_CODES.model.code)
    expect((error as FerbenchError).message).toBe(
      "m.onnx: output 'y' states 7 scores per sample ([N, 7]) but one inference returned 8",
    )
  })

  let colour: string
  beforeAll(async () => {
    colour = path.join(tempDir('ferbench-probe-'), 'colour')
    await writeColourBandFolder(colour, 40)
  })

  it('ONNX with a symbolic class count: the doctor measures 8 outputs and still recovers the card', async () => {
    const model = path.join(tempDir('ferbench-probe-'), 'colourband-dynamic-output.onnx')
    writeFileSync(model, colourBandModel(undefined, { dynamicOutput: true }))
    const result = await doctor({ model, dataset: 'folder', data: colour, samples: 320 })
    expect(result.model.outputs).toBe(8) // the model was built with 8 outputs (COLOUR_BAND_LABELS)
    expect(result.model.outputsFrom).toBe('probe')
    expect(
      result.warnings.some((w) => /leaves the class count dynamic: one inference .* returned 8 scores/.test(w)),
    ).toBe(true)
    const truth = JSON.parse(readFileSync(path.join(MODELS, 'colourband.card.json'), 'utf8')) as { labels: string[] }
    expect(result.recommended!.card.labels).toEqual(truth.labels)
  })

  it.each([
    ['tinyconv-graph/model.json', 8],
    ['tinyconv-layers/model.json', 8],
  ])('tfjs %s states its output; the probe agrees (%i)', async (file, classes) => {
    const bands = path.join(tempDir('ferbench-probe-'), 'bands.csv')
    writeFileSync(bands, bandFer2013Csv(3))
    const sidecar = JSON.parse(
      readFileSync(path.join(MODELS, file.replace('model.json', 'model.ferbench.json')), 'utf8'),
    ) as { labels: string[] }
    expect(sidecar.labels).toHaveLength(classes)
    const result = await doctor({ model: path.join(MODELS, file), dataset: 'fer2013', data: bands, samples: 21 })
    expect(result.model).toMatchObject({ outputs: classes, outputsFrom: 'shape' })
  })
})

describe('adaptive sampling', () => {
  it('a label tie on 2 images per class grows the sample to the whole split, where it is settled', async () => {
    // Swapping two labels of the oracle turns 2 + 2 right answers wrong and none right:
    // McNemar p = 2·(1/2)^4 = 0.125 ≥ 0.01 at 14 samples; at 50 per class p = 2·(1/2)^100.
    const csv = path.join(tempDir('ferbench-grow-'), 'bands.csv')
    writeFileSync(csv, bandFer2013Csv(50))
    const result = await doctor({
      model: path.join(MODELS, 'oracle.onnx'),
      dataset: 'fer2013',
      data: csv,
      split: 'PrivateTest',
      samples: 14,
    })
    expect(result.sampling.rounds).toEqual([
      { samples: 14, splits: ['PrivateTest'], blocking: ['labels'] },
      { samples: 350, splits: ['PrivateTest'], blocking: [] },
    ])
    expect(result.samples).toBe(350)
    expect(result.recommended!.card.labels).toEqual(CANONICAL)
    expect(result.recommended!.card.origin!.evidence.samples).toBe(350)
  })

  it('grows into other splits only with otherSplits; without it the advice stays within the split', async () => {
    const csv = path.join(tempDir('ferbench-grow-'), 'two-splits.csv')
    writeFileSync(csv, twoSplitCsv(1, 20)) // PrivateTest 7 images, PublicTest 140
    const alone = await doctor({ model: path.join(MODELS, 'oracle.onnx'), dataset: 'fer2013', data: csv })
    expect(alone.samples).toBe(7)
    expect(alone.recommended).toBeNull()
    expect(alone.sampling.rounds).toHaveLength(1) // the first sample already held the whole split
    expect(
      alone.warnings.some((w) => w.includes('--other-splits lets the sample grow into Training, PublicTest')),
    ).toBe(true)
    for (const tie of alone.ties) expect(tie.detail).not.toMatch(/--samples \d/)

    const grown = await doctor({
      model: path.join(MODELS, 'oracle.onnx'),
      dataset: 'fer2013',
      data: csv,
      otherSplits: true,
    })
    expect(grown.sampling.splits).toEqual(['PrivateTest', 'Training', 'PublicTest'])
    expect(grown.samples).toBe(147)
    expect(grown.recommended!.card.labels).toEqual(CANONICAL)
  })

  it('the CLI: --other-splits, and exit 11 with --write-card when the split cannot settle the card', () => {
    const dir = tempDir('ferbench-grow-')
    const csv = path.join(dir, 'two-splits.csv')
    writeFileSync(csv, twoSplitCsv(1, 20))
    const card = path.join(dir, 'card.json')
    const args = [
      'models',
      'doctor',
      '--model',
      path.join(MODELS, 'oracle.onnx'),
      '--dataset',
      'fer2013',
      '--data',
      csv,
      '--write-card',
      card,
    ]
    const blocked = runCli(args)
    expect(blocked.status).toBe(11)
    expect(() => readFileSync(card)).toThrow()
    const settled = runCli([...args, '--other-splits'])
    expect(settled.status).toBe(0)
    expect(settled.stdout).toMatch(/sample grew while a tie blocked the card: 7 \(PrivateTest; open: labels\) → 147/)
    expect(JSON.parse(readFileSync(card, 'utf8')).labels).toEqual(CANONICAL)
  })
})
