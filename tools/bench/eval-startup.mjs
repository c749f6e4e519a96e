#!/usr/bin/env node
// Eval start-up benchmark: the `startup` stage of `ferbench eval --json` (timing.split.startupMs: from
// the process's start to the first row read) and the CPU seconds of the whole run (the command process
// and the runner process it waits for, from GNU time), on the PrivateTest rows (3,589) of the 7,178-row
// synthetic fer2013.csv with the 0.84 M-parameter CNN of tools/bench/eval-pipeline.mjs. With
// `--baseline DIR` (another built checkout, e.g. `git worktree add` of an older commit with `npm ci`),
// runs of this checkout and of DIR alternate (ABAB...) so load drift hits both; CPU seconds do not
// depend on the load much, wall and start-up ms do (the load average is printed per round). Build first:
// npm run tools.
//
//   node tools/bench/eval-startup.mjs [--rounds 8] [--baseline DIR]
import { existsSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { cnn48Model } from './lib/cnn48.mjs'
import { measure } from './lib/measure.mjs'
import { synthFer2013Csv } from './lib/synth.mjs'
import { ROOT, opt } from './lib/cli.mjs'

const rounds = Number(opt('rounds', '8'))
const baseline = opt('baseline', undefined)
const OUT = path.join(ROOT, 'tools', 'bench', 'out', 'pipeline')
const model = cnn48Model(OUT)
const csv = await synthFer2013Csv(OUT, { PublicTest: 3589, PrivateTest: 3589 })
const checkouts = { 'this checkout': ROOT, ...(baseline ? { baseline: path.resolve(baseline) } : {}) }
for (const dir of Object.values(checkouts))
  if (!existsSync(path.join(dir, 'oclif.manifest.json'))) throw new Error(`${dir}: build first (npm run tools)`)
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]
const runs = Object.fromEntries(
  Object.keys(checkouts).map((k) => [k, { startupMs: [], cpuSeconds: [], wallSeconds: [] }]),
)
let accuracy
for (let r = 0; r < rounds; r++) {
  const order = Object.keys(checkouts)
  for (const name of r % 2 === 0 ? order : order.reverse()) {
    const m = await measure(
      path.join(checkouts[name], 'bin', 'run.js'),
      ['eval', '--model', model, '--data', csv, '--split', 'PrivateTest', '--batch', '64', '--json'],
      { withChildren: true },
    )
    if (m.code !== 0) throw new Error(`${name}: ferbench exited ${m.code}: ${m.stderr.slice(-2000)}`)
    const doc = JSON.parse(m.stdout)
    if (accuracy !== undefined && doc.metrics.accuracy !== accuracy)
      throw new Error('the checkouts disagree on the accuracy')
    accuracy = doc.metrics.accuracy
    const cpu = m.cpuSecondsWithChildren ?? m.cpuSeconds
    runs[name].startupMs.push(doc.timing.split.startupMs)
    runs[name].cpuSeconds.push(cpu)
    runs[name].wallSeconds.push(m.wallSeconds)
    console.error(
      `round ${r + 1} ${name}: start-up ${doc.timing.split.startupMs.toFixed(0)} ms, ${m.wallSeconds.toFixed(2)} s wall, ${cpu.toFixed(2)} s CPU, load ${os.loadavg()[0].toFixed(1)}`,
    )
  }
}
console.log(`${os.cpus()[0]?.model} ×${os.cpus().length}, Node ${process.version}; medians of ${rounds} runs each`)
console.log('| checkout | start-up ms | wall s | CPU s (with runner process) |')
console.log('| --- | ---: | ---: | ---: |')
for (const [name, x] of Object.entries(runs))
  console.log(
    `| ${name} | ${median(x.startupMs).toFixed(0)} | ${median(x.wallSeconds).toFixed(2)} | ${median(x.cpuSeconds).toFixed(2)} |`,
  )
