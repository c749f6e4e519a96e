// `models doctor` speed: the whole doctor (sampling, decoding, every candidate, the decision) on a
// ~1 M-parameter 48×48 CNN with 500 samples of a synthetic FER2013-sized fer2013.csv, against its
// lower bound measured in the same round: a bare `session.run` loop (onnxruntime-node, default
// options, the same model and batch) doing as many rows as the doctor ran (`timing.rowsRun`: every
// candidate card on every sampled image, every sampling round), on PrivateTest images of the same
// file decoded and scaled beforehand (not timed; its session is created once, outside the loop).
// Doctor and bare loop alternate (ABBA) in one process; wall and CPU seconds of each are printed.
// Usage: npm run tools && node tools/bench/doctor.mjs [--rounds 3]. Writes under tools/bench/out/doctor/ (git-ignored).
import { execSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { performance } from 'node:perf_hooks'
import * as ort from 'onnxruntime-node'
import { doctor } from '../../dist/doctor/doctor.js'
import { parseFer2013Pixels, readFer2013Rows } from '../../dist/datasets/fer2013.js'
import { LayerBuilder } from '../dist/tools/replicas/onnxLayers.js'
import { synthFer2013Csv } from './lib/synth.mjs'
import { opt } from './lib/cli.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const out = path.join(here, 'out', 'doctor')
mkdirSync(out, { recursive: true })
const rounds = Number(opt('rounds', 3))

/** A plain CNN: 3 × (conv 3×3 + ReLU + max-pool 2), dense 192, dense 8 — about 1 M parameters, seeded weights. */
function cnn() {
  const b = new LayerBuilder('bench_doctor_cnn', 1414)
  let x = b.input('image', [1, 48, 48])
  for (const out of [32, 64, 128]) x = b.maxPool(b.relu(b.conv(x, { out, kernel: 3, pad: 1 })), 2)
  x = b.relu(b.dense(b.flatten(x), 192))
  x = b.dense(x, 8, true, 'scores')
  b.output(x, 'scores')
  return { bytes: b.build('bench: ~1M-param 48x48 CNN'), params: b.g.params }
}

const model = cnn()
const modelFile = path.join(out, 'cnn48.onnx')
writeFileSync(modelFile, model.bytes)
const csv = await synthFer2013Csv(out)
const uptime = () => execSync('uptime').toString().trim()
console.log(
  `model: ${model.params.toLocaleString('en-US')} params, 48×48×1; data: ${csv}; machine: ${os.cpus()[0]?.model} × ${os.cpus().length}, Node ${process.version}`,
)
console.log(`before: ${uptime()}`)
const BATCH = 32
const PIXELS = 48 * 48
/** The doctor's inferences alone: `rows` rows of the split's images (raw 0–255, NCHW) through session.run at the doctor's batch. */
const split = []
for await (const r of readFer2013Rows(csv))
  if (r.usage === 'PrivateTest') split.push(parseFer2013Pixels(r.pixelBytes, `row ${r.row}`))
const session = await ort.InferenceSession.create(modelFile, { executionProviders: ['cpu'] })
const inputName = session.inputNames[0]
const batchesFor = (rows) => {
  const out = []
  for (let at = 0; at < rows; at += BATCH) {
    const n = Math.min(BATCH, rows - at)
    const data = new Float32Array(n * PIXELS)
    for (let i = 0; i < n; i++) data.set(split[(at + i) % split.length], i * PIXELS)
    out.push(new ort.Tensor('float32', data, [n, 1, 48, 48]))
  }
  return out
}
await session.run({ [inputName]: batchesFor(BATCH)[0] }) // warm-up, outside the timing
async function bareLoop(rows) {
  const batches = batchesFor(rows)
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  for (const tensor of batches) await session.run({ [inputName]: tensor })
  const c = process.cpuUsage(c0)
  return { wallSeconds: (performance.now() - t0) / 1000, cpuSeconds: (c.user + c.system) / 1e6 }
}
async function runDoctor() {
  const c0 = process.cpuUsage()
  const result = await doctor({ model: modelFile, dataset: 'fer2013', data: csv, split: 'PrivateTest', samples: 500 })
  const c = process.cpuUsage(c0)
  return { result, cpuSeconds: (c.user + c.system) / 1e6 }
}

const walls = []
const ratios = []
let rowsRun
for (let r = 0; r < rounds; r++) {
  // ABBA: the doctor first in even rounds, the bare loop first in odd ones (its row count is the doctor's, from round 1)
  let bare
  if (r % 2 === 1) bare = await bareLoop(rowsRun)
  const { result, cpuSeconds } = await runDoctor()
  const t = result.timing
  if (rowsRun !== undefined && t.rowsRun !== rowsRun)
    throw new Error(`the doctor ran ${t.rowsRun} rows, then ${rowsRun}`)
  rowsRun = t.rowsRun
  if (r % 2 === 0) bare = await bareLoop(rowsRun)
  walls.push(t.wallSeconds)
  ratios.push(t.wallSeconds / bare.wallSeconds)
  console.log(
    `round ${r + 1}: ${t.wallSeconds.toFixed(2)} s wall, ${cpuSeconds.toFixed(2)} s CPU (decode+sample ${t.decodeSeconds.toFixed(2)} s, preprocess ${t.preprocessSeconds.toFixed(2)} s, ` +
      `infer ${t.inferSeconds.toFixed(2)} s); ${result.candidates.length} candidates; samples per round ${(result.sampling.rounds ?? []).map((x) => `${x.samples}${x.blocking.length > 0 ? ` (open: ${x.blocking.join(', ')})` : ''}`).join(' → ')}; ${t.rowsRun} rows run; card ${result.recommended ? 'written' : 'not written'}`,
  )
  console.log(
    `  bare session.run loop, the same ${rowsRun} rows at batch ${BATCH}: ${bare.wallSeconds.toFixed(2)} s wall, ${bare.cpuSeconds.toFixed(2)} s CPU; ` +
      `doctor / bare: ${(t.wallSeconds / bare.wallSeconds).toFixed(2)} (wall), its infer stage / bare: ${(t.inferSeconds / bare.wallSeconds).toFixed(2)}`,
  )
}
walls.sort((a, b) => a - b)
console.log(`median wall ${walls[Math.floor(walls.length / 2)].toFixed(2)} s over ${rounds} rounds`)
console.log(`doctor / bare loop per round: ${ratios.map((x) => x.toFixed(2)).join(', ')}`)
console.log(`after: ${uptime()}`)
