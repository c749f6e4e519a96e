#!/usr/bin/env node
// Issue 12 evaluation-pipeline benchmark. A realistic FER2013 CNN (tools/bench/lib/cnn48.mjs: 48×48×1,
// 0.84 M parameters) scores the PrivateTest rows of two synthetic fer2013.csv files (seeded, under
// tools/bench/out/, git-ignored): 7,178 rows (PublicTest + PrivateTest) and the full 35,887 rows.
//  - whole-process wall time of `ferbench eval` against the hand-written script
//    tools/bench/lib/rawEval.mjs (readline + split + onnxruntime-node), same model, split and batch, runs
//    alternating (ABAB...), medians; both must agree on the accuracy;
//  - ferbench's infer stage (timing.split.inferMs) against a bare `session.run` loop over the
//    same batches preprocessed beforehand (tools/bench/lib/bareLoop.mjs), same batch and threads;
//  - peak RSS of ferbench on the largest split (Training, 28,709 rows of the 35,887-row file).
// Build first. Targets (issue 12): wall ≤ 0.6× the script (7,178 rows), ≤ 0.5× (35,887 rows);
// infer ≤ 1.15× the bare loop; peak RSS ≤ 300 MB. Issue 25: ≤ 0.75× the script on the 7,178-row file
// (stretch 0.5), as a ratio per round. Each round's line gives both wall and CPU seconds (with
// /usr/bin/time: the process and the children it waited for, ferbench's runner process included)
// and the 1-minute load average, since the machine may be shared.
//
//   node tools/bench/eval-pipeline.mjs [--rounds 5] [--batch 64]
import { existsSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { cnn48Model } from './lib/cnn48.mjs'
import { measure } from './lib/measure.mjs'
import { synthFer2013Csv } from './lib/synth.mjs'
import { ROOT, opt } from './lib/cli.mjs'

const OUT = path.join(ROOT, 'tools', 'bench', 'out', 'pipeline')
const rounds = Number(opt('rounds', '5'))
const batch = opt('batch', '64')
if (!existsSync(path.join(ROOT, 'oclif.manifest.json'))) throw new Error('build first: npm run tools')
const BIN = path.join(ROOT, 'bin', 'run.js')
const model = cnn48Model(OUT)
// --small-only: the 7,178-row file alone (no 35,887-row file, no Training RSS run)
const smallOnly = process.argv.includes('--small-only')
const files = {
  '7,178 rows': await synthFer2013Csv(OUT, { PublicTest: 3589, PrivateTest: 3589 }),
  ...(smallOnly
    ? {}
    : { '35,887 rows': await synthFer2013Csv(path.join(ROOT, 'tools', 'bench', 'out', 'robustness')) }),
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]
const loadAtStart = os.loadavg()
const results = {}
for (const [label, csv] of Object.entries(files)) {
  const runs = { ferbench: [], raw: [], bare: [], inferMs: [], split: [], ferbenchCpu: [], rawCpu: [], load: [] }
  let accuracy
  for (let r = 0; r < rounds; r++) {
    for (const name of r % 2 === 0 ? ['ferbench', 'raw', 'bare'] : ['bare', 'raw', 'ferbench']) {
      if (name === 'ferbench') {
        const m = await measure(
          BIN,
          ['eval', '--model', model, '--data', csv, '--split', 'PrivateTest', '--batch', batch, '--json'],
          { withChildren: true },
        )
        if (m.code !== 0) throw new Error(`ferbench exited ${m.code}: ${m.stderr.slice(-2000)}`)
        const doc = JSON.parse(m.stdout)
        if (accuracy !== undefined && doc.metrics.accuracy !== accuracy)
          throw new Error('ferbench and the script disagree on the accuracy')
        accuracy = doc.metrics.accuracy
        runs.ferbench.push(m.wallSeconds)
        runs.ferbenchCpu.push(m.cpuSecondsWithChildren ?? m.cpuSeconds)
        runs.inferMs.push(doc.timing.split.inferMs)
        runs.split.push(doc.timing.split)
        console.error(
          `${label} round ${r + 1} ferbench: ${m.wallSeconds.toFixed(2)} s, infer ${doc.timing.split.inferMs.toFixed(0)} ms, peak RSS ${m.peakRssMiB.toFixed(0)} MiB`,
        )
      } else if (name === 'raw') {
        const m = await measure(
          path.join(ROOT, 'tools', 'bench', 'lib', 'rawEval.mjs'),
          [csv, model, 'PrivateTest', batch, 'raw255', 'NCHW'],
          { withChildren: true },
        )
        if (m.code !== 0) throw new Error(`script exited ${m.code}: ${m.stderr.slice(-2000)}`)
        const out = JSON.parse(m.stdout)
        if (accuracy !== undefined && out.accuracy !== accuracy)
          throw new Error(`ferbench and the script disagree on the accuracy (${accuracy} vs ${out.accuracy})`)
        accuracy = out.accuracy
        runs.raw.push(m.wallSeconds)
        runs.rawCpu.push(m.cpuSecondsWithChildren ?? m.cpuSeconds)
        console.error(`${label} round ${r + 1} script: ${m.wallSeconds.toFixed(2)} s`)
      } else {
        const m = await measure(path.join(ROOT, 'tools', 'bench', 'lib', 'bareLoop.mjs'), [
          csv,
          model,
          'PrivateTest',
          batch,
        ])
        if (m.code !== 0) throw new Error(`bare loop exited ${m.code}: ${m.stderr.slice(-2000)}`)
        runs.bare.push(JSON.parse(m.stdout).loopMs)
      }
    }
    runs.load.push(os.loadavg()[0])
  }
  const stage = (k) => median(runs.split.map((s) => s[k]))
  results[label] = {
    accuracy,
    ferbenchWallSeconds: median(runs.ferbench),
    scriptWallSeconds: median(runs.raw),
    wallRatio: median(runs.ferbench) / median(runs.raw),
    // each round's ferbench run over the script run next to it
    wallRatioRange: [
      Math.min(...runs.ferbench.map((f, i) => f / runs.raw[i])),
      Math.max(...runs.ferbench.map((f, i) => f / runs.raw[i])),
    ],
    inferMs: median(runs.inferMs),
    bareLoopMs: median(runs.bare),
    inferRatio: median(runs.inferMs) / median(runs.bare),
    split: Object.fromEntries(
      ['startupMs', 'readMs', 'decodeMs', 'preprocessMs', 'inferMs', 'metricsMs'].map((k) => [k, stage(k)]),
    ),
    runs,
  }
}
const big = smallOnly
  ? undefined
  : await measure(BIN, [
      'eval',
      '--model',
      model,
      '--data',
      files['35,887 rows'],
      '--split',
      'Training',
      '--batch',
      batch,
      '--json',
    ])
if (big && big.code !== 0) throw new Error(`ferbench (Training) exited ${big.code}: ${big.stderr.slice(-2000)}`)
const report = {
  cpu: os.cpus()[0]?.model,
  cores: os.cpus().length,
  node: process.version,
  loadAtStart,
  loadAtEnd: os.loadavg(),
  rounds,
  batch: Number(batch),
  results,
  trainingPeakRssMiB: big?.peakRssMiB,
  trainingWallSeconds: big?.wallSeconds,
}
writeFileSync(path.join(OUT, 'eval-pipeline.json'), `${JSON.stringify(report, null, 2)}\n`)
console.log(
  `${report.cpu} ×${report.cores}, Node ${report.node}; load average ${loadAtStart.map((l) => l.toFixed(1)).join(' ')} at start, ${report.loadAtEnd.map((l) => l.toFixed(1)).join(' ')} at end; median of ${rounds} alternating runs, batch ${batch}, PrivateTest (3,589 rows)\n`,
)
console.log('| file | ferbench eval s | script s | ratio | infer stage ms | bare session.run loop ms | ratio |')
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |')
for (const [label, x] of Object.entries(results)) {
  console.log(
    `| ${label} | ${x.ferbenchWallSeconds.toFixed(2)} | ${x.scriptWallSeconds.toFixed(2)} | ${x.wallRatio.toFixed(2)} | ${x.inferMs.toFixed(0)} | ${x.bareLoopMs.toFixed(0)} | ${x.inferRatio.toFixed(2)} |`,
  )
}
console.log('\nferbench stage split (medians, ms):')
for (const [label, x] of Object.entries(results))
  console.log(
    `  ${label}: ${Object.entries(x.split)
      .map(([k, v]) => `${k.replace(/Ms$/, '')} ${v.toFixed(0)}`)
      .join(', ')}`,
  )
for (const [label, x] of Object.entries(results)) {
  console.log(`wall ratio per round, ${label}: ${x.wallRatioRange.map((r) => r.toFixed(2)).join('–')}`)
  const r = x.runs
  r.ferbench.forEach((f, i) =>
    console.log(
      `  round ${i + 1}: ferbench ${f.toFixed(2)} s wall, ${r.ferbenchCpu[i].toFixed(2)} s CPU; script ${r.raw[i].toFixed(2)} s wall, ${r.rawCpu[i].toFixed(2)} s CPU; ratio ${(f / r.raw[i]).toFixed(2)} (CPU ${(r.ferbenchCpu[i] / r.rawCpu[i]).toFixed(2)}); load ${r.load[i].toFixed(1)}`,
    ),
  )
}
if (big)
  console.log(
    `\npeak RSS, ferbench eval --split Training (28,709 rows of 35,887): ${big.peakRssMiB.toFixed(0)} MiB (${big.wallSeconds.toFixed(1)} s)`,
  )
