#!/usr/bin/env node
// Speed of `ferbench datasets audit` on a FER2013-sized file: 35,887 rows (28,709 Training, 3,589
// PublicTest, 3,589 PrivateTest) of realistic synthetic 48×48 faces (tools/fixtures/synthFace.ts:
// one layout, smooth shading — more alike than real FER2013 faces: 1.5 % of their pairs are within
// dHash distance 10, against about 0.25 % on a real FER2013 test file), with 100 exact and 100
// re-saved (JPEG 75 + 1 px shift) copies planted across splits. Build first (`npm run tools`).
//
//   node tools/bench/audit-speed.mjs [--rows 35887]
//
// Times auditDataset() (what the command runs: CSV read, decode, sha256, views, index, confirmation)
// in this process (wall and CPU seconds: on a shared machine the CPU time is what the audit costs),
// and `ferbench datasets audit --json` as a child process; prints the wall times,
// the candidate and pair counts, whether every planted copy was found and how many other pairs were
// reported, and the load average. The CSV is written once to tools/bench/out/audit-speed/ (git-ignored).
import { execFileSync } from 'node:child_process'
import { createWriteStream, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { jpegRoundTrip, seededRandom, shift, synthFace } from './lib/audit-pairs.mjs'
import { ROOT, opt } from './lib/cli.mjs'

const { auditDataset } = await import(path.join(ROOT, 'dist/audit/auditDataset.js'))
const { machineInfo } = await import(path.join(ROOT, 'dist/identity/provenance.js'))
const rows = Number(opt('rows', '35887'))
const OUT = path.join(ROOT, 'tools', 'bench', 'out', 'audit-speed')
mkdirSync(OUT, { recursive: true })
const file = path.join(OUT, `fer2013-faces-${rows}.csv`)
const usage = (row) => (row <= rows * 0.8 ? 'Training' : row <= rows * 0.9 ? 'PublicTest' : 'PrivateTest')
// planted: row k·step (Training) copied to a test row
const PLANTS = 200
const step = Math.floor((rows * 0.8) / PLANTS)
const plantedCopyRow = (k) => Math.floor(rows * 0.8) + 1 + k * Math.floor((rows * 0.2) / PLANTS)

if (!existsSync(file)) {
  const random = seededRandom(35_887)
  const faces = new Map()
  const out = createWriteStream(`${file}.tmp`)
  const write = (s) => (out.write(s) ? Promise.resolve() : new Promise((r) => out.once('drain', r)))
  await write('emotion,pixels,Usage\n')
  const copies = new Map(Array.from({ length: PLANTS }, (_, k) => [plantedCopyRow(k), (k + 1) * step]))
  for (let row = 1; row <= rows; row++) {
    let face
    const source = copies.get(row)
    if (source !== undefined) {
      const original = faces.get(source)
      face = source / step <= PLANTS / 2 ? original : await jpegRoundTrip(shift(original, 1, 0), 75)
    } else face = synthFace(random)
    if ([...copies.values()].includes(row)) faces.set(row, face)
    await write(`${row % 7},${face.data.join(' ')},${usage(row)}\n`)
  }
  await new Promise((r) => out.end(r))
  renameSync(`${file}.tmp`, file)
}

const load = [os.loadavg()[0]]
let t0 = performance.now()
const cpu0 = process.cpuUsage()
const result = await auditDataset({ dataset: 'fer2013', data: file })
const inProcessS = (performance.now() - t0) / 1000
const cpu = process.cpuUsage(cpu0)
const inProcessCpuS = (cpu.user + cpu.system) / 1e6
load.push(os.loadavg()[0])
t0 = performance.now()
execFileSync(
  process.execPath,
  [path.join(ROOT, 'bin', 'run.js'), 'datasets', 'audit', '--dataset', 'fer2013', '--data', file, '--json'],
  { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'inherit'] },
)
const cliS = (performance.now() - t0) / 1000
load.push(os.loadavg()[0])

const want = new Set(Array.from({ length: PLANTS }, (_, k) => `row-${(k + 1) * step} row-${plantedCopyRow(k)}`))
const exactFound = result.exactDuplicates.filter(
  (g) => g.items.length === 2 && want.has(`${g.items[0].id} ${g.items[1].id}`),
).length
const nearFound = result.nearDuplicates.filter((p) => want.has(`${p.a.id} ${p.b.id}`)).length
const summary = {
  rows,
  samples: result.samples,
  inProcessSeconds: inProcessS,
  inProcessCpuSeconds: inProcessCpuS,
  cliSeconds: cliS,
  nearCandidates: result.method.nearCandidates,
  exactGroups: result.exactDuplicates.length,
  nearPairs: result.nearDuplicates.length,
  plantedExactFound: `${exactFound}/${PLANTS / 2}`,
  plantedNearFound: `${nearFound}/${PLANTS / 2}`,
  otherExactGroups: result.exactDuplicates.length - exactFound,
  otherNearPairs: result.nearDuplicates.length - nearFound,
  loadAverage1m: load,
  machine: machineInfo(),
}
writeFileSync(path.join(ROOT, 'tools', 'bench', 'out', 'audit-speed.json'), `${JSON.stringify(summary, null, 2)}\n`)
console.log(JSON.stringify(summary, null, 2))
