#!/usr/bin/env node
// tfjs evaluation throughput with the model on worker threads (issue 25 item 3), in one run.
// Build first (`npm run build`); writes to tools/bench/out/tfjs-workers/ (git-ignored).
//
//   node tools/bench/tfjs-workers.mjs [--samples 1000] [--batch 32] [--rounds 2] [--no-sweep]
//
// Model: the vendored real mini-Xception (fixtures/models/human-emotion/emotion.json, tfjs graph
// model, 64×64×1, card = preset mini-xception). Backend: whatever the tfjs runner picks (tfjs/wasm
// without tfjs-node); every variant runs on that backend. Data: a synthetic fer2013.csv of
// --samples PrivateTest rows (48×48, seeded smooth faces + noise), resized 48→64 by the card.
// Variants, interleaved (the order reversed every other round):
//   ferbench w0   : `ferbench eval --workers 0 --json` as a whole process (wall from spawn to exit, CPU
//                   of all its threads): the model on the main thread, as before --workers
//   ferbench w1   : the same with --workers 1
//   ferbench wN   : the same with no --workers: the default, one worker per core (N = os.availableParallelism())
//   bare 1        : the same batches preprocessed beforehand with ferbench's own functions; a loop of
//                   tf.tensor + GraphModel.execute + await data() + dispose on the main thread
//   bare N        : the same loop on N worker threads (each its own backend and model), batches dealt
//                   round-robin, N in flight: the most N engines can give without any pipeline
// images/s = samples × runs / summed wall time; CPU = user+system of all threads per run (the
// bare loops: of this process during the loop).
// Then (unless --no-sweep) the bare loop at batch 8, 32 and 128, and what creating and disposing
// one batch's input tensor costs beside its inference (the "tensor reuse" question).
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { isMainThread, parentPort, Worker } from 'node:worker_threads'
import { ROOT, opt } from './lib/cli.mjs'
import { blobFacesCsv } from './lib/synth.mjs'
import { measure } from './lib/measure.mjs'

const dist = (p) => import(path.join(ROOT, 'dist', p))
const MODEL = path.join(ROOT, 'fixtures', 'models', 'human-emotion', 'emotion.json')
const SIDE = 64

/** A bare engine on this thread: the runner's backend choice, the model loaded once, one batch per call. */
async function bareEngine() {
  const { chooseTfjsBackend } = await dist('runners/tfjsBackends.js')
  const { fileLoadHandler } = await dist('runners/tfjsModelFile.js')
  const chosen = await chooseTfjsBackend('cpu')
  const tf = await import('@tensorflow/tfjs-core')
  const tfconv = await import('@tensorflow/tfjs-converter')
  const model = await tfconv.loadGraphModel(fileLoadHandler(MODEL))
  return {
    backend: chosen.candidate.label,
    tf,
    async run(data, rows) {
      const x = tf.tensor(data, [rows, SIDE, SIDE, 1], 'float32')
      const y = model.execute(x)
      const out = await y.data()
      x.dispose()
      y.dispose()
      return out
    },
  }
}

if (!isMainThread) {
  // A bare worker: runs each batch posted to it, replies with its id.
  const engine = await bareEngine()
  parentPort.postMessage({ ready: engine.backend })
  parentPort.on('message', async ({ id, data, rows }) => {
    await engine.run(data, rows)
    parentPort.postMessage({ id })
  })
} else {
  await main()
}

