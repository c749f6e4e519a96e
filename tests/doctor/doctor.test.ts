import { copyFileSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { doctor } from '../../src/doctor/doctor.js'
import { FolderAdapter } from '../../src/datasets/folder.js'
import type { DoctorResult } from '../../src/results/doctorDocument.js'
import { bandFer2013Csv, colourBandModel, writeColourBandFolder } from '../../tools/fixtures/doctorFixtures.js'
import { FIXTURES, runCli, runJson, tempDir } from '../helpers/cli.js'
import { CANONICAL } from '../helpers/oracle.js'

const MODELS = path.join(FIXTURES, 'models')
const readJson = (file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>

/** The card fields a doctor's recommendation must match (the ones that change what the model sees or how it is scored). */
function essentials(card: Record<string, unknown>): Record<string, unknown> {
  const input = (card.input ?? {}) as Record<string, unknown>
  return {
    channels: input.channels,
    layout: input.layout,
    channelOrder: input.channels === 3 ? (input.channelOrder ?? 'RGB') : undefined,
    scale: card.scale,
    labels: card.labels,
    output: card.output ?? 'logits',
    crop: card.crop,
  }
}

describe('models doctor', () => {
  let dir: string
  let colour: string
  let bands: string

  beforeAll(async () => {
    dir = tempDir('ferbench-doctor-')
    colour = path.join(dir, 'colour')
    await writeColourBandFolder(colour, 40) // 8 classes × 40 = 320 RGB images
    bands = path.join(dir, 'bands.csv')
    writeFileSync(bands, bandFer2013Csv(50)) // 7 classes × 50 = 350 gray images
  })

  it('recovers the colour band model’s card (unit, BGR, permuted labels) exactly from 320 images, with no card given', async () => {
    const result = await doctor({
      model: path.join(MODELS, 'colourband.onnx'),
      dataset: 'folder',
      data: colour,
      samples: 320,
    })
    expect(result.samples).toBe(320)
    expect(Object.values(result.sampling.perClass)).toEqual(new Array(8).fill(40))
    expect(result.recommended).not.toBeNull()
    const truth = readJson(path.join(MODELS, 'colourband.card.json'))
    expect(essentials(result.recommended!.card as unknown as Record<string, unknown>)).toEqual(essentials(truth))
    expect(result.recommended!.accuracy).toBe(1)
    expect(result.recommended!.card.origin?.inferred).toEqual(
      expect.arrayContaining(['scale', 'input.channelOrder', 'labels']),
    )
    // RGB and gray orders, and the other scales, are significantly worse
    for (const c of result.candidates.slice(1)) expect(c.verdict).toBe('worse')
    expect(result.ties.filter((t) => t.blocking)).toEqual([])
  })

  it('tries both layouts and both channel counts when the input shape is all symbolic, and skips the candidates the model rejects', async () => {
    const model = path.join(dir, 'colourband-dynamic.onnx')
    writeFileSync(model, colourBandModel(undefined, { dynamicInput: true }))
    const result = await doctor({ model, dataset: 'folder', data: colour, samples: 320 })
    const tried = new Set(result.candidates.map((c) => `${c.card.input.layout}/${c.card.input.channels}`))
    expect(tried.has('NCHW/3')).toBe(true)
    // the graph reduces over axis 3 and expects 3×48 rows: NHWC and 1-channel inputs fail to run, said per candidate
    expect(result.warnings.some((w) => /^candidate .*NHWC.* did not run/.test(w))).toBe(true)
    expect(
      result.warnings.some((w) => /open; tried NCHW 1×48×48, NCHW 3×48×48, NHWC 1×48×48, NHWC 3×48×48/.test(w)),
    ).toBe(true)
    expect(essentials(result.recommended!.card as unknown as Record<string, unknown>)).toEqual(
      essentials(readJson(path.join(MODELS, 'colourband.card.json'))),
    )
  })

  it('decodes each sampled image once, however many candidates it runs', async () => {
    const loads = new Map<string, number>()
    const samples = FolderAdapter.prototype.samples
    const counting = vi.spyOn(FolderAdapter.prototype, 'samples').mockImplementation(async function* (
      this: FolderAdapter,
      split: string,
    ) {
      for await (const s of samples.call(this, split)) {
        yield {
          ...s,
          load: () => {
            loads.set(s.id, (loads.get(s.id) ?? 0) + 1)
            return s.load()
          },
        }
      }
    })
    const result = await doctor({
      model: path.join(MODELS, 'colourband.onnx'),
      dataset: 'folder',
      data: colour,
      samples: 80,
    }).finally(() => counting.mockRestore())
    expect(result.candidates.length).toBeGreaterThan(10)
    expect(result.samples).toBe(80)
    expect(loads.size).toBe(80)
    expect([...loads.values()].every((n) => n === 1)).toBe(true)
  })

  it('reports two classes the model never separates as a label tie and recommends nothing', async () => {
    const result = await doctor({
      model: path.join(MODELS, 'colourband-merged.onnx'),
      dataset: 'folder',
      data: colour,
      samples: 320,
    })
    expect(result.recommended).toBeNull()
    const labelTies = result.ties.filter((t) => t.kind === 'labels' && t.blocking)
    expect(labelTies.map((t) => [...t.labels!].sort())).toEqual([['fear', 'sadness']])
    expect(labelTies[0]!.detail).toContain('cannot be told apart')
    // every sadness image is predicted fear (or vice versa): 7 of 8 classes right
    expect(result.candidates[0]!.bestAssignment.accuracy).toBeCloseTo(280 / 320, 10)
  })

  it.each([
    ['oracle.onnx', 'oracle.onnx.ferbench.json'],
    ['oracle-batch1.onnx', 'oracle-batch1.onnx.ferbench.json'],
    ['tinyconv.onnx', 'tinyconv.onnx.ferbench.json'],
    ['tinyconv-graph/model.json', 'tinyconv-graph/model.ferbench.json'],
    ['tinyconv-layers/model.json', 'tinyconv-layers/model.ferbench.json'],
  ])('confirms the card of fixture model %s on 350 band images', async (model, card) => {
    const result = await doctor({
      model: path.join(MODELS, model),
      dataset: 'fer2013',
      data: bands,
      split: 'PrivateTest',
    })
    expect(result.recommended).not.toBeNull()
    const sidecar = readJson(path.join(MODELS, card))
    const got = essentials(result.recommended!.card as unknown as Record<string, unknown>)
    expect(got).toEqual({ ...essentials(sidecar), layout: got.layout, channels: 1 })
    expect(got.layout).toBe((sidecar.input as { layout: string }).layout)
    // the scale does not change these models' argmax: said out loud, and the card's value kept
    const equivalent = result.ties.find((t) => t.kind === 'equivalent')
    expect(equivalent?.fields).toContain('scale')
    expect(equivalent?.blocking).toBe(false)
    expect((result.recommended!.card.origin!.evidence as { undetermined: string[] }).undetermined).toContain('scale')
  })

  it('recovers the demo oracle’s label order with no card (FER+ order on a FER2013-ordered dataset)', async () => {
    const bare = path.join(dir, 'bare-oracle.onnx')
    copyFileSync(path.join(MODELS, 'oracle.onnx'), bare)
    const result = await doctor({ model: bare, dataset: 'fer2013', data: bands, split: 'PrivateTest' })
    expect(result.declared.source).toContain('no card')
    expect(result.candidates[0]!.accuracy).toBeLessThan(0.2) // the dataset's own order is wrong for this model
    expect(result.recommended!.card.labels).toEqual(CANONICAL)
    expect(result.recommended!.accuracy).toBe(1)
  })

  it('writes the card with --write-card, and eval reads it', () => {
    const cardFile = path.join(dir, 'written.card.json')
    const run = runJson<DoctorResult>([
      'models',
      'doctor',
      '--model',
      path.join(MODELS, 'colourband.onnx'),
      '--dataset',
      'folder',
      '--data',
      colour,
      '--write-card',
      cardFile,
    ])
    expect(run.status).toBe(0)
    expect(run.json.schema).toBe('ferbench/doctor@1')
    const written = readJson(cardFile)
    expect(written.origin).toMatchObject({ inferred: expect.any(Array), evidence: { samples: 320, dataset: 'folder' } })
    const evalRun = runJson<{ metrics: { accuracy: number } }>([
      'eval',
      '--model',
      path.join(MODELS, 'colourband.onnx'),
      '--card',
      cardFile,
      '--dataset',
      'folder',
      '--data',
      colour,
    ])
    expect(evalRun.status).toBe(0)
    expect(evalRun.json.metrics.accuracy).toBe(1)
  })

  it('writes nothing when the candidates tie, and exits 11 so `doctor && eval` stops there', () => {
    const cardFile = path.join(dir, 'not-written.json')
    const run = runCli([
      'models',
      'doctor',
      '--model',
      path.join(MODELS, 'colourband-merged.onnx'),
      '--dataset',
      'folder',
      '--data',
      colour,
      '--write-card',
      cardFile,
    ])
    expect(run.status).toBe(11)
    expect(run.stdout).toContain('recommended: none')
    expect(run.stderr).toContain(`no card written to ${cardFile}: the sample leaves labels open (see ties); exit 11`)
    expect(() => readFileSync(cardFile)).toThrow()
  })
})
