#!/usr/bin/env node
// Evaluation throughput of ferbench against a bare inference loop, in one run (issue 4, "Speed").
// Build first (`npm run tools`); everything is written to tools/bench/out/tfjs-eval (git-ignored).
//
//   node tools/bench/tfjs-eval.mjs [--samples 3000] [--batch 32] [--rounds 3] [--concurrency 4] [--no-onnx] [--no-tfjs]
//
// Model: a mini-Xception (Arriaga et al. 2017; the architecture of tools/replicas/miniXception.ts)
// built with @tensorflow/tfjs-layers, 64×64×1 NHWC, seeded random weights, saved as a tfjs layers
// model through a save IOHandler that writes with ferbench's writeTfjsFiles. Backend: whatever the
// runner picks (tfjs/wasm without tfjs-node); the bare loop runs on the same backend.
// Data: a synthetic fer2013.csv of --samples PrivateTest rows (48×48, seeded smooth faces + noise).
//   ferbench : evaluate() end to end — CSV read/parse → preprocess 48→64 bilinear, symmetric scale →
//              tfjs infer → metrics; images/s = samples / wall time of the evaluate() call
//              (it includes model load, sha256 of the model file and backend setup).
//   bare     : the same samples preprocessed once beforehand (ferbench's prepareViews + writeTensor,
//              the same batches of --batch rows); timed loop of tf.tensor + model.predict + await
//              data() + dispose per batch, the model loaded once. images/s = samples / loop time.
// Interleaved ABBA rounds (--rounds × 2 each) so machine drift hits both alike; ratio = ferbench / bare
// over the summed times; then one serial run (--concurrency 1) for the exact per-stage split. Then the same for the mini-Xception ONNX replica (npm run replicas; written
// on demand) with onnxruntime-node: evaluate() vs a bare session.run loop, with the per-stage split.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { ROOT, opt } from './lib/cli.mjs'
import { blobFacesCsv } from './lib/synth.mjs'

const dist = (p) => import(path.join(ROOT, 'dist', p))
const tools = (p) => import(path.join(ROOT, 'tools', 'dist', 'tools', p))
const tf = await import('@tensorflow/tfjs-core')
const tfl = await import('@tensorflow/tfjs-layers')
const ort = (await import('onnxruntime-node')).default
const { chooseTfjsBackend } = await dist('runners/tfjsBackends.js')
const { fileLoadHandler } = await dist('runners/tfjsModelFile.js')
const { writeTfjsFiles } = await tools('fixtures/tfjsFixture.js')
const { seededRandom } = await dist('base/prng.js')
const { evaluate } = await dist('engine/evaluate.js')
const { evalSpec } = await dist('engine/spec.js')
const { machineInfo } = await dist('base/provenance.js')
const { createDataset } = await dist('datasets/registry.js')
const { loadCard } = await dist('card/load.js')
const { resolveCard } = await dist('card/resolve.js')
const { prepareViews, writeTensor } = await dist('card/tensor.js')
const { writeReplicas, replicaPath } = await tools('replicas/generate.js')
const { REPLICAS } = await tools('replicas/index.js')

const args = process.argv.slice(2)
const num = (name, fallback) => {
  const value = opt(name, undefined)
  return value === undefined ? fallback : Number(value)
}
const samples = num('samples', 3000)
const batch = num('batch', 32)
const rounds = num('rounds', 3)
const concurrency = num('concurrency', undefined)
const withOnnx = !args.includes('--no-onnx')
const withTfjs = !args.includes('--no-tfjs')
const SIDE = 64
const FER2013_LABELS = ['anger', 'disgust', 'fear', 'happiness', 'sadness', 'surprise', 'neutral']

const OUT = path.join(ROOT, 'tools', 'bench', 'out', 'tfjs-eval')
mkdirSync(OUT, { recursive: true })

// ---- synthetic FER2013 CSV -------------------------------------------------------------------
const csv = blobFacesCsv(path.join(OUT, `fer2013-synthetic-${samples}.csv`), samples)

