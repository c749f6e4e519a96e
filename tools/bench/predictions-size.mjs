#!/usr/bin/env node
// Size of the eval document with per-sample predictions embedded (the default) vs without
// (--no-embed-predictions), on 35,887 samples (FER2013's size: a synthetic fer2013.csv whose rows
// are all PrivateTest), with the oracle model. Also: what the older array form (one
// {id, truth, predicted, top} object per sample, as --embed-predictions wrote it) would take, and
// gzip sizes. Wall times alternate A/B (--rounds, default 3) so the figures share one load.
// Build first (`npm run tools`). Data goes to tools/bench/out/predictions/ (git-ignored).
//
//   node tools/bench/predictions-size.mjs [--rounds 3]
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { measure } from './lib/measure.mjs'
import { synthFer2013Csv } from './lib/synth.mjs'
import { ROOT, opt } from './lib/cli.mjs'

const OUT = path.join(ROOT, 'tools', 'bench', 'out', 'predictions')
const rounds = Number(opt('rounds', 3))
const BIN = path.join(ROOT, 'bin', 'run.js')
const ORACLE = path.join(ROOT, 'fixtures', 'models', 'oracle.onnx')
const { decodePredictions } = await import(path.join(ROOT, 'dist', 'results', 'predictions.js'))
mkdirSync(OUT, { recursive: true })

const csv = await synthFer2013Csv(OUT, { PrivateTest: 35887 })
const run = async (name, extra) => {
  const output = path.join(OUT, `${name}.json`)
  const r = await measure(BIN, [
    'eval',
    '--model',
    ORACLE,
    '--data',
    csv,
    '--split',
    'PrivateTest',
    '--output',
    output,
    ...extra,
  ])
  if (r.code !== 0) throw new Error(`${name}: exit ${r.code}\n${r.stderr.slice(-2000)}`)
  return { output, wallSeconds: r.wallSeconds, peakRssMiB: r.peakRssMiB }
}
const walls = { embedded: [], omitted: [] }
const rss = { embedded: [], omitted: [] }
let embedded
let omitted
for (let i = 0; i < rounds; i++) {
  const order = i % 2 === 0 ? ['embedded', 'omitted'] : ['omitted', 'embedded']
  for (const name of order) {
    const r = await run(name, name === 'omitted' ? ['--no-embed-predictions'] : [])
    walls[name].push(r.wallSeconds)
    rss[name].push(r.peakRssMiB)
    if (name === 'embedded') embedded = r.output
    else omitted = r.output
  }
}
const size = (file) => statSync(file).size
const doc = JSON.parse(readFileSync(embedded, 'utf8'))
const legacy = { ...doc, predictions: decodePredictions(doc.predictions).map(({ content: _c, ...p }) => p) }
// the older form also carried each sample's top-3 scores: take them from a run with a predictions CSV
const withScores = await measure(BIN, [
  'eval',
  '--model',
  ORACLE,
  '--data',
  csv,
  '--split',
  'PrivateTest',
  '--predictions',
  path.join(OUT, 'p.csv'),
  '--output',
  path.join(OUT, 'scores.json'),
  '--json',
])
const top = new Map(
  readFileSync(path.join(OUT, 'p.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const c = line.split(',')
      return [c[0], [1, 2, 3].map((k) => ({ label: c[2 + 2 * k], score: Number(c[3 + 2 * k]) })).filter((t) => t.label)]
    }),
)
for (const p of legacy.predictions) p.top = top.get(p.id) ?? []
const legacyText = `${JSON.stringify(legacy, null, 2)}\n`
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const mib = (n) => `${(n / 2 ** 20).toFixed(2)} MiB`
const kib = (n) => `${(n / 1024).toFixed(0)} KiB`
const rows = [
  ['without predictions (--no-embed-predictions)', size(omitted), gzipSync(readFileSync(omitted)).length],
  ['with predictions (default, columns)', size(embedded), gzipSync(readFileSync(embedded)).length],
  ['older array form with top-3 scores (for comparison)', Buffer.byteLength(legacyText), gzipSync(legacyText).length],
]
console.log(
  `samples: ${doc.dataset.samples}; machine: ${os.cpus()[0]?.model} × ${os.cpus().length}, load ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}; commit ${execFileSync('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']).toString().trim()}`,
)
console.log('| document | bytes | gzip | per sample |\n| --- | ---: | ---: | ---: |')
for (const [name, bytes, gz] of rows)
  console.log(
    `| ${name} | ${mib(bytes)} | ${kib(gz)} | ${((bytes - size(omitted)) / doc.dataset.samples).toFixed(1)} B over the bare document |`,
  )
console.log(
  `median of ${rounds} alternating runs: wall s embedded ${median(walls.embedded).toFixed(2)}, omitted ${median(walls.omitted).toFixed(2)}; peak RSS MiB embedded ${median(rss.embedded).toFixed(0)}, omitted ${median(rss.omitted).toFixed(0)}`,
)
if (withScores.code !== 0) throw new Error(`run with --predictions CSV: exit ${withScores.code}`)
