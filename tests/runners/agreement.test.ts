import { readFileSync } from 'node:fs'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { createRunner } from '../../src/runners/registry.js'
import type { Runner } from '../../src/runners/types.js'
import { FIXTURES, runJson } from '../helpers/cli.js'
import { readFixtureCsv } from '../helpers/oracle.js'
import { decodePredictions, type PredictionsField } from '../../src/results/predictions.js'

const MODELS = path.join(FIXTURES, 'models')
const ONNX = path.join(MODELS, 'tinyconv.onnx')
const GRAPH = path.join(MODELS, 'tinyconv-graph', 'model.json')
const LAYERS = path.join(MODELS, 'tinyconv-layers', 'model.json')
const CSV = path.join(FIXTURES, 'fer2013', 'fer2013.csv')

/**
 * An independent forward pass of the documented tinyconv network (conv 6×6/6 + ReLU, depthwise
 * 3×3 same, flatten NHWC, dense), reading the weights straight from the graph model's manifest.
 */
function naiveTinyConv(pixels: number[]): number[] {
  const json = JSON.parse(readFileSync(GRAPH, 'utf8')) as {
    weightsManifest: Array<{ paths: string[]; weights: Array<{ name: string; shape: number[]; dtype: string }> }>
  }
  const bin = readFileSync(path.join(path.dirname(GRAPH), json.weightsManifest[0]!.paths[0]!))
  const w: Record<string, number[]> = {}
  let at = 0
  for (const spec of json.weightsManifest[0]!.weights) {
    const n = spec.shape.reduce((a, b) => a * b, 1)
    const values: number[] = []
    for (let i = 0; i < n; i++)
      values.push(spec.dtype === 'int32' ? bin.readInt32LE(at + 4 * i) : bin.readFloatLE(at + 4 * i))
    w[spec.name] = values
    at += 4 * n
  }
  const side = 48
  const F = 4
  const grid = 8
  const conv: number[] = new Array(grid * grid * F).fill(0)
  for (let gy = 0; gy < grid; gy++)
    for (let gx = 0; gx < grid; gx++)
      for (let f = 0; f < F; f++) {
        let sum = w['conv1/bias']![f]!
        for (let ky = 0; ky < 6; ky++)
          for (let kx = 0; kx < 6; kx++)
            sum += (pixels[(gy * 6 + ky) * side + gx * 6 + kx]! / 255) * w['conv1/kernel']![(ky * 6 + kx) * F + f]!
        conv[(gy * grid + gx) * F + f] = Math.max(0, sum)
      }
  const dw: number[] = new Array(grid * grid * F).fill(0)
  for (let gy = 0; gy < grid; gy++)
    for (let gx = 0; gx < grid; gx++)
      for (let f = 0; f < F; f++) {
        let sum = w['dw/bias']![f]!
        for (let ky = -1; ky <= 1; ky++)
          for (let kx = -1; kx <= 1; kx++) {
            const y = gy + ky
            const x = gx + kx
            if (y < 0 || x < 0 || y >= grid || x >= grid) continue
            sum += conv[(y * grid + x) * F + f]! * w['dw/depthwise_kernel']![((ky + 1) * 3 + (kx + 1)) * F + f]!
          }
        dw[(gy * grid + gx) * F + f] = sum
      }
  const logits: number[] = []
  for (let k = 0; k < 8; k++) {
    let sum = w['dense/bias']![k]!
    for (let i = 0; i < dw.length; i++) sum += dw[i]! * w['dense/kernel']![i * 8 + k]!
    logits.push(sum)
  }
  return logits
}

const argmax = (row: ArrayLike<number>): number => {
  let best = 0
  for (let i = 1; i < row.length; i++) if (row[i]! > row[best]!) best = i
  return best
}

describe('cross-runner agreement (tinyconv as ONNX, tfjs graph, tfjs layers)', () => {
  const rows = readFixtureCsv(CSV)
  const batch = new Float32Array(rows.length * 48 * 48)
  rows.forEach((r, i) => r.pixels.forEach((p, j) => (batch[i * 2304 + j] = p / 255)))
  const dims = [rows.length, 48, 48, 1]
  const outputs: Record<string, Float32Array> = {}
  const runners: Record<string, Runner> = {}

  beforeAll(async () => {
    for (const [name, file] of [
      ['onnx', ONNX],
      ['graph', GRAPH],
      ['layers', LAYERS],
    ] as const) {
      runners[name] = await createRunner(file, { device: 'cpu' })
      outputs[name] = (await runners[name]!.run(batch, dims)).slice()
    }
  })

  it('picks the runner from the file type and records the backend', () => {
    expect(runners.onnx!.info.backend).toBe('onnxruntime-node/cpu')
    expect(runners.graph!.info.name).toBe('tfjs')
    expect(['tfjs/tensorflow', 'tfjs/wasm', 'tfjs/cpu']).toContain(runners.graph!.info.backend)
    expect(runners.layers!.info.backend).toBe(runners.graph!.info.backend)
  })

  it('every runner matches an independent forward pass within 1e-4 and all argmaxes agree', () => {
    rows.forEach((r, i) => {
      const expected = naiveTinyConv(r.pixels)
      for (const name of ['onnx', 'graph', 'layers']) {
        const got = Array.from(outputs[name]!.subarray(i * 8, i * 8 + 8))
        got.forEach((v, k) => expect(Math.abs(v - expected[k]!), `${name} row ${r.row} class ${k}`).toBeLessThan(1e-4))
        expect(argmax(got), `${name} row ${r.row}`).toBe(argmax(outputs.onnx!.subarray(i * 8, i * 8 + 8)))
      }
    })
  })

  it('tfjs tensors are disposed: memory stays flat over repeated batches', async () => {
    const before = tf.memory().numTensors
    for (let i = 0; i < 5; i++) await runners.graph!.run(batch, dims)
    for (let i = 0; i < 5; i++) await runners.layers!.run(batch, dims)
    expect(tf.memory().numTensors).toBe(before)
  })

  it('eval gives identical per-sample predictions through the CLI for all three files', () => {
    const predictions = [ONNX, GRAPH, LAYERS].map((model) => {
      const run = runJson<{ runner: { name: string }; predictions: PredictionsField }>([
        'eval',
        '--model',
        model,
        '--data',
        CSV,
        '--embed-predictions',
      ])
      expect(run.status).toBe(0)
      return { runner: run.json.runner, predictions: decodePredictions(run.json.predictions) }
    })
    expect(predictions.map((p) => p.runner.name)).toEqual(['onnx', 'tfjs', 'tfjs'])
    expect(predictions[0]!.predictions.length).toBeGreaterThan(0)
    const pairs = (i: number): string[][] => predictions[i]!.predictions.map((p) => [p.id, p.predicted])
    expect(pairs(1)).toEqual(pairs(0))
    expect(pairs(2)).toEqual(pairs(0))
  })
})