// ---- mini-Xception as a tfjs layers model ----------------------------------------------------
const chosen = await chooseTfjsBackend('cpu')
const modelDir = path.join(OUT, 'mini-xception-layers')
const modelJson = path.join(modelDir, 'model.json')
const card = {
  $comment: 'Bench model: mini-Xception architecture (Arriaga et al. 2017) with seeded random weights; speed only.',
  input: { height: SIDE, width: SIDE, channels: 1, layout: 'NHWC' },
  scale: 'symmetric',
  resize: 'bilinear',
  tta: 'none',
  labels: FER2013_LABELS,
  output: 'logits',
}
{
  const L = tfl.layers
  const input = tfl.input({ shape: [SIDE, SIDE, 1], name: 'image' })
  const bnRelu = (t) => L.activation({ activation: 'relu' }).apply(L.batchNormalization().apply(t))
  let x = bnRelu(L.conv2d({ filters: 8, kernelSize: 3, padding: 'valid', useBias: false }).apply(input))
  x = bnRelu(L.conv2d({ filters: 8, kernelSize: 3, padding: 'valid', useBias: false }).apply(x))
  for (const c of [16, 32, 64, 128]) {
    const residual = L.batchNormalization().apply(
      L.conv2d({ filters: c, kernelSize: 1, strides: 2, padding: 'same', useBias: false }).apply(x),
    )
    x = bnRelu(L.separableConv2d({ filters: c, kernelSize: 3, padding: 'same', useBias: false }).apply(x))
    x = L.batchNormalization().apply(
      L.separableConv2d({ filters: c, kernelSize: 3, padding: 'same', useBias: false }).apply(x),
    )
    x = L.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }).apply(x)
    x = L.add().apply([x, residual])
  }
  x = L.conv2d({ filters: 7, kernelSize: 3, padding: 'same', useBias: true }).apply(x)
  x = L.globalAveragePooling2d({}).apply(x)
  const model = tfl.model({ inputs: input, outputs: x, name: 'mini_xception_bench' })
  const random = seededRandom(1710)
  const u = (a) => (random() * 2 - 1) * a
  model.setWeights(
    model.weights.map((w) => {
      const n = w.shape.reduce((a, b) => a * b, 1)
      const name = w.originalName ?? w.name
      const fanIn = w.shape.length === 4 ? w.shape[0] * w.shape[1] * (name.includes('depthwise') ? 1 : w.shape[2]) : 1
      const values = Float32Array.from({ length: n }, () =>
        name.includes('gamma')
          ? 1 + u(0.1)
          : name.includes('moving_variance')
            ? 1 + u(0.2)
            : name.includes('beta') || name.includes('moving_mean') || name.includes('bias')
              ? u(0.1)
              : u(Math.sqrt(6 / fanIn)),
      )
      return tf.tensor(values, w.shape)
    }),
  )
  const SHARD = 'group1-shard1of1.bin'
  await model.save({
    async save(artifacts) {
      const data = Array.isArray(artifacts.weightData)
        ? tf.io.concatenateArrayBuffers(artifacts.weightData)
        : artifacts.weightData
      writeTfjsFiles(
        modelDir,
        {
          modelJson: {
            format: 'layers-model',
            generatedBy: 'ferbench tools/bench/tfjs-eval.mjs (mini-Xception, seeded weights)',
            convertedBy: null,
            modelTopology: artifacts.modelTopology,
            weightsManifest: [{ paths: [SHARD], weights: artifacts.weightSpecs }],
          },
          shards: { [SHARD]: new Uint8Array(data) },
        },
        card,
      )
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }
    },
  })
  model.dispose()
}

// ---- the same batches, preprocessed beforehand with ferbench's own functions ------------------
async function preparedBatches(modelPath, layoutDims) {
  const source = loadCard(modelPath, {})
  const adapter = await createDataset('fer2013', { data: csv })
  const list = []
  for await (const s of adapter.samples('PrivateTest')) list.push(s)
  const resolved = resolveCard(source.card, { name: 'image', shape: [-1, ...layoutDims] }, source.source)
  const rowFloats = SIDE * SIDE
  const out = []
  for (let i = 0; i < list.length; i += batch) {
    const rows = Math.min(batch, list.length - i)
    const buf = new Float32Array(rows * rowFloats)
    for (let r = 0; r < rows; r++) {
      const [view] = await prepareViews(await list[i + r].load(), resolved)
      writeTensor(view, resolved, buf, r * rowFloats)
    }
    out.push({ data: buf, rows })
  }
  return out
}

const f = (x, d = 0) => x.toFixed(d)

