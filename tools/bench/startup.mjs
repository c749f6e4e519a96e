#!/usr/bin/env node
// Issue 12 start-up benchmark: whole-process wall time of `ferbench --version`, `ferbench eval --help`,
// `ferbench datasets list --json` and `ferbench models presets --json` against bare `node -e 0`, the
// runs alternating (ABCD ABCD ...) so drift on a shared machine hits all of them; reports the median
// and the minimum of --rounds runs. Targets (issue 12): --version ≤ 0.25 s, eval --help ≤ 0.4 s.
// Build first (`npm run tools` also writes oclif.manifest.json, which is what keeps these light).
//
//   node tools/bench/startup.mjs [--rounds 15]
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { ROOT, opt } from './lib/cli.mjs'

const BIN = path.join(ROOT, 'bin', 'run.js')
const rounds = Number(opt('rounds', '15'))
if (!existsSync(path.join(ROOT, 'oclif.manifest.json')))
  throw new Error('build first: npm run tools (writes oclif.manifest.json)')

const CASES = {
  'node -e 0': ['-e', '0'],
  'ferbench --version': [BIN, '--version'],
  'ferbench eval --help': [BIN, 'eval', '--help'],
  'ferbench datasets list --json': [BIN, 'datasets', 'list', '--json'],
  'ferbench models presets --json': [BIN, 'models', 'presets', '--json'],
}
const times = Object.fromEntries(Object.keys(CASES).map((k) => [k, []]))
for (let r = 0; r < rounds + 1; r++) {
  for (const [name, argv] of Object.entries(CASES)) {
    const t0 = performance.now()
    const run = spawnSync(process.execPath, argv, {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    const seconds = (performance.now() - t0) / 1000
    if (run.status !== 0) throw new Error(`${name} exited ${run.status}: ${run.stderr}`)
    if (r > 0) times[name].push(seconds) // round 0 warms the file cache
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
console.log(
  `start-up, ${rounds} alternating runs each; ${os.cpus()[0]?.model ?? 'cpu'} ×${os.cpus().length}, load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}, Node ${process.version}`,
)
console.log('| command | median s | min s |')
console.log('| --- | ---: | ---: |')
for (const [name, xs] of Object.entries(times))
  console.log(`| \`${name}\` | ${median(xs).toFixed(3)} | ${Math.min(...xs).toFixed(3)} |`)
