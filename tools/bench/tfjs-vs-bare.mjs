#!/usr/bin/env node
// tfjs runner overhead: ferbench's tfjs runner against a bare loop calling model.execute on the
// same batches, in one run, plus the per-stage time split of full `eval` runs. Build first
// (`npm run tools`); models and data are written to tools/bench/out/tfjs (git-ignored).
//
//   node tools/bench/tfjs-vs-bare.mjs [--batch 32] [--batches 40] [--rounds 6] [--samples 2000] [--memory-samples 35887]
//
// Model: the tinyconv network (tools/fixtures/tfjsFixture.ts) at 64×64×1 as a tfjs graph model,
// backend wasm (what the runner picks without tfjs-node).
//   runner : createRunner(model.json).run(batch, dims) — tensor in, execute, data() out, dispose;
//   bare   : tf.tensor + model.execute + await data() + dispose on the same Float32Array batches,
//            the model loaded once with tfjs-converter's loadGraphModel.
// Interleaved ABBA blocks (`rounds` × 2 each) so drift hits both alike; ratio = runner / bare throughput.
// Then eval on a fer2013.csv of --samples rows (fixture rows repeated) with the 64×64 tfjs model and
// with the 48×48 ONNX tinyconv, reporting timing.stagesMs; and a memory check over --memory-samples
// samples (35,887 = all of FER2013) of runner.run calls: live tensors and RSS before/after.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { ROOT, opt } from './lib/cli.mjs'

const dist = (p) => import(path.join(ROOT, 'dist', p))
const tools = (p) => import(path.join(ROOT, 'tools', 'dist', 'tools', p))
const tf = await import('@tensorflow/tfjs-core')
const tfconv = await import('@tensorflow/tfjs-converter')
const { createRunner } = await dist('runners/registry.js')
const { fileLoadHandler } = await dist('runners/tfjsModelFile.js')
const { tinyConvWeights, tinyConvGraphModel, tinyConvCard, writeTfjsFiles } = await tools('fixtures/tfjsFixture.js')
const { seededRandom } = await dist('base/prng.js')
const { evaluate } = await dist('engine/evaluate.js')
const { evalSpec } = await dist('engine/spec.js')
const { machineInfo } = await dist('base/provenance.js')

const num = (name, fallback) => {
  const value = opt(name, undefined)
  return value === undefined ? fallback : Number(value)
}
const batch = num('batch', 32)
const nBatches = num('batches', 40)
const rounds = num('rounds', 6)
const samples = num('samples', 2000)
const memorySamples = num('memory-samples', 35887)
const side = 64

const OUT = path.join(ROOT, 'tools', 'bench', 'out', 'tfjs')
const modelDir = path.join(OUT, 'tinyconv64-graph')
writeTfjsFiles(modelDir, tinyConvGraphModel(tinyConvWeights(side)), tinyConvCard)
const modelJson = path.join(modelDir, 'model.json')

// The same batches for both contenders: seeded values in 0–1.
const random = seededRandom(64)
const dims = [batch, side, side, 1]
const batches = Array.from({ length: nBatches }, () =>
  Float32Array.from({ length: batch * side * side }, () => random()),
)

const runner = await createRunner(modelJson, { device: 'cpu' })
const bare = await tfconv.loadGraphModel(fileLoadHandler(modelJson))
console.error(`backend: ${runner.info.backend} (${tf.getBackend()}), notes: ${runner.info.notes.join('; ') || 'none'}`)

async function runnerBlock() {
  for (const b of batches) await runner.run(b, dims)
}
async function bareBlock() {
  for (const b of batches) {
    const x = tf.tensor(b, dims, 'float32')
    const y = bare.execute(x)
    await y.data()
    x.dispose()
    y.dispose()
  }
}
async function timed(fn) {
  const t0 = performance.now()
  await fn()
  return performance.now() - t0
}