async function compare(label, modelPath, bareFactory, layoutDims) {
  const batches = await preparedBatches(modelPath, layoutDims)
  const bare = await bareFactory()
  const runFerbench = async (ahead = concurrency) => {
    const t0 = performance.now()
    const r = await evaluate(
      evalSpec({
        model: modelPath,
        dataset: 'fer2013',
        data: csv,
        split: 'PrivateTest',
        batch,
        device: 'cpu',
        extraClasses: 'drop',
        ...(ahead ? { concurrency: ahead } : {}),
      }),
    )
    return { ms: performance.now() - t0, result: r }
  }
  const runBare = async () => {
    const t0 = performance.now()
    for (const b of batches) await bare.run(b.data, [b.rows, ...layoutDims])
    return { ms: performance.now() - t0 }
  }
  // Warm-up: one of each, not counted.
  await runFerbench()
  await runBare()
  const ms = { ferbench: 0, bare: 0 }
  const stages = { read: 0, preprocess: 0, infer: 0, metrics: 0 }
  let last
  const perRunMs = []
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? ['ferbench', 'bare', 'bare', 'ferbench'] : ['bare', 'ferbench', 'ferbench', 'bare']
    for (const who of order) {
      if (who === 'bare') {
        const t = (await runBare()).ms
        ms.bare += t
        perRunMs.push(['bare', Math.round(t)])
      } else {
        const { ms: t, result } = await runFerbench()
        ms.ferbench += t
        perRunMs.push(['ferbench', Math.round(t)])
        for (const k of Object.keys(stages)) stages[k] += result.timing.stagesMs[k]
        last = result
      }
    }
  }
  // The exact per-stage split: one more run with --concurrency 1, where nothing overlaps, so the
  // stages add up to the loop's time (with prefetch the per-sample read/preprocess clocks also count
  // time spent waiting behind inference on the one JS thread, so they overlap and overstate).
  const serial = await runFerbench(1)
  await bare.dispose()
  console.error(
    `${label}: runs in order (ms): ${perRunMs.map(([w, t]) => `${w} ${t}`).join(', ')}; serial ${Math.round(serial.ms)}`,
  )
  const runs = rounds * 2
  const images = runs * last.dataset.samples
  const throughput = { ferbench: images / (ms.ferbench / 1000), bare: images / (ms.bare / 1000) }
  const perRun = Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, v / runs]))
  return {
    label,
    backend: last.runner.backend,
    samples: last.dataset.samples,
    runs,
    msPerRun: { ferbench: ms.ferbench / runs, bare: ms.bare / runs },
    runsInOrderMs: perRunMs,
    throughput,
    ratio: throughput.ferbench / throughput.bare,
    stagesMsPerRun: perRun,
    serial: {
      wallMs: serial.ms,
      imagesPerSecond: serial.result.dataset.samples / (serial.ms / 1000),
      stagesMs: serial.result.timing.stagesMs,
    },
    accuracy: last.metrics.accuracy,
  }
}

const results = []
if (withTfjs)
  results.push(
    await compare(
      'mini-Xception tfjs layers 64×64',
      modelJson,
      async () => {
        const model = await tfl.loadLayersModel(fileLoadHandler(modelJson))
        return {
          async run(data, dims) {
            const x = tf.tensor(data, dims, 'float32')
            const y = model.predict(x)
            await y.data()
            x.dispose()
            y.dispose()
          },
          dispose: () => model.dispose(),
        }
      },
      [SIDE, SIDE, 1],
    ),
  )

if (withOnnx) {
  const replica = REPLICAS.find((r) => r.id === 'mini-xception')
  const onnxPath = replicaPath(replica)
  if (!existsSync(onnxPath)) writeReplicas(undefined, ['mini-xception'])
  results.push(
    await compare(
      'mini-Xception ONNX replica 64×64',
      onnxPath,
      async () => {
        const session = await ort.InferenceSession.create(onnxPath, { executionProviders: ['cpu'] })
        const name = session.inputNames[0]
        return {
          async run(data, dims) {
            await session.run({ [name]: new ort.Tensor('float32', data, dims) })
          },
          dispose: () => session.release(),
        }
      },
      [1, SIDE, SIDE],
    ),
  )
}

const machine = machineInfo()
const report = {
  machine,
  samples,
  batch,
  rounds,
  concurrency: concurrency ?? 'default',
  tfjsBackend: chosen.candidate.label,
  results,
}
writeFileSync(path.join(OUT, 'tfjs-eval.json'), `${JSON.stringify(report, null, 2)}\n`)
const lines = [
  `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.os} ${machine.arch}, Node ${machine.node}; ${samples} PrivateTest rows, batch ${batch}, ${rounds * 2} runs of each, interleaved`,
  '',
  '| model (backend) | ferbench eval images/s | bare loop images/s | ratio | read ms* | preprocess ms* | infer ms | metrics ms | eval wall ms |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...results.map(
    (r) =>
      `| ${r.label} (${r.backend}) | ${f(r.throughput.ferbench)} | ${f(r.throughput.bare)} | ${r.ratio.toFixed(2)} | ${f(r.stagesMsPerRun.read)} | ${f(r.stagesMsPerRun.preprocess)} | ${f(r.stagesMsPerRun.infer)} | ${f(r.stagesMsPerRun.metrics)} | ${f(r.msPerRun.ferbench)} |`,
  ),
]
lines.push(
  '',
  `\\* ms per run, per-sample clocks summed with the prefetch on (--concurrency ${concurrency ?? 'default'}): they include waits behind inference, so they overlap.`,
)
const pct = (r, k) => `${f(r.serial.stagesMs[k])} (${f((100 * r.serial.stagesMs[k]) / r.serial.wallMs, 1)}%)`
lines.push(
  '',
  'Per-stage split of one serial run (--concurrency 1: stages do not overlap; % of the evaluate() wall time):',
  '',
  '| model (backend) | images/s | read ms | preprocess ms | infer ms | metrics ms | evaluate() wall ms |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...results.map(
    (r) =>
      `| ${r.label} (${r.backend}) | ${f(r.serial.imagesPerSecond)} | ${pct(r, 'read')} | ${pct(r, 'preprocess')} | ${pct(r, 'infer')} | ${pct(r, 'metrics')} | ${f(r.serial.wallMs)} |`,
  ),
)
writeFileSync(path.join(OUT, 'tfjs-eval.md'), `${lines.join('\n')}\n`)
console.log(lines.join('\n'))
