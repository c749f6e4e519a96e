#!/usr/bin/env node
// Overhead benchmark: `ferbench speed` against a raw onnxruntime-node loop on the same model,
// batch and threads, in one run. Build first (`npm run tools`); replicas are generated on demand
// into tools/bench/out/replicas (git-ignored).
//
//   node tools/bench/overhead.mjs [--models id,id] [--batches 1,32] [--threads 1] [--rounds 20] [--block-s 0.25] [--cli-runs 2]
//
// Contenders, all on the same model, synthetic batch, intra-op threads, cpu, graph optimisation 'all':
//   ferbench : the runner ferbench creates (runner registry) timed by timeCell() — the exact timed
//              loop of benchmark(), which `ferbench speed` calls;
//   raw ort  : InferenceSession.run on a tensor made once, timed with performance.now();
//   CLI      : `node bin/run.js speed --json` in a child process, a few whole runs (coarse check:
//              it cannot be interleaved finely because each run is a new process and session).
// ferbench and raw run in ABBA-interleaved blocks (`rounds` × 2 blocks each, about --block-s
// seconds per block, 1 untimed call before each block of 3 calls or more), so drift and neighbours on a shared
// machine hit both alike. Reported: mean latency of all timed calls, and ratio = ferbench / raw.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as ort from 'onnxruntime-node'
import { ROOT, opt } from './lib/cli.mjs'

const { syntheticBatch, timeCell } = await import(path.join(ROOT, 'dist/engine/speedBenchmark.js'))
const { createRunner } = await import(path.join(ROOT, 'dist/runners/registry.js'))
const { REPLICAS } = await import(path.join(ROOT, 'tools/dist/tools/replicas/index.js'))
const { writeReplicas, replicaPath } = await import(path.join(ROOT, 'tools/dist/tools/replicas/generate.js'))
const { machineInfo } = await import(path.join(ROOT, 'dist/base/provenance.js'))

const ids = opt('models', REPLICAS.map((r) => r.id).join(',')).split(',')
const batches = opt('batches', '1,32').split(',').map(Number)
const threads = Number(opt('threads', '1'))
const rounds = Number(opt('rounds', '20'))
const blockS = Number(opt('block-s', '0.25'))
const cliRuns = Number(opt('cli-runs', '2'))
const withCli = cliRuns > 0
const WARMUP = 1

const missing = REPLICAS.filter((r) => ids.includes(r.id) && !existsSync(replicaPath(r)))
if (missing.length > 0)
  writeReplicas(
    undefined,
    missing.map((r) => r.id),
  )

async function rawLoop(session, input, iterations, warmup = WARMUP) {
  const tensor = new ort.Tensor('float32', input.data, input.dims)
  const feeds = { [session.inputNames[0]]: tensor }
  for (let i = 0; i < warmup; i++) await session.run(feeds)
  const latencies = new Float64Array(iterations)
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now()
    await session.run(feeds)
    latencies[i] = performance.now() - t0
  }
  return latencies
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

