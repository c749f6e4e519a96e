#!/usr/bin/env node
// Issue 2 benchmark: `ferbench eval` against a minimal hand-written Node script
// (tools/bench/lib/rawEval.mjs: readline + split + onnxruntime-node) on a synthetic 35,887-row
// fer2013.csv, same model (the oracle, or --model tinyconv), split and batch. Whole-process wall time (Node start-up
// included) and peak RSS of each; the runs alternate (ABAB...) so drift on a shared machine hits
// both; the median of --rounds runs is reported with the ratio ferbench / raw. The two must agree on
// the accuracy (checked). Data is synthesised into tools/bench/out/robustness/ (git-ignored). Build first.
//
//   node tools/bench/fer2013-vs-raw.mjs [--rounds 3] [--split Training] [--batch 32] [--concurrency 4] [--model oracle|tinyconv]
// --model tinyconv uses the small CNN fixture (conv → depthwise conv → dense, NHWC, x/255).
import { existsSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { measure } from './lib/measure.mjs'
import { fileMiB, synthFer2013Csv } from './lib/synth.mjs'
import { ROOT, opt } from './lib/cli.mjs'

const OUT = path.join(ROOT, 'tools', 'bench', 'out', 'robustness')
const rounds = Number(opt('rounds', '3'))
const split = opt('split', 'Training')
const batch = opt('batch', '32')
const concurrency = opt('concurrency', '4')
if (!existsSync(path.join(ROOT, 'dist', 'commands', 'eval.js'))) throw new Error('build first: npm run tools')
const { machineInfo } = await import(path.join(ROOT, 'dist', 'base', 'provenance.js'))
const modelName = opt('model', 'oracle')
const MODELS = {
  oracle: { file: 'oracle.onnx', scale: 'raw255', layout: 'NCHW' },
  tinyconv: { file: 'tinyconv.onnx', scale: 'unit', layout: 'NHWC' },
}
if (!MODELS[modelName]) throw new Error(`--model ${modelName}: use oracle or tinyconv`)
const ORACLE = path.join(ROOT, 'fixtures', 'models', MODELS[modelName].file)

console.error('synthesising fer2013.csv (first run only) ...')
const csv = await synthFer2013Csv(OUT)
const contenders = {
  ferbench: () =>
    measure(path.join(ROOT, 'bin', 'run.js'), [
      'eval',
      '--model',
      ORACLE,
      '--data',
      csv,
      '--split',
      split,
      '--batch',
      batch,
      '--concurrency',
      concurrency,
      '--json',
    ]),
  raw: () =>
    measure(path.join(ROOT, 'tools', 'bench', 'lib', 'rawEval.mjs'), [
      csv,
      ORACLE,
      split,
      batch,
      MODELS[modelName].scale,
      MODELS[modelName].layout,
    ]),
}
const runs = { ferbench: [], raw: [] }
const accuracy = {}
for (let r = 0; r < rounds; r++) {
  for (const name of r % 2 === 0 ? ['ferbench', 'raw'] : ['raw', 'ferbench']) {
    const m = await contenders[name]()
    if (m.code !== 0) throw new Error(`${name} exited ${m.code}: ${m.stderr.slice(-2000)}`)
    const doc = JSON.parse(m.stdout)
    accuracy[name] = name === 'ferbench' ? doc.metrics.accuracy : doc.accuracy
    runs[name].push({ wallSeconds: m.wallSeconds, cpuSeconds: m.cpuSeconds, peakRssMiB: m.peakRssMiB })
    console.error(
      `round ${r + 1} ${name}: ${m.wallSeconds.toFixed(2)} s wall, ${m.cpuSeconds.toFixed(2)} s CPU, peak RSS ${m.peakRssMiB.toFixed(0)} MiB`,
    )
  }
}
if (Math.abs(accuracy.ferbench - accuracy.raw) > 1e-12)
  throw new Error(`accuracies differ: ferbench ${accuracy.ferbench}, raw ${accuracy.raw}`)
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]
const summary = Object.fromEntries(
  Object.entries(runs).map(([name, rs]) => [
    name,
    {
      medianWallSeconds: median(rs.map((x) => x.wallSeconds)),
      medianCpuSeconds: median(rs.map((x) => x.cpuSeconds)),
      medianPeakRssMiB: median(rs.map((x) => x.peakRssMiB)),
      runs: rs,
    },
  ]),
)
const ratio = summary.ferbench.medianWallSeconds / summary.raw.medianWallSeconds
const cpuRatio = summary.ferbench.medianCpuSeconds / summary.raw.medianCpuSeconds
const report = {
  machine: machineInfo(),
  data: { file: path.basename(csv), mib: fileMiB(csv), split },
  batch: Number(batch),
  concurrency: Number(concurrency),
  rounds,
  accuracy: accuracy.raw,
  summary,
  ratio,
  cpuRatio,
}
writeFileSync(path.join(OUT, 'fer2013-vs-raw.json'), `${JSON.stringify(report, null, 2)}\n`)
const m = report.machine
console.log(`machine: ${m.cpu}, ${m.cores} cores, ${(m.memoryBytes / 2 ** 30).toFixed(0)} GiB, ${m.os}, Node ${m.node}`)
console.log(
  `data: ${path.basename(csv)} (${fileMiB(csv).toFixed(0)} MiB, 35,887 rows), split ${split}, batch ${batch}, ${modelName} model; median of ${rounds} alternating runs; both agree on accuracy ${accuracy.raw.toFixed(4)}\n`,
)
console.log('| contender | wall s (median) | CPU s, user+system (median) | peak RSS MiB (median) |')
console.log('| --- | ---: | ---: | ---: |')
for (const [name, label] of [
  ['ferbench', `ferbench eval (--concurrency ${concurrency})`],
  ['raw', 'hand-written script (tools/bench/lib/rawEval.mjs)'],
]) {
  const x = summary[name]
  console.log(
    `| ${label} | ${x.medianWallSeconds.toFixed(2)} | ${x.medianCpuSeconds.toFixed(2)} | ${x.medianPeakRssMiB.toFixed(0)} |`,
  )
}
console.log(`\nratio ferbench / raw: wall time ${ratio.toFixed(2)}, CPU time ${cpuRatio.toFixed(2)}`)