await runnerBlock()
await bareBlock()
const ms = { runner: 0, bare: 0 }
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? ['runner', 'bare', 'bare', 'runner'] : ['bare', 'runner', 'runner', 'bare']
  for (const who of order) ms[who] += await timed(who === 'runner' ? runnerBlock : bareBlock)
}
const images = rounds * 2 * nBatches * batch
const throughput = { runner: images / (ms.runner / 1000), bare: images / (ms.bare / 1000) }
const ratio = throughput.runner / throughput.bare

// Memory over a FER2013-sized run of runner calls.
const tensorsBefore = tf.memory().numTensors
const rssBefore = process.memoryUsage().rss
for (let done = 0, i = 0; done < memorySamples; done += batch, i++) await runner.run(batches[i % nBatches], dims)
const memory = {
  samples: memorySamples,
  tensorsBefore,
  tensorsAfter: tf.memory().numTensors,
  rssBeforeMB: rssBefore / 2 ** 20,
  rssAfterMB: process.memoryUsage().rss / 2 ** 20,
}
await runner.release()
bare.dispose()

// Per-stage split of whole eval runs on a larger fer2013.csv (the fixture rows repeated).
const fixtureCsv = readFileSync(path.join(ROOT, 'fixtures', 'fer2013', 'fer2013.csv'), 'utf8')
  .trim()
  .split('\n')
const body = fixtureCsv.slice(1).map((line) => line.replace(/,(Training|PublicTest)\s*$/, ',PrivateTest'))
const rows = Array.from({ length: samples }, (_, i) => body[i % body.length])
const csv = path.join(OUT, 'fer2013-bench.csv')
writeFileSync(csv, `${fixtureCsv[0]}\n${rows.join('\n')}\n`)
const evals = []
for (const [label, model] of [
  ['tfjs graph 64×64 (resize 48→64)', modelJson],
  ['onnx tinyconv 48×48', path.join(ROOT, 'fixtures', 'models', 'tinyconv.onnx')],
]) {
  const result = await evaluate(
    evalSpec({
      model,
      dataset: 'fer2013',
      data: csv,
      split: 'PrivateTest',
      batch,
      device: 'cpu',
      extraClasses: 'drop',
    }),
  )
  evals.push({
    label,
    backend: result.runner.backend,
    samples: result.dataset.samples,
    imagesPerSecond: result.timing.imagesPerSecond,
    stagesMs: result.timing.stagesMs,
  })
}

const machine = machineInfo()
const report = {
  machine,
  backend: runner.info.backend,
  batch,
  batchesPerBlock: nBatches,
  rounds,
  images,
  ms,
  throughput,
  ratio,
  memory,
  evals,
}
mkdirSync(OUT, { recursive: true })
writeFileSync(path.join(OUT, 'tfjs-vs-bare.json'), `${JSON.stringify(report, null, 2)}\n`)
const f = (x, d = 0) => x.toFixed(d)
const lines = [
  `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.os} ${machine.arch}, Node ${machine.node}`,
  '',
  `| contender (tinyconv 64×64, ${runner.info.backend}, batch ${batch}) | images/s | ratio to bare |`,
  '| --- | ---: | ---: |',
  `| bare loop: tf.tensor + model.execute + data() | ${f(throughput.bare)} | 1.00 |`,
  `| ferbench tfjs runner: runner.run | ${f(throughput.runner)} | ${ratio.toFixed(2)} |`,
  '',
  `memory over ${memorySamples} samples of runner.run: live tensors ${memory.tensorsBefore} → ${memory.tensorsAfter}, RSS ${f(memory.rssBeforeMB)} → ${f(memory.rssAfterMB)} MB`,
  '',
  '| eval run | samples | images/s | read ms | preprocess ms | infer ms | metrics ms |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...evals.map(
    (e) =>
      `| ${e.label} (${e.backend}) | ${e.samples} | ${f(e.imagesPerSecond)} | ${f(e.stagesMs.read)} | ${f(e.stagesMs.preprocess)} | ${f(e.stagesMs.infer)} | ${f(e.stagesMs.metrics)} |`,
  ),
]
writeFileSync(path.join(OUT, 'tfjs-vs-bare.md'), `${lines.join('\n')}\n`)
console.log(lines.join('\n'))
