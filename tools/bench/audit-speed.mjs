#!/usr/bin/env node
// Speed and recall of `ferbench datasets audit` together, on a FER2013-sized file: 35,887 rows (28,709 Training,
// 3,589 PublicTest, 3,589 PrivateTest) of realistic synthetic 48×48 faces, one person per row
// (tools/bench/lib/audit-resaves.mjs: 3-D shading, 1/f texture, hair, pose, light, JPEG as FER2013's), with
// copies of Training rows planted in the test rows: 100 exact copies and, per transformation class
// (photometric, shift, scale, jpeg/blur, mirror, combined, each at the strength the calibration states), 50
// re-saves. Build first (`npm run tools`).
//
//   node tools/bench/audit-speed.mjs [--rows 35887] [--seed 35887] [--view-workers N] [--rounds 1] [--no-cli]
//
// Times auditDataset() (what the command runs: CSV read, decode, sha256, views, index, alignment) in this
// process (wall and CPU seconds of the whole process, its view worker threads included — --view-workers, default
// the audit's own: one fewer than the cores, 0 = all on the main thread; on a shared machine the CPU time is what
// the audit costs; threadCpuSeconds splits it per thread: the main thread's and the others', busiest first, the view
// worker being the busiest of those; --rounds N times it N times in a row, each round's figures in `rounds`, and
// documentsIdentical says whether every round gave the same document), and
// `ferbench datasets audit --json` as a child process; prints the wall times, candidate and aligned counts,
// the planted copies found per class (and with the right class), the other pairs reported (every row is
// another person: each is a false pair; the first 10 are listed), and the load average. The CSV is written once to
// tools/bench/out/audit-speed/ (git-ignored).
import { execFileSync } from 'node:child_process'
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { RESAVES, seededRandom, syntheticFace } from './lib/audit-resaves.mjs'
import { ROOT, opt } from './lib/cli.mjs'

const { auditDataset } = await import(path.join(ROOT, 'dist/audit/auditDataset.js'))
const { machineInfo } = await import(path.join(ROOT, 'dist/base/provenance.js'))
const { defaultViewWorkers } = await import(path.join(ROOT, 'dist/audit/viewsPool.js'))
const viewWorkers = Number(opt('view-workers', String(defaultViewWorkers())))
const roundCount = Number(opt('rounds', '1'))
const rows = Number(opt('rows', '35887'))
const seed = Number(opt('seed', '35887'))
const OUT = path.join(ROOT, 'tools', 'bench', 'out', 'audit-speed')
mkdirSync(OUT, { recursive: true })
const file = path.join(OUT, `fer2013-realistic-${rows}-${seed}.csv`)
const trainingRows = Math.floor(rows * 0.8)
const usage = (row) => (row <= trainingRows ? 'Training' : row <= Math.floor(rows * 0.9) ? 'PublicTest' : 'PrivateTest')

// planted: copy k of kind K takes Training row source(k) into test row target(k)
const kinds = ['exact', ...Object.keys(RESAVES)]
const perKind = (kind) => (kind === 'exact' ? 100 : 50)
const plants = kinds.flatMap((kind) => Array.from({ length: perKind(kind) }, () => kind))
const testRows = rows - trainingRows
const step = Math.floor(trainingRows / plants.length)
const targetStep = Math.floor(testRows / plants.length)
const planted = plants.map((kind, k) => ({ kind, source: 1 + k * step, target: trainingRows + 1 + k * targetStep }))

if (!existsSync(file)) {
  const random = seededRandom(seed)
  const bySource = new Map(planted.map((p) => [p.source, p]))
  const byTarget = new Map(planted.map((p) => [p.target, p]))
  const kept = new Map()
  const out = createWriteStream(`${file}.tmp`)
  const write = (s) => (out.write(s) ? Promise.resolve() : new Promise((r) => out.once('drain', r)))
  await write('emotion,pixels,Usage\n')
  for (let row = 1; row <= rows; row++) {
    const p = byTarget.get(row)
    const face = p
      ? p.kind === 'exact'
        ? kept.get(p.source)
        : await RESAVES[p.kind].make(kept.get(p.source), random)
      : await syntheticFace(random)
    if (bySource.has(row)) kept.set(row, face)
    await write(`${row % 7},${Array.from(face.data).join(' ')},${usage(row)}\n`)
  }
  await new Promise((r) => out.end(r))
  renameSync(`${file}.tmp`, file)
}