async function main() {
  const { machineInfo } = await dist('base/provenance.js')
  const { createDataset } = await dist('datasets/registry.js')
  const { loadCard } = await dist('card/load.js')
  const { resolveCard } = await dist('card/resolve.js')
  const { prepareViews, writeTensor } = await dist('card/tensor.js')

  const num = (name, fallback) => {
    const value = opt(name, undefined)
    return value === undefined ? fallback : Number(value)
  }
  const samples = num('samples', 1000)
  const batch = num('batch', 32)
  const rounds = num('rounds', 2)
  const sweep = !process.argv.includes('--no-sweep')
  const cores = os.availableParallelism()

  const OUT = path.join(ROOT, 'tools', 'bench', 'out', 'tfjs-workers')
  mkdirSync(OUT, { recursive: true })
  const csv = blobFacesCsv(path.join(OUT, `fer2013-synthetic-${samples}.csv`), samples)

  // ---- the same batches, preprocessed beforehand with ferbench's own functions ----
  const source = loadCard(MODEL, { preset: 'mini-xception' })
  const resolved = resolveCard(source.card, { name: 'input_1', shape: [-1, SIDE, SIDE, 1] }, source.source)
  const list = []
  const adapter = await createDataset('fer2013', { data: csv })
  for await (const s of adapter.samples('PrivateTest')) list.push(s)
  const prepared = async (size) => {
    const out = []
    for (let i = 0; i < list.length; i += size) {
      const rows = Math.min(size, list.length - i)
      const data = new Float32Array(rows * SIDE * SIDE)
      for (let r = 0; r < rows; r++) {
        const [view] = await prepareViews(await list[i + r].load(), resolved)
        writeTensor(view, resolved, data, r * SIDE * SIDE)
      }
      out.push({ data, rows })
    }
    return out
  }
  const batches = await prepared(batch)

  // ---- the variants ----
  const bare = await bareEngine()
  const pool = []
  for (let i = 0; i < cores; i++) {
    const worker = new Worker(new URL(import.meta.url))
    await new Promise((resolve) => worker.once('message', resolve))
    pool.push(worker)
  }
  let nextId = 0
  const waiting = new Map()
  for (const w of pool) w.on('message', ({ id }) => waiting.get(id)?.())
  const onWorker = (worker, b) =>
    new Promise((resolve) => {
      const id = nextId++
      waiting.set(id, () => {
        waiting.delete(id)
        resolve()
      })
      const data = b.data.slice()
      worker.postMessage({ id, data, rows: b.rows }, [data.buffer])
    })

  let lastResult
  const ferbench = (workers) => async () => {
    const m = await measure(path.join(ROOT, 'bin', 'run.js'), [
      'eval',
      '--model',
      MODEL,
      '--preset',
      'mini-xception',
      '--data',
      csv,
      '--split',
      'PrivateTest',
      '--batch',
      String(batch),
      '--json',
      ...(workers === undefined ? [] : ['--workers', String(workers)]),
    ])
    if (m.code !== 0) throw new Error(`ferbench eval exited ${m.code}: ${m.stderr}`)
    lastResult = JSON.parse(m.stdout)
    if (lastResult.dataset.samples !== samples)
      throw new Error(`expected ${samples} samples, got ${lastResult.dataset.samples}`)
    return { ms: m.wallSeconds * 1000, cpuMs: m.cpuSeconds * 1000 }
  }
  const variants = [
    { name: 'ferbench w0 (main thread, as before)', run: ferbench(0) },
    { name: 'ferbench w1', run: ferbench(1) },
    { name: `ferbench w${cores} (default)`, run: ferbench(undefined) },
    {
      name: 'bare 1 (main thread)',
      run: async () => {
        for (const b of batches) await bare.run(b.data, b.rows)
      },
    },
    {
      name: `bare ${cores} (worker threads)`,
      run: async () => {
        const inFlight = []
        for (let i = 0; i < batches.length; i++) {
          inFlight.push(onWorker(pool[i % pool.length], batches[i]))
          if (inFlight.length > pool.length) await inFlight.shift()
        }
        await Promise.all(inFlight)
      },
    },
  ]
  /** Wall and CPU ms of one variant: what a CLI variant measured in its own process, else this process around the call. */
  const timed = async (fn) => {
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    const own = await fn()
    if (own) return own
    const ms = performance.now() - t0
    const c = process.cpuUsage(c0)
    return { ms, cpuMs: (c.user + c.system) / 1000 }
  }

  const loadStart = os.loadavg()
  console.error(
    `tfjs-workers: ${samples} rows, batch ${batch}, ${rounds} round(s), ${cores} core(s); load ${loadStart.map((l) => l.toFixed(1)).join(' ')}`,
  )
  for (const v of variants) await timed(v.run) // warm-up, not counted
  const totals = variants.map(() => ({ ms: 0, cpuMs: 0, runs: 0 }))
  const perRound = []
  for (let r = 0; r < rounds; r++) {
    const order = variants.map((_, i) => i)
    if (r % 2 === 1) order.reverse()
    const round = {}
    for (const i of order) {
      const t = await timed(variants[i].run)
      totals[i].ms += t.ms
      totals[i].cpuMs += t.cpuMs
      totals[i].runs += 1
      round[variants[i].name] = { ms: Math.round(t.ms), cpuMs: Math.round(t.cpuMs) }
      console.error(`  round ${r + 1}: ${variants[i].name}: ${Math.round(t.ms)} ms wall, ${Math.round(t.cpuMs)} ms CPU`)
    }
    perRound.push(round)
  }
  const loadEnd = os.loadavg()
  const ips = totals.map((t) => (samples * t.runs) / (t.ms / 1000))
  const [w0, w1, wN, bare1, bareN] = ips
  const names = variants.map((v) => v.name)
  const roundRatio = (a, b) => perRound.map((round) => round[names[b]].ms / round[names[a]].ms)
  const ratios = {
    defaultVsMainThread: wN / w0,
    defaultVsOneWorker: wN / w1,
    defaultVsBare1: wN / bare1,
    defaultVsBareN: wN / bareN,
    mainThreadVsBare1: w0 / bare1,
    bareNVsBare1: bareN / bare1,
    perRoundDefaultVsMainThread: roundRatio(2, 0),
  }

  // ---- batch sizes and the input tensor's own cost (bare loop, main thread) ----
  const sweepRows = []
  if (sweep) {
    for (const size of [8, 32, 128]) {
      const bs = size === batch ? batches : await prepared(size)
      await bare.run(bs[0].data, bs[0].rows)
      const t = await timed(async () => {
        for (const b of bs) await bare.run(b.data, b.rows)
      })
      const tensorMs = await timed(async () => {
        for (const b of bs) {
          const x = bare.tf.tensor(b.data, [b.rows, SIDE, SIDE, 1], 'float32')
          x.dispose()
        }
      })
      sweepRows.push({
        batch: size,
        imagesPerSecond: samples / (t.ms / 1000),
        tensorCreateDisposeMsPerBatch: tensorMs.ms / bs.length,
        inferMsPerBatch: t.ms / bs.length,
      })
    }
  }
  for (const w of pool) await w.terminate()

  const machine = machineInfo()
  const report = {
    machine,
    samples,
    batch,
    rounds,
    cores,
    backend: bare.backend,
    runnerBackend: lastResult.runner.backend,
    runnerWorkers: lastResult.runner.workers ?? null,
    loadAverage: { start: loadStart, end: loadEnd },
    variants: variants.map((v, i) => ({
      name: v.name,
      imagesPerSecond: ips[i],
      msPerRun: totals[i].ms / totals[i].runs,
      cpuMsPerRun: totals[i].cpuMs / totals[i].runs,
    })),
    ratios,
    perRound,
    sweep: sweepRows,
  }
  writeFileSync(path.join(OUT, 'tfjs-workers.json'), `${JSON.stringify(report, null, 2)}\n`)
  const f = (x, d = 0) => x.toFixed(d)
  const lines = [
    `machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; backend ${bare.backend}; ${samples} PrivateTest rows, batch ${batch}, ${rounds} round(s); load average ${loadStart.map((l) => f(l, 1)).join(' ')} → ${loadEnd.map((l) => f(l, 1)).join(' ')}`,
    '',
    '| variant | images/s | wall s per run | CPU s per run |',
    '| --- | ---: | ---: | ---: |',
    ...report.variants.map(
      (v) => `| ${v.name} | ${f(v.imagesPerSecond, 1)} | ${f(v.msPerRun / 1000, 2)} | ${f(v.cpuMsPerRun / 1000, 2)} |`,
    ),
    '',
    `ferbench w${cores} / w0 (today): ${f(ratios.defaultVsMainThread, 2)} (per round ${ratios.perRoundDefaultVsMainThread.map((x) => f(x, 2)).join(', ')}); / w1: ${f(ratios.defaultVsOneWorker, 2)}; / bare 1: ${f(ratios.defaultVsBare1, 2)}; / bare ${cores}: ${f(ratios.defaultVsBareN, 2)}`,
    `ferbench w0 / bare 1: ${f(ratios.mainThreadVsBare1, 2)}; bare ${cores} / bare 1: ${f(ratios.bareNVsBare1, 2)}`,
  ]
  if (sweepRows.length > 0)
    lines.push(
      '',
      '| bare loop batch | images/s | inference ms per batch | tf.tensor + dispose ms per batch |',
      '| ---: | ---: | ---: | ---: |',
      ...sweepRows.map(
        (s) =>
          `| ${s.batch} | ${f(s.imagesPerSecond, 1)} | ${f(s.inferMsPerBatch, 1)} | ${f(s.tensorCreateDisposeMsPerBatch, 3)} |`,
      ),
    )
  writeFileSync(path.join(OUT, 'tfjs-workers.md'), `${lines.join('\n')}\n`)
  console.log(lines.join('\n'))
}
