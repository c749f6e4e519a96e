#!/usr/bin/env node
// Memory benchmark (issue 7): peak RSS of `ferbench eval` with the oracle model
//   1. on a synthetic 35,887-row fer2013.csv (FER2013's size, ~290 MB) — target ≤ 300 MB peak RSS;
//   2. over a 100,000-image manifest of small (48×48) PNGs — RSS sampled every 250 ms should stay flat.
// Data is synthesised (seeded) into tools/bench/out/robustness/ (git-ignored) on the first run.
// Build first (`npm run tools`).
//
//   node tools/bench/memory.mjs [--images 100000] [--split Training] [--concurrency 4]
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { measure, rssProfile } from './lib/measure.mjs'
import { fileMiB, synthFer2013Csv, synthManifest } from './lib/synth.mjs'
import { ROOT, opt } from './lib/cli.mjs'

const OUT = path.join(ROOT, 'tools', 'bench', 'out', 'robustness')
const images = Number(opt('images', '100000'))
const split = opt('split', 'Training')
const concurrency = opt('concurrency', '4')
if (!existsSync(path.join(ROOT, 'dist', 'commands', 'eval.js'))) throw new Error('build first: npm run tools')
const { machineInfo } = await import(path.join(ROOT, 'dist', 'base', 'provenance.js'))
const BIN = path.join(ROOT, 'bin', 'run.js')
const ORACLE = path.join(ROOT, 'fixtures', 'models', 'oracle.onnx')
mkdirSync(OUT, { recursive: true })

async function evalRun(name, evalArgs) {
  const output = path.join(OUT, `${name}.result.json`)
  const r = await measure(BIN, [
    'eval',
    '--model',
    ORACLE,
    ...evalArgs,
    '--concurrency',
    concurrency,
    '--output',
    output,
    '--json',
  ])
  if (r.code !== 0 && r.code !== 7) throw new Error(`${name}: eval exited ${r.code}\n${r.stderr.slice(-2000)}`)
  const doc = JSON.parse(r.stdout)
  return {
    name,
    exitCode: r.code,
    samples: doc.dataset.samples,
    wallSeconds: r.wallSeconds,
    peakRssMiB: r.peakRssMiB,
    rssOverTime: rssProfile(r.samples),
    imagesPerSecond: doc.dataset.samples / r.wallSeconds,
  }
}

console.error(`synthesising data under ${path.relative(ROOT, OUT)} (first run only) ...`)
const csv = await synthFer2013Csv(OUT)
const manifest = synthManifest(OUT, images)
const results = []
console.error(`eval on ${path.basename(csv)} (${fileMiB(csv).toFixed(0)} MiB), split ${split} ...`)
results.push({
  ...(await evalRun('fer2013-csv', ['--data', csv, '--split', split])),
  data: `fer2013.csv, 35,887 rows (${fileMiB(csv).toFixed(0)} MiB), split ${split}`,
})
console.error(`eval on a ${images}-image manifest ...`)
results.push({
  ...(await evalRun('manifest', ['--dataset', 'manifest', '--data', manifest])),
  data: `manifest of ${images} PNGs 48×48`,
})

const report = { machine: machineInfo(), node: process.version, concurrency: Number(concurrency), results }
writeFileSync(path.join(OUT, 'memory.json'), `${JSON.stringify(report, null, 2)}\n`)
const m = report.machine
console.log(
  `machine: ${m.cpu}, ${m.cores} cores, ${(m.memoryBytes / 2 ** 30).toFixed(0)} GiB, ${m.os}, Node ${m.node}; --concurrency ${concurrency}\n`,
)
console.log('| data | samples | wall s | images/s | peak RSS MiB | RSS first 10% → last 10% of run (MiB) |')
console.log('| --- | ---: | ---: | ---: | ---: | --- |')
for (const r of results) {
  const t = r.rssOverTime
  console.log(
    `| ${r.data} | ${r.samples} | ${r.wallSeconds.toFixed(1)} | ${r.imagesPerSecond.toFixed(0)} | ${r.peakRssMiB.toFixed(0)} | ` +
      `${t ? `${t.firstTenthMeanMiB.toFixed(0)} → ${t.lastTenthMeanMiB.toFixed(0)} (max ${t.maxMiB.toFixed(0)}, ${t.samples} samples)` : 'run too short'} |`,
  )
}
