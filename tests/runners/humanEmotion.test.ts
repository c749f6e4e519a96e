import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRunner } from '../../src/runners/registry.js'
import type { Runner } from '../../src/runners/types.js'
import { modelIdentity } from '../../src/base/modelFiles.js'
import { doctor } from '../../src/doctor/doctor.js'
import { presetsFittingInput } from '../../src/card/presets.js'
import { FIXTURES, runJson, tempDir } from '../helpers/cli.js'

/**
 * A real published model: the mini-Xception emotion classifier of the npm package
 * @vladmandic/human 3.3.6, vendored unchanged in fixtures/models/human-emotion/ (its README says
 * where each fact below was checked). Accuracy on synthetic images means nothing for it, so these
 * tests check what is defined: files, identity, shapes, determinism, the probe, speed, the preset.
 */
const DIR = path.join(FIXTURES, 'models', 'human-emotion')
const MODEL = path.join(DIR, 'emotion.json')
const BIN = path.join(DIR, 'emotion.bin')
const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex')
/** From fixtures/models/human-emotion/README.md (the files as the package ships them). */
const PINNED = {
  json: '56f7e557eb0c863a8b9ab04ac7ccba756e93bf2c27dce135ef0e8712b80b7ad2',
  bin: '927ac8224f356ab1e68c2bcfbfa07b0c8567047d1bcf817388ba6e38214c4987',
}
const modelJson = JSON.parse(readFileSync(MODEL, 'utf8')) as {
  userDefinedMetadata: { signature: { outputs: Record<string, { tensorShape: { dim: Array<{ size: string }> } }> } }
  weightsManifest: Array<{ weights: Array<{ shape: number[]; dtype: string }> }>
}
/** The class count the converter recorded in userDefinedMetadata (tfjs does not read it as the model's signature). */
const SIGNATURE_CLASSES = Number(
  Object.values(modelJson.userDefinedMetadata.signature.outputs)[0]!.tensorShape.dim.at(-1)!.size,
)

/** Deterministic 64×64 gray faces-that-are-not-faces, already scaled (x/255 − 0.5)·2 as the card says. */
function batchOf(rows: number, seed: number): Float32Array {
  const out = new Float32Array(rows * 64 * 64)
  let state = seed
  for (let i = 0; i < out.length; i++) {
    state = (state * 1103515245 + 12345) % 2 ** 31
    out[i] = ((state % 256) / 255 - 0.5) * 2
  }
  return out
}

