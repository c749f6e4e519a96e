#!/usr/bin/env node
// Issue 25 (eval start-up): reading the split while the model's runner starts (src/engine/readAhead.ts).
// `ferbench eval` of the 0.84 M-parameter CNN of tools/bench/eval-pipeline.mjs on two datasets, each in
// three modes alternating per round (FERBENCH_DEBUG_READ_AHEAD, a test hook): `never` (the serial
// path: the loop reads only once the runner is ready), `auto` (the product: read ahead only when the
// model is still opening after 20 ms) and `always` (read ahead from the start). Datasets: the
// PrivateTest rows (3,589) of the bench's 7,178-row fer2013.csv, and a manifest of 3,589 48×48 PNGs
// (seeded, under tools/bench/out/, git-ignored), where each image is decoded. Per mode: medians of the
// start-up stage (timing.split.startupMs, process start to the loop's start), wall and CPU seconds
// (command and runner process, GNU time), and whether the documents are identical apart from
// `timing` and `createdAt` (they must be). The 1-minute load average is printed per round: the
// machine may be shared. Build first (npm run build).
//
//   node tools/bench/eval-readahead.mjs [--rounds 5]
import { existsSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { cnn48Model } from './lib/cnn48.mjs'
import { measure } from './lib/measure.mjs'
import { synthFer2013Csv, synthManifest } from './lib/synth.mjs'
import { ROOT, opt } from './lib/cli.mjs'

const rounds = Number(opt('rounds', '5'))
if (!existsSync(path.join(ROOT, 'oclif.manifest.json'))) throw new Error('build first: npm run build')
const BIN = path.join(ROOT, 'bin', 'run.js')
const OUT = path.join(ROOT, 'tools', 'bench', 'out', 'pipeline')
const model = cnn48Model(OUT)
const datasets = {
  'fer2013.csv, 3,589 rows': [
    '--data',
    await synthFer2013Csv(OUT, { PublicTest: 3589, PrivateTest: 3589 }),
    '--split',
    'PrivateTest',
  ],
  'manifest, 3,589 PNGs': [
    '--dataset',
    'manifest',
    '--data',
    synthManifest(path.join(ROOT, 'tools', 'bench', 'out', 'readahead'), 3589),
    '--extra-classes',
    'drop',
  ],
}
const MODES = ['never', 'auto', 'always']
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]
/** The document without what differs from run to run. */
const comparable = (doc) => JSON.stringify({ ...doc, timing: undefined, createdAt: undefined })

console.log(`${os.cpus()[0]?.model} ×${os.cpus().length}, Node ${process.version}; medians of ${rounds} runs each`)
console.log('| data | read ahead | start-up ms | wall s | CPU s (with runner process) | document |')
console.log('| --- | --- | ---: | ---: | ---: | --- |')
for (const [label, args] of Object.entries(datasets)) {
  const runs = Object.fromEntries(MODES.map((m) => [m, { startupMs: [], wall: [], cpu: [], docs: new Set() }]))
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? MODES : [...MODES].reverse()
    const line = []
    for (const mode of order) {
      const m = await measure(BIN, ['eval', '--model', model, ...args, '--batch', '64', '--json'], {
        env: { FERBENCH_DEBUG_READ_AHEAD: mode },
        withChildren: true,
      })
      if (m.code !== 0) throw new Error(`${mode}: ferbench exited ${m.code}: ${m.stderr.slice(-2000)}`)
      const doc = JSON.parse(m.stdout)
      const x = runs[mode]
      x.startupMs.push(doc.timing.split.startupMs)
      x.wall.push(m.wallSeconds)
      x.cpu.push(m.cpuSecondsWithChildren ?? m.cpuSeconds)
      x.docs.add(comparable(doc))
      line.push(`${mode} ${doc.timing.split.startupMs.toFixed(0)} ms / ${m.wallSeconds.toFixed(2)} s`)
    }
    console.error(`${label} round ${r + 1}: ${line.join(', ')}; load ${os.loadavg()[0].toFixed(1)}`)
  }
  const all = new Set(MODES.flatMap((m) => [...runs[m].docs]))
  for (const mode of MODES) {
    const x = runs[mode]
    console.log(
      `| ${label} | ${mode} | ${median(x.startupMs).toFixed(0)} | ${median(x.wall).toFixed(2)} | ${median(x.cpu).toFixed(2)} | ${all.size === 1 ? 'identical in all modes' : 'DIFFERENT'} |`,
    )
  }
}
