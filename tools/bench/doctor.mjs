// `models doctor` speed: the whole doctor (sampling, decoding, every candidate, the decision) on a
// ~1 M-parameter 48×48 CNN with 500 samples of a synthetic FER2013-sized fer2013.csv.
// Usage: npm run tools && node tools/bench/doctor.mjs [--rounds 3]. Writes under tools/bench/out/doctor/ (git-ignored).
import { execSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { doctor } from '../../dist/doctor/doctor.js'
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
const walls = []
for (let r = 0; r < rounds; r++) {
  const result = await doctor({ model: modelFile, dataset: 'fer2013', data: csv, split: 'PrivateTest', samples: 500 })
  const t = result.timing
  walls.push(t.wallSeconds)
  console.log(
    `round ${r + 1}: ${t.wallSeconds.toFixed(2)} s wall (decode+sample ${t.decodeSeconds.toFixed(2)} s, preprocess ${t.preprocessSeconds.toFixed(2)} s, ` +
      `infer ${t.inferSeconds.toFixed(2)} s); ${result.candidates.length} candidates; samples per round ${(result.sampling.rounds ?? []).map((x) => `${x.samples}${x.blocking.length > 0 ? ` (open: ${x.blocking.join(', ')})` : ''}`).join(' → ')}; ${t.rowsRun} rows run; card ${result.recommended ? 'written' : 'not written'}`,
  )
}
walls.sort((a, b) => a - b)
console.log(`median wall ${walls[Math.floor(walls.length / 2)].toFixed(2)} s over ${rounds} rounds`)
console.log(`after: ${uptime()}`)
