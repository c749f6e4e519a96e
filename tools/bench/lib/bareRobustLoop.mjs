// The "bare loop" for tools/bench/robust.mjs: `passes` × the images of a folder of PNGs, decoded
// beforehand (not timed) into float batches as ferbench would send them (raw 0–255, NCHW, 48×48×1),
// then a plain `session.run` loop over them on the main thread with onnxruntime-node's default
// options; prints { inferences, loopMs, processMs } as JSON (processMs: from the process start).
//   node tools/bench/lib/bareRobustLoop.mjs <folder> <model.onnx> <passes> <batch>
import { readdirSync } from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import * as ort from 'onnxruntime-node'
import sharp from 'sharp'

const [folder, model, passesText, batchText] = process.argv.slice(2)
const passes = Number(passesText)
const batch = Number(batchText)
const files = []
for (const d of readdirSync(folder).sort())
  for (const f of readdirSync(path.join(folder, d)).sort()) if (f.endsWith('.png')) files.push(path.join(folder, d, f))
const images = []
for (const f of files) images.push(Float32Array.from(await sharp(f).greyscale().raw().toBuffer()))
const total = images.length * passes
const batches = []
for (let at = 0; at < total; at += batch) {
  const n = Math.min(batch, total - at)
  const data = new Float32Array(n * 2304)
  for (let i = 0; i < n; i++) data.set(images[(at + i) % images.length], i * 2304)
  batches.push(new ort.Tensor('float32', data, [n, 1, 48, 48]))
}
const session = await ort.InferenceSession.create(model, { executionProviders: ['cpu'], graphOptimizationLevel: 'all' })
const name = session.inputNames[0]
await session.run({ [name]: batches[0] }) // warm-up
const t0 = performance.now()
for (const tensor of batches) await session.run({ [name]: tensor })
const loopMs = performance.now() - t0
console.log(JSON.stringify({ inferences: total, loopMs, processMs: performance.now() }))