describe('the real @vladmandic/human emotion model (tfjs graph, dynamic output)', () => {
  let runner: Runner
  beforeAll(async () => {
    runner = await createRunner(MODEL, { device: 'cpu', runner: 'tfjs' })
  })
  afterAll(async () => {
    await runner?.release()
  })

  it('the vendored files are the ones the package ships', () => {
    expect(sha256(MODEL)).toBe(PINNED.json)
    expect(sha256(BIN)).toBe(PINNED.bin)
    expect(SIGNATURE_CLASSES).toBe(7)
  })

  it('ferbench identity is sha256 over the sha256sum lines of model.json and its shard', async () => {
    const expected = createHash('sha256')
      .update(`${sha256(MODEL)}  emotion.json\n${sha256(BIN)}  emotion.bin\n`)
      .digest('hex')
    const identity = await modelIdentity(MODEL)
    expect(identity.files.map((f) => f.path)).toEqual(['emotion.json', 'emotion.bin'])
    expect(identity.sha256).toBe(expected)
    expect(identity.bytes).toBe(readFileSync(MODEL).length + readFileSync(BIN).length)
  })

  it('the tfjs runner loads it on the CPU: input [-1, 64, 64, 1], an output with no recorded shape', () => {
    expect(runner.info.name).toBe('tfjs')
    expect(runner.info.backend).toMatch(/^tfjs\//)
    expect(runner.input.shape).toEqual([-1, 64, 64, 1])
    expect(runner.outputs[0]!.shape).toEqual([]) // dynamic: what the doctor's probe is for
  })

  it('runs: 7 softmax probabilities per row, the same on a second run and row by row', async () => {
    const rows = 3
    const batch = batchOf(rows, 42)
    const first = await runner.run(batch, [rows, 64, 64, 1])
    expect(first.length).toBe(rows * SIGNATURE_CLASSES)
    for (let r = 0; r < rows; r++) {
      const row = Array.from(first.subarray(r * 7, r * 7 + 7))
      expect(row.every((p) => p >= 0 && p <= 1)).toBe(true)
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5)
    }
    const again = await runner.run(batch, [rows, 64, 64, 1])
    expect(Array.from(again)).toEqual(Array.from(first))
    for (let r = 0; r < rows; r++) {
      const alone = await runner.run(batch.slice(r * 4096, (r + 1) * 4096), [1, 64, 64, 1])
      for (let k = 0; k < 7; k++) expect(alone[k]).toBeCloseTo(first[r * 7 + k]!, 5)
    }
    // different inputs give different outputs (the weights are loaded, not zeros)
    expect(Array.from(first.subarray(0, 7))).not.toEqual(Array.from(first.subarray(7, 14)))
  })

  it('models inspect: graph format, its input, parameters counted from the manifest, the preset that fits', () => {
    const floats = modelJson.weightsManifest
      .flatMap((g) => g.weights)
      .filter((w) => w.dtype === 'float32')
      .reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0)
    const run = runJson<{
      format: string
      inputs: Array<{ name: string; shape: number[] }>
      outputs: Array<{ name: string; shape: number[] }>
      bytes: number
      params: number
      macs: number
      macsComplete: boolean
      fittingPresets: string[]
    }>(['models', 'inspect', '--model', MODEL])
    expect(run.status).toBe(0)
    expect(run.json.format).toBe('tfjs-graph')
    expect(run.json.inputs).toEqual([{ name: 'input_1', shape: [-1, 64, 64, 1], dtype: 'float32' }])
    expect(run.json.outputs.map((o) => o.name)).toEqual(['Identity'])
    expect(run.json.bytes).toBe(readFileSync(MODEL).length + readFileSync(BIN).length)
    expect(floats).toBe(205_127)
    expect(run.json.params).toBe(floats)
    expect(run.json.macsComplete).toBe(true)
    expect(run.json.macs).toBeGreaterThan(0)
    expect(run.json.fittingPresets).toEqual(['mini-xception'])
    expect(presetsFittingInput({ name: 'input_1', shape: [-1, 64, 64, 1] })).toEqual(['mini-xception'])
  })

  it('the preset mini-xception is its card: eval resolves it with no defaults filled in and no shape inferred but the name', () => {
    const run = runJson<{
      model: { sha256: string; card: Record<string, unknown> & { origin: { inferred: string[] } } }
      metrics: { accuracy: number }
      runner: { backend: string; workers?: number }
      warnings: string[]
    }>(['eval', '--model', MODEL, '--preset', 'mini-xception', '--data', path.join(FIXTURES, 'fer2013', 'fer2013.csv')])
    expect(run.status).toBe(0)
    const card = run.json.model.card
    expect(card).toMatchObject({
      input: { height: 64, width: 64, channels: 1, layout: 'NHWC', name: 'input_1' },
      scale: 'symmetric',
      resize: 'bilinear',
      tta: 'none',
      labels: ['anger', 'disgust', 'fear', 'happiness', 'sadness', 'surprise', 'neutral'],
      output: 'probabilities',
    })
    expect(card.origin.inferred).toEqual([])
    expect(run.json.warnings.filter((w) => w.includes('leaves out'))).toEqual([])
    // eval on the CPU runs a tfjs model on one worker thread per core, at most 8 (docs/runners.md)
    if (run.json.runner.backend !== 'tfjs/tensorflow')
      expect(run.json.runner.workers).toBe(Math.min(availableParallelism(), 8))
  })

  it("the doctor's probe finds its 7 outputs (the graph leaves them dynamic)", async () => {
    // one PrivateTest image per class of the bundled fer2013.csv: 7 images, so the run stays small
    const [header, ...rows] = readFileSync(path.join(FIXTURES, 'fer2013', 'fer2013.csv'), 'utf8')
      .trimEnd()
      .split('\n')
    const firstOfClass = new Map<string, string>()
    for (const row of rows)
      if (row.endsWith(',PrivateTest') && !firstOfClass.has(row.split(',')[0]!))
        firstOfClass.set(row.split(',')[0]!, row)
    expect(firstOfClass.size).toBe(7)
    const csv = path.join(tempDir('ferbench-human-'), 'seven.csv')
    writeFileSync(csv, `${[header, ...firstOfClass.values()].join('\n')}\n`)
    const result = await doctor({ model: MODEL, dataset: 'fer2013', data: csv, split: 'PrivateTest' })
    expect(result.samples).toBe(7)
    expect(result.model.outputs).toBe(SIGNATURE_CLASSES)
    expect(result.model.outputsFrom).toBe('probe')
    expect(result.model.sha256).toBe((await modelIdentity(MODEL)).sha256)
    expect(result.candidates.every((c) => c.card.labels.length === 7)).toBe(true)
    expect(result.candidates.every((c) => c.output === 'probabilities')).toBe(true) // a softmax ends the graph
  })

  it('speed runs on it', () => {
    const run = runJson<{
      model: { sha256: string; params: number; card: { input: { height: number } } }
      runner: { name: string }
      results: Array<{ batch: number; iterations: number; latencyMs: { p50: number } }>
    }>([
      'speed',
      '--model',
      MODEL,
      '--preset',
      'mini-xception',
      '--iterations',
      '3',
      '--warmup',
      '1',
      '--duration',
      '0',
      '--batch',
      '1,2',
    ])
    expect(run.status).toBe(0)
    expect(run.json.runner.name).toBe('tfjs')
    expect(run.json.model.params).toBe(205_127)
    expect(run.json.model.card.input.height).toBe(64)
    expect(run.json.results.map((r) => r.batch)).toEqual([1, 2])
    for (const r of run.json.results) {
      expect(r.iterations).toBeGreaterThanOrEqual(3)
      expect(r.latencyMs.p50).toBeGreaterThan(0)
    }
  })
})
