// The minimal hand-written baseline for tools/bench/fer2013-vs-raw.mjs: reads fer2013.csv line by line,
// parses the pixels of one split, runs a 48×48 gray ONNX model with 8 outputs in canonical order
// (the oracle, or the tinyconv CNN) in batches with onnxruntime-node and counts correct argmax
// predictions. No validation, no card, no provenance: just the work.
//   node tools/bench/lib/rawEval.mjs <fer2013.csv> <model.onnx> <split> <batch> [raw255|unit] [NCHW|NHWC]
import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import * as ort from 'onnxruntime-node'

const [csv, model, split, batchText, scale = 'raw255', layout = 'NCHW'] = process.argv.slice(2)
const mul = scale === 'unit' ? 1 / 255 : 1
const batch = Number(batchText)
// FER2013 code → the oracle's output index (canonical order neutral, happiness, surprise, sadness, anger, disgust, fear, contempt)
const FER_TO_OUT = [4, 5, 6, 1, 3, 2, 0]
const session = await ort.InferenceSession.create(model, { executionProviders: ['cpu'] })
const input = new Float32Array(batch * 2304)
const truths = []
let samples = 0
let correct = 0

async function flush() {
  const n = truths.length
  if (n === 0) return
  const dims = layout === 'NHWC' ? [n, 48, 48, 1] : [n, 1, 48, 48]
  const out = await session.run({
    [session.inputNames[0]]: new ort.Tensor('float32', input.subarray(0, n * 2304), dims),
  })
  const scores = out[session.outputNames[0]].data
  for (let i = 0; i < n; i++) {
    let best = -1
    for (const k of FER_TO_OUT) if (best < 0 || scores[i * 8 + k] > scores[i * 8 + best]) best = k
    if (best === FER_TO_OUT[truths[i]]) correct += 1
  }
  samples += n
  truths.length = 0
}

let header = true
for await (const line of createInterface({ input: createReadStream(csv), crlfDelay: Infinity })) {
  if (header) {
    header = false
    continue
  }
  const a = line.indexOf(',')
  const b = line.lastIndexOf(',')
  if (line.slice(b + 1).trim() !== split) continue
  const pixels = line.slice(a + 1, b).split(' ')
  const at = truths.length * 2304
  for (let i = 0; i < 2304; i++) input[at + i] = Number(pixels[i]) * mul
  truths.push(Number(line.slice(0, a)))
  if (truths.length === batch) await flush()
}
await flush()
console.log(JSON.stringify({ samples, correct, accuracy: correct / samples }))
