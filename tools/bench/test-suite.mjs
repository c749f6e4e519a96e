#!/usr/bin/env node
// Issue 23 item 3: the whole `npm test` (lint, type-check and vitest, run together by
// tools/ci/test.mjs) on this machine, once: wall seconds, CPU seconds of every process it started
// (user + system, from /proc/self/stat once they have ended), the load average before and after,
// and each phase's wall time as test.mjs prints it. Goal: ≤ 120 s wall on the 2-core machine idle.
// Build first (`npm run build`; `npm ci` does it); the suite's own output goes to a log file.
//
//   node tools/bench/test-suite.mjs [--log tools/bench/out/test-suite.log]
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ROOT, opt } from './lib/cli.mjs'

const log = path.resolve(opt('log', path.join(ROOT, 'tools', 'bench', 'out', 'test-suite.log')))

/** CPU seconds (user + system) of this process's ended children, from /proc/self/stat (Linux). */
function childrenCpuSeconds() {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')
  // fields[13], fields[14]: cutime, cstime (stat fields 16 and 17), in clock ticks (100 a second on Linux)
  return (Number(fields[13]) + Number(fields[14])) / 100
}

const loadBefore = os.loadavg()
const cpuBefore = childrenCpuSeconds()
const started = performance.now()
const run = spawnSync(process.execPath, [path.join(ROOT, 'tools', 'ci', 'test.mjs')], {
  cwd: ROOT,
  encoding: 'utf8',
  env: { ...process.env, NO_COLOR: '1' },
  maxBuffer: 256 * 1024 * 1024,
})
const wallSeconds = (performance.now() - started) / 1000
const cpuSeconds = childrenCpuSeconds() - cpuBefore
const loadAfter = os.loadavg()
mkdirSync(path.dirname(log), { recursive: true })
writeFileSync(log, `${run.stdout}\n${run.stderr}`)

const phases = run.stdout.split('\n').filter((line) => /^(passed|FAILED) {2}/.test(line))
const counts = /Tests\s+(.*)\n/.exec(run.stdout)?.[1]?.trim() ?? 'see the log'
const fmt = (l) => l.map((x) => x.toFixed(1)).join(' / ')
console.log(`npm test (node tools/ci/test.mjs) on ${os.availableParallelism()} cores, exit ${run.status}`)
console.log(`  wall ${wallSeconds.toFixed(1)} s, CPU ${cpuSeconds.toFixed(1)} s (user + system, all processes)`)
console.log(`  load average (1/5/15 min) before ${fmt(loadBefore)}, after ${fmt(loadAfter)}`)
console.log(`  tests: ${counts}`)
for (const line of phases) console.log(`  ${line}`)
console.log(`  output: ${path.relative(ROOT, log)}`)
process.exitCode = run.status ?? 1
