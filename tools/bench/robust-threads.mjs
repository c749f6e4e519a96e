#!/usr/bin/env node
// Where `ferbench robust`'s CPU goes, per thread: runs the robust bench's command (tools/bench/robust.mjs:
// 981 CK+48-sized faces, every corruption and severity, the 0.84 M-parameter CNN, batch 32) and reads
// /proc/<pid>/task/<tid>/stat of the command process and of its runner process every 20 ms (Linux only),
// keeping each thread's last user + system CPU. Prints, per round: the wall time; the command's main
// thread and its other threads (V8's garbage-collection and compiler helpers, libuv, sharp); the runner
// process's main thread and its session threads (the busiest N, one per ONNX session); and the sum.
// A thread that ends between two reads loses at most its last 20 ms. Build first (npm run tools).
//
//   node tools/bench/robust-threads.mjs [--rounds 3] [--sessions 2] [--baseline DIR]
//
// --baseline DIR: also run DIR's bin/run.js (a built checkout) on the same data, alternating with this one.
import { spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { ckplus48 } from './lib/ckplus48.mjs'
import { cnn48Model } from './lib/cnn48.mjs'
import { ROOT, opt } from './lib/cli.mjs'

const OUT = path.join(ROOT, 'tools', 'bench', 'out', 'robust')
const rounds = Number(opt('rounds', '3'))
const sessions = Number(opt('sessions', '2'))
const baseline = opt('baseline', undefined)
const checkouts = baseline ? [ROOT, path.resolve(baseline)] : [ROOT]
const TICK_S = 1 / 100 // USER_HZ on Linux

/** Each thread's CPU seconds of a process (utime + stime), by thread id; empty once it is gone. */
function threadCpu(pid) {
  const out = new Map()
  let tids = []
  try {
    tids = readdirSync(`/proc/${pid}/task`)
  } catch {
    return out
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      out.set(tid, (Number(fields[11]) + Number(fields[12])) * TICK_S)
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out
}

function children(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number)
  } catch {
    return []
  }
}

const sum = (xs) => xs.reduce((a, b) => a + b, 0)
const data = ckplus48(OUT)
const model = cnn48Model(OUT)
const rows = []
for (let r = 0; r < rounds; r++)
  for (const checkout of checkouts) {
    const t0 = performance.now()
    const child = spawn(
      process.execPath,
      [
        path.join(checkout, 'bin', 'run.js'),
        'robust',
        '--model',
        model,
        '--dataset',
        'ckplus',
        '--data',
        data,
        '--batch',
        '32',
        '--output',
        path.join(OUT, 'robust-threads.json'),
        '--json',
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    )
    const exited = new Promise((resolve) => child.once('exit', resolve))
    let done = false
    void exited.then(() => {
      done = true
    })
    const command = new Map()
    const runner = new Map()
    let runnerPid
    while (!done) {
      for (const [tid, s] of threadCpu(child.pid)) command.set(tid, s)
      runnerPid ??= children(child.pid)[0]
      if (runnerPid !== undefined) for (const [tid, s] of threadCpu(runnerPid)) runner.set(tid, s)
      await sleep(20)
    }
    const code = await exited
    if (code !== 0) throw new Error(`ferbench robust exited ${code}`)
    const wallSeconds = (performance.now() - t0) / 1000
    const commandMain = command.get(String(child.pid)) ?? 0
    const commandOther = sum([...command].filter(([tid]) => tid !== String(child.pid)).map(([, s]) => s))
    const runnerMain = runner.get(String(runnerPid)) ?? 0
    const others = [...runner]
      .filter(([tid]) => tid !== String(runnerPid))
      .map(([, s]) => s)
      .sort((a, b) => b - a)
    const engines = others.slice(0, sessions)
    const row = {
      round: r + 1,
      checkout,
      wallSeconds,
      commandMainCpuSeconds: commandMain,
      commandOtherThreadsCpuSeconds: commandOther,
      runnerMainCpuSeconds: runnerMain,
      runnerSessionThreadsCpuSeconds: engines,
      runnerOtherThreadsCpuSeconds: sum(others.slice(sessions)),
      totalCpuSeconds: commandMain + commandOther + runnerMain + sum(others),
      loadAverage1m: os.loadavg()[0],
    }
    rows.push(row)
    const f = (x) => x.toFixed(2)
    console.error(
      `round ${row.round} ${checkout === ROOT ? 'this checkout' : checkout}: ${f(wallSeconds)} s wall; command main ${f(commandMain)} s, its other threads ${f(commandOther)} s; runner main ${f(runnerMain)} s, sessions ${engines.map(f).join(' + ')} s, other ${f(row.runnerOtherThreadsCpuSeconds)} s; total ${f(row.totalCpuSeconds)} s CPU (load ${row.loadAverage1m.toFixed(1)})`,
    )
  }
console.log(JSON.stringify({ machine: `${os.cpus()[0]?.model}, ${os.cpus().length} cores`, rounds: rows }, null, 2))