/**
 * CPU seconds per thread of this process (Linux: utime + stime of /proc/self/task/<tid>/stat, sampled every 50 ms
 * so threads that end are kept), busiest first: the busiest thread's CPU is about the least wall time the audit can
 * take however idle the machine is, whatever the load now. Undefined where /proc is missing.
 */
function threadCpuSampler() {
  if (!existsSync('/proc/self/task')) return () => undefined
  const seconds = new Map()
  const sample = () => {
    for (const tid of readdirSync('/proc/self/task')) {
      try {
        const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
        seconds.set(tid, (Number(fields[11]) + Number(fields[12])) / 100)
      } catch {
        // the thread ended between the listing and the read: its last sample stands
      }
    }
  }
  sample()
  const before = new Map(seconds)
  const timer = setInterval(sample, 50)
  return () => {
    clearInterval(timer)
    sample()
    const main = String(process.pid)
    const all = [...seconds].map(([tid, s]) => ({ tid, s: s - (before.get(tid) ?? 0) }))
    return {
      mainThread: Math.round((all.find((t) => t.tid === main)?.s ?? 0) * 100) / 100,
      otherThreads: all
        .filter((t) => t.tid !== main && t.s >= 0.05)
        .map((t) => Math.round(t.s * 100) / 100)
        .sort((a, b) => b - a),
    }
  }
}

const load = [os.loadavg()[0]]
let t0
/** Each round: auditDataset() again on the same file (wall, CPU, per-thread CPU, load after it); the figures below the rounds are the last round's. */
const rounds = []
let result
let documentsIdentical = true
for (let round = 0; round < roundCount; round++) {
  t0 = performance.now()
  const cpu0 = process.cpuUsage()
  const stopThreads = threadCpuSampler()
  const audit = await auditDataset({ dataset: 'fer2013', data: file, viewWorkers })
  const threadCpuSeconds = stopThreads()
  const seconds = (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(cpu0)
  load.push(os.loadavg()[0])
  rounds.push({ seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, threadCpuSeconds, loadAverage1m: load.at(-1) })
  if (result && JSON.stringify(audit) !== JSON.stringify(result)) documentsIdentical = false
  result = audit
}
const { seconds: inProcessSeconds, cpuSeconds: inProcessCpuSeconds, threadCpuSeconds } = rounds.at(-1)
let cliSeconds
if (!process.argv.includes('--no-cli')) {
  t0 = performance.now()
  execFileSync(
    process.execPath,
    [path.join(ROOT, 'bin', 'run.js'), 'datasets', 'audit', '--dataset', 'fer2013', '--data', file, '--json'],
    { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'inherit'] },
  )
  cliSeconds = (performance.now() - t0) / 1000
  load.push(os.loadavg()[0])
}

const key = (a, b) => `${a} ${b}`
const want = new Map(planted.map((p) => [key(`row-${p.source}`, `row-${p.target}`), p]))
const found = Object.fromEntries(kinds.map((k) => [k, { found: 0, of: perKind(k), classRight: 0 }]))
for (const g of result.exactDuplicates) {
  const p = g.items.length === 2 && want.get(key(g.items[0].id, g.items[1].id))
  if (p && p.kind === 'exact') found.exact.found += 1
}
let otherNearPairs = 0
const otherNearPairList = []
for (const pair of result.nearDuplicates) {
  const p = want.get(key(pair.a.id, pair.b.id))
  if (!p || p.kind === 'exact') {
    otherNearPairs += 1
    if (otherNearPairList.length < 10)
      otherNearPairList.push({
        a: pair.a.id,
        b: pair.b.id,
        similarity: pair.similarity,
        transformation: pair.transformation,
      })
    continue
  }
  found[p.kind].found += 1
  if (p.kind === 'combined' || pair.transformation === p.kind) found[p.kind].classRight += 1
}
const summary = {
  rows,
  seed,
  samples: result.samples,
  viewWorkers,
  inProcessSeconds,
  inProcessCpuSeconds,
  threadCpuSeconds,
  rounds,
  documentsIdentical,
  cliSeconds,
  nearCandidates: result.method.nearCandidates,
  nearAligned: result.method.nearAligned,
  exactGroups: result.exactDuplicates.length,
  nearPairs: result.nearDuplicates.length,
  planted: found,
  otherExactGroups: result.exactDuplicates.length - found.exact.found,
  otherNearPairs,
  otherNearPairList,
  loadAverage1m: load,
  machine: machineInfo(),
}
writeFileSync(path.join(ROOT, 'tools', 'bench', 'out', 'audit-speed.json'), `${JSON.stringify(summary, null, 2)}\n`)
console.log(JSON.stringify(summary, null, 2))