const rows = []
for (const id of ids) {
  const replica = REPLICAS.find((r) => r.id === id)
  if (!replica) throw new Error(`unknown replica ${id}`)
  const model = replicaPath(replica)
  const session = await ort.InferenceSession.create(model, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: threads,
  })
  for (const batch of batches) {
    const [c, h, w] = replica.input
    const dims = [batch, c, h, w]
    const card = {
      input: { height: h, width: w, channels: c, layout: 'NCHW', name: session.inputNames[0] },
      scale: replica.card.scale,
      mean: undefined,
      std: undefined,
    }
    const input = syntheticBatch(card, batch)
    if (input.dims.join() !== dims.join()) throw new Error('shape mismatch')
    // probe: iterations so that one block lasts about blockS seconds
    const probe = await rawLoop(session, input, 3)
    const iterations = Math.max(1, Math.round((blockS * 1000) / median(probe)))
    // heavy cells (e.g. VGG19 at batch 32, ~1 s per call): one call per block, no per-block warm-up
    // (the sessions are warm), and fewer rounds so that one cell stays under about a minute
    const warmup = iterations >= 3 ? WARMUP : 0
    const cellRounds = Math.max(6, Math.min(rounds, Math.floor(60_000 / (2 * iterations * median(probe)))))
    const runner = await createRunner(model, { device: 'cpu', threads })
    const samples = { core: [], cli: [], raw: [] }
    const contenders = {
      raw: async () => {
        const c0 = process.cpuUsage()
        const latencies = await rawLoop(session, input, iterations, warmup)
        const cpu = process.cpuUsage(c0)
        samples.raw.push({
          mean: latencies.reduce((a, b) => a + b, 0) / latencies.length,
          n: latencies.length,
          cpuMs: (cpu.user + cpu.system) / 1000 / (latencies.length + warmup),
        })
      },
      core: async () => {
        const c0 = process.cpuUsage()
        const timed = await timeCell(runner, input, { warmup, minIterations: iterations, minDurationS: 0 })
        const cpu = process.cpuUsage(c0)
        const n = timed.latenciesMs.length
        samples.core.push({
          mean: timed.latenciesMs.reduce((a, b) => a + b, 0) / n,
          n,
          cpuMs: (cpu.user + cpu.system) / 1000 / (n + warmup),
        })
      },
      cli: async () => {
        const out = execFileSync(
          process.execPath,
          [
            path.join(ROOT, 'bin/run.js'),
            'speed',
            '--model',
            model,
            '--batch',
            String(batch),
            '--threads',
            String(threads),
            '--warmup',
            String(warmup > 0 ? 5 : 1),
            '--iterations',
            String(Math.max(2, iterations * 2)),
            '--duration',
            '0',
            '--json',
          ],
          { encoding: 'utf8', maxBuffer: 1 << 26 },
        )
        const cell = JSON.parse(out).results[0]
        samples.cli.push({ mean: cell.latencyMs.mean, n: cell.iterations })
      },
    }
    const cliAt = new Set(
      Array.from({ length: cliRuns }, (_, i) => Math.floor(((i + 0.5) * cellRounds) / Math.max(1, cliRuns))),
    )
    for (let round = 0; round < cellRounds; round++) {
      const order = round % 2 === 0 ? ['core', 'raw'] : ['raw', 'core']
      for (const k of order) await contenders[k]()
      if (withCli && cliAt.has(round)) await contenders.cli()
      process.stderr.write(`\r${id} batch ${batch}: round ${round + 1}/${cellRounds}   `)
    }
    await runner.release()
    const pooled = (blocks) => blocks.reduce((a, b) => a + b.mean * b.n, 0) / blocks.reduce((a, b) => a + b.n, 0)
    const rawMean = pooled(samples.raw)
    // per round, the two blocks ran back to back: their ratio is robust to slow drifts and bursts
    const paired = median(samples.core.map((c, i) => c.mean / samples.raw[i].mean))
    const row = {
      model: id,
      batch,
      threads,
      iterationsPerBlock: iterations,
      rounds: cellRounds,
      rawMeanMs: rawMean,
      coreMeanMs: pooled(samples.core),
      coreRatio: pooled(samples.core) / rawMean,
      pairedMedianRatio: paired,
      // CPU time of the process per call (user + system, all threads): insensitive to waiting for a busy CPU
      rawCpuMs: median(samples.raw.map((b) => b.cpuMs)),
      coreCpuMs: median(samples.core.map((b) => b.cpuMs)),
      cpuRatio: median(samples.core.map((c, i) => c.cpuMs / samples.raw[i].cpuMs)),
      ...(withCli ? { cliMeanMs: pooled(samples.cli), cliRatio: pooled(samples.cli) / rawMean } : {}),
    }
    rows.push(row)
    process.stderr.write(
      `\r${id} batch ${batch}: raw ${rawMean.toFixed(3)} ms, core ×${row.coreRatio.toFixed(3)} (paired median ×${row.pairedMedianRatio.toFixed(3)}, CPU ×${row.cpuRatio.toFixed(3)})${withCli ? `, cli ×${row.cliRatio.toFixed(3)}` : ''}\n`,
    )
  }
  await session.release()
}

const m = machineInfo()
const machine =
  `${m.cpu}, ${m.cores} cores (${os.loadavg()[0].toFixed(2)} load at end), ${m.os}, Node ${m.node}, onnxruntime-node ${ort.env.versions?.node ?? ''}`.replace(
    /, onnxruntime-node $/,
    '',
  )
const fmt = (x) => (x >= 100 ? x.toFixed(1) : x >= 10 ? x.toFixed(2) : x.toFixed(3))
const pct = (r) => `${r >= 1 ? '+' : ''}${((r - 1) * 100).toFixed(1)}%`
const head = [
  'model',
  'batch',
  'threads',
  'calls × blocks',
  'raw ort ms',
  'ferbench ms',
  'ferbench vs raw (means)',
  'median of paired blocks',
  'CPU ms/call raw → ferbench',
  'CPU vs raw',
  ...(withCli ? ['CLI ms (coarse)', 'CLI vs raw'] : []),
]
const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => ' --- ').join('|')}|`]
for (const r of rows) {
  lines.push(
    `| ${[r.model, r.batch, r.threads, `${r.iterationsPerBlock} × ${r.rounds}`, fmt(r.rawMeanMs), fmt(r.coreMeanMs), pct(r.coreRatio), pct(r.pairedMedianRatio), `${fmt(r.rawCpuMs)} → ${fmt(r.coreCpuMs)}`, pct(r.cpuRatio), ...(withCli ? [fmt(r.cliMeanMs), pct(r.cliRatio)] : [])].join(' | ')} |`,
  )
}
const markdown = `Machine: ${machine}\n\n${lines.join('\n')}\n`
console.log(markdown)
mkdirSync(path.join(ROOT, 'tools', 'bench', 'out'), { recursive: true })
writeFileSync(
  path.join(ROOT, 'tools', 'bench', 'out', 'overhead.json'),
  `${JSON.stringify({ machine: m, rows }, null, 2)}\n`,
)
writeFileSync(path.join(ROOT, 'tools', 'bench', 'out', 'overhead.md'), markdown)
