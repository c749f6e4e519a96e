#!/usr/bin/env node
// --concurrency benchmark: `ferbench eval` wall time with --concurrency 1 (serial) against N
// (decoding/preprocessing prefetched while inference runs), alternating ABAB over --rounds, on
// (a) a manifest of 48×48 PNGs (decoding-bound) and (b) the synthetic fer2013.csv PrivateTest split.
// Reuses the data tools/bench/memory.mjs synthesises. Build first.
//   node tools/bench/concurrency.mjs [--rounds 3] [--n 4] [--images 2000]
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { measure } from './lib/measure.mjs'
import { synthFer2013Csv, synthManifest } from './lib/synth.mjs'
import { ROOT, opt } from './lib/cli.mjs'

const OUT = path.join(ROOT, 'tools', 'bench', 'out', 'robustness')
const rounds = Number(opt('rounds', '3'))
const n = opt('n', '4')
const { machineInfo } = await import(path.join(ROOT, 'dist', 'base', 'provenance.js'))
const ORACLE = path.join(ROOT, 'fixtures', 'models', 'oracle.onnx')
const cases = {
  [`manifest of ${opt('images', '2000')} PNGs`]: [
    '--dataset',
    'manifest',
    '--data',
    synthManifest(OUT, Number(opt('images', '2000'))),
  ],
  'fer2013.csv PrivateTest (3,589 rows of 35,887)': ['--data', await synthFer2013Csv(OUT), '--split', 'PrivateTest'],
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]
const rows = []
for (const [name, dataArgs] of Object.entries(cases)) {
  const wall = { 1: [], [n]: [] }
  for (let r = 0; r < rounds; r++) {
    for (const c of r % 2 === 0 ? ['1', n] : [n, '1']) {
      const m = await measure(path.join(ROOT, 'bin', 'run.js'), [
        'eval',
        '--model',
        ORACLE,
        ...dataArgs,
        '--concurrency',
        c,
        '--json',
      ])
      if (m.code !== 0 && m.code !== 7)
        throw new Error(`${name} --concurrency ${c}: exit ${m.code}: ${m.stderr.slice(-1000)}`)
      wall[c].push(m.wallSeconds)
    }
  }
  rows.push({ name, serial: median(wall[1]), parallel: median(wall[n]), wall })
}
writeFileSync(
  path.join(OUT, 'concurrency.json'),
  `${JSON.stringify({ machine: machineInfo(), n: Number(n), rounds, rows }, null, 2)}\n`,
)
const m = machineInfo()
console.log(
  `machine: ${m.cpu}, ${m.cores} cores, Node ${m.node}; median of ${rounds} alternating runs (whole process)\n`,
)
console.log(`| data | --concurrency 1 (s) | --concurrency ${n} (s) | speed-up |`)
console.log('| --- | ---: | ---: | ---: |')
for (const r of rows)
  console.log(
    `| ${r.name} | ${r.serial.toFixed(2)} | ${r.parallel.toFixed(2)} | ${(r.serial / r.parallel).toFixed(2)}× |`,
  )
