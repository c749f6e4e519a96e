#!/usr/bin/env node
// Issue 25 robust benchmark: `ferbench robust` (every corruption at every severity: 981 × 51 =
// 50,031 inferences) on 981 generated 48×48 gray faces in the CK+48 layout (tools/bench/lib/ckplus48.mjs)
// with the 0.84 M-parameter 48×48 CNN (tools/bench/lib/cnn48.mjs), against its lower bound: a bare
// `session.run` loop doing the same 50,031 inferences on images decoded beforehand
// (tools/bench/lib/bareRobustLoop.mjs, same batch). Numerator and denominator run back to back in
// each round; the ratio is ferbench's whole-process wall time over the bare loop's `session.run`
// time (its decoding and session creation not counted). CPU seconds: of the command process alone,
// and with its runner process (GNU time). Build first (npm run tools).
//
//   node tools/bench/robust.mjs [--rounds 3] [--batch 32] [--output file.json]
import { writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ckplus48 } from './lib/ckplus48.mjs'
import { cnn48Model } from './lib/cnn48.mjs'
import { measure } from './lib/measure.mjs'
import { ROOT, opt } from './lib/cli.mjs'

const OUT = path.join(ROOT, 'tools', 'bench', 'out', 'robust')
const rounds = Number(opt('rounds', '3'))
const batch = opt('batch', '32')
const BIN = path.join(ROOT, 'bin', 'run.js')
const data = ckplus48(OUT)
const model = cnn48Model(OUT)
const rows = []
for (let r = 0; r < rounds; r++) {
  const load = os.loadavg()[0]
  const doc = path.join(OUT, 'robust.json')
  const f = await measure(
    BIN,
    ['robust', '--model', model, '--dataset', 'ckplus', '--data', data, '--batch', batch, '--output', doc, '--json'],
    { withChildren: true },
  )
  if (f.code !== 0) throw new Error(`ferbench robust exited ${f.code}: ${f.stderr.slice(-2000)}`)
  const result = JSON.parse(f.stdout)
  const inferences = result.clean.samples * (1 + result.results.length)
  const b = await measure(path.join(ROOT, 'tools', 'bench', 'lib', 'bareRobustLoop.mjs'), [
    data,
    model,
    String(1 + result.results.length),
    batch,
  ])
  if (b.code !== 0) throw new Error(`bare loop exited ${b.code}: ${b.stderr.slice(-2000)}`)
  const bare = JSON.parse(b.stdout)
  if (bare.inferences !== inferences)
    throw new Error(`bare loop ran ${bare.inferences} inferences, ferbench ${inferences}`)
  const row = {
    round: r + 1,
    inferences,
    ferbenchWallSeconds: f.wallSeconds,
    ferbenchCpuSeconds: f.cpuSeconds,
    // the command and its runner process together (GNU time; absent without /usr/bin/time)
    ferbenchCpuSecondsWithRunner: f.cpuSecondsWithChildren,
    ferbenchPeakRssMiB: f.peakRssMiB,
    bareLoopSeconds: bare.loopMs / 1000,
    bareProcessSeconds: b.wallSeconds,
    bareProcessCpuSeconds: b.cpuSeconds,
    ratio: f.wallSeconds / (bare.loopMs / 1000),
    loadAverage1m: [load, os.loadavg()[0]],
  }
  rows.push(row)
  console.error(
    `round ${row.round}: ferbench robust ${row.ferbenchWallSeconds.toFixed(2)} s (CPU ${row.ferbenchCpuSeconds.toFixed(1)} s${row.ferbenchCpuSecondsWithRunner === undefined ? '' : `, ${row.ferbenchCpuSecondsWithRunner.toFixed(1)} s with its runner process`}), bare loop ${row.bareLoopSeconds.toFixed(2)} s (process CPU ${row.bareProcessCpuSeconds.toFixed(1)} s): ratio ${row.ratio.toFixed(2)} (load ${row.loadAverage1m.map((x) => x.toFixed(1)).join(' → ')})`,
  )
}
const ratios = rows.map((x) => x.ratio)
const summary = {
  machine: `${os.cpus()[0]?.model}, ${os.cpus().length} cores`,
  node: process.version,
  rounds: rows,
  ratioRange: [Math.min(...ratios), Math.max(...ratios)],
}
console.log(JSON.stringify(summary, null, 2))
const output = opt('output', undefined)
if (output) writeFileSync(output, `${JSON.stringify(summary, null, 2)}\n`)
