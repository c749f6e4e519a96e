#!/usr/bin/env node
// Claimed vs measured size and speed of the seed models, on their architecture replicas.
// Build first (`npm run tools`); replicas are generated on demand into tools/bench/out/replicas.
//
//   node tools/bench/claims.mjs [--threads 1] [--iterations 50] [--duration 3]
//
// Runs benchmark() (what `ferbench speed` runs) at batch 1 on each replica and prints a markdown
// table: claim (src/compare/claimsData.ts, docs/claims.md) beside the measured file size, parameters, MACs, batch-1
// latency and FPS (= 1000 / mean latency; 1000 / p50 beside it, less sensitive to a busy shared
// machine), with the machine. Writes tools/bench/out/claims.{json,md}.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { ROOT, opt } from './lib/cli.mjs'

const { benchmark } = await import(path.join(ROOT, 'dist/engine/speedBenchmark.js'))
const { speedSpec } = await import(path.join(ROOT, 'dist/engine/speedSpec.js'))
const { REPLICAS } = await import(path.join(ROOT, 'tools/dist/tools/replicas/index.js'))
const { writeReplicas, replicaPath } = await import(path.join(ROOT, 'tools/dist/tools/replicas/generate.js'))

const threads = opt('threads', undefined)
const iterations = Number(opt('iterations', '50'))
const duration = Number(opt('duration', '3'))

const missing = REPLICAS.filter((r) => !existsSync(replicaPath(r)))
if (missing.length > 0)
  writeReplicas(
    undefined,
    missing.map((r) => r.id),
  )

const rows = []
let machine
const loads = []
for (const replica of REPLICAS) {
  process.stderr.write(`${replica.id}…\n`)
  const r = await benchmark(
    speedSpec({
      model: replicaPath(replica),
      device: 'cpu',
      batches: [1],
      threads: [threads === undefined ? null : Number(threads)],
      warmup: 10,
      minIterations: iterations,
      minDurationS: duration,
    }),
  )
  machine = r.machine
  loads.push(r.loadAverage.before[0], r.loadAverage.after[0])
  const cell = r.results[0]
  rows.push({
    id: replica.id,
    title: replica.title,
    claim: replica.claim,
    bytes: r.model.bytes,
    params: r.model.params,
    trainableParams: r.model.trainableParams,
    macs: r.model.macs,
    latencyMs: cell.latencyMs,
    fps: 1000 / cell.latencyMs.mean,
    threads: cell.threads,
    runner: `${r.runner.backend} ${r.runner.version}`,
  })
}
const mb = (b) => `${(b / 1e6).toFixed(2)} MB`
const m = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : `${(n / 1e3).toFixed(1)} k`)
const lines = [
  '| model (replica) | claim (`ferbench claims`) | file size | params (all / trainable) | MACs/image | batch-1 latency mean (p50, p99) ms | FPS at batch 1: 1000/mean (1000/p50) | measured vs claimed |',
  '| --- | --- | --- | --- | --- | --- | --- | --- |',
]
for (const r of rows) {
  const vs = []
  if (r.claim?.sizeBytes) vs.push(`size ${(r.bytes / r.claim.sizeBytes).toFixed(2)}× claim`)
  if (r.claim?.fps)
    vs.push(`FPS ${(r.fps / r.claim.fps).toFixed(1)}× claim (claim on ${r.claim.machine}: a ratio, not a verdict)`)
  lines.push(
    `| ${r.title} | ${r.claim?.text ?? ''} | ${mb(r.bytes)} | ${m(r.params)} / ${m(r.trainableParams)} | ${m(r.macs)} | ${r.latencyMs.mean.toFixed(3)} (${r.latencyMs.p50.toFixed(3)}, ${r.latencyMs.p99.toFixed(3)}) | ${r.fps.toFixed(0)} (${(1000 / r.latencyMs.p50).toFixed(0)}) | ${vs.join('; ') || 'no size/speed claim'} |`,
  )
}
const header = `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.os}, Node ${machine.node}, 1-min load average ${loads[0].toFixed(1)} → ${loads[loads.length - 1].toFixed(1)} on ${machine.cores} cores; ${rows[0].runner}, threads ${rows[0].threads ?? 'engine default'}, batch 1, at least ${iterations} calls and ${duration} s per model.`
const markdown = `${header}\n\n${lines.join('\n')}\n`
console.log(markdown)
mkdirSync(path.join(ROOT, 'tools', 'bench', 'out'), { recursive: true })
writeFileSync(
  path.join(ROOT, 'tools', 'bench', 'out', 'claims.json'),
  `${JSON.stringify({ machine, rows }, null, 2)}\n`,
)
writeFileSync(path.join(ROOT, 'tools', 'bench', 'out', 'claims.md'), markdown)
