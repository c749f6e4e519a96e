// The "bare loop" for tools/bench/eval-pipeline.mjs: the rows of one split, read and preprocessed
// beforehand (not timed) into float batches as ferbench would send them (raw 0–255, NCHW), then a
// plain `session.run` loop over them on the main thread with onnxruntime-node's default options
// (the same as ferbench's at the same batch); prints { samples, loopMs } as JSON.
//   node tools/bench/lib/bareLoop.mjs <fer2013.csv> <model.onnx> <split> <batch>
import { performance } from 'node:perf_hooks'
import * as ort from 'onnxruntime-node'
import { parseFer2013Pixels, readFer2013Rows } from '../../../dist/datasets/fer2013.js'

const [csv, model, split, batchText] = process.argv.slice(2)
const batch = Number(batchText)
const images = []
for await (const r of readFer2013Rows(csv))
  if (r.usage === split) images.push(parseFer2013Pixels(r.pixelBytes, `row ${r.row}`))
const batches = []
for (let at = 0; at < images.length; at += batch) {
  const n = Math.min(batch, images.length - at)
  const data = new Float32Array(n * 2304)
  for (let i = 0; i < n; i++) data.set(images[at + i], i * 2304)
  batches.push(new ort.Tensor('float32', data, [n, 1, 48, 48]))
}
const session = await ort.InferenceSession.create(model, { executionProviders: ['cpu'], graphOptimizationLevel: 'all' })
const name = session.inputNames[0]
await session.run({ [name]: batches[0] }) // warm-up, as ferbench's first batch is not special either
const t0 = performance.now()
for (const tensor of batches) await session.run({ [name]: tensor })
console.log(JSON.stringify({ samples: images.length, loopMs: performance.now() - t0 }))
