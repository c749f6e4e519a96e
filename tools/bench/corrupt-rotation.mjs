// The rotation corruption's cost in corruptBatch (src/robust/corruptBatch.ts) on the robust bench's
// 981 generated 48×48 gray CK+48 faces (tools/bench/lib/ckplus48.mjs), 5 severities, 32 images a
// call (4,905 rotations), in this checkout's dist/ and, with `--baseline DIR` (another built
// checkout, e.g. one at a commit before src/robust/rotate.ts), in that one too, alternating rounds
// in one process pair each. It prints wall and CPU milliseconds per round and the median, and checks
// that both checkouts give the same bytes for every image and severity.
//   npm run build && node tools/bench/corrupt-rotation.mjs [--rounds 3] [--baseline DIR] [--corruption rotation]
import { execFileSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ckplus48 } from './lib/ckplus48.mjs'
import { ROOT, opt } from './lib/cli.mjs'

const rounds = Number(opt('rounds', '3'))
const baseline = opt('baseline', undefined)
const corruption = opt('corruption', 'rotation')
const data = ckplus48(path.join(ROOT, 'tools', 'bench', 'out', 'robust'))

// One child process per checkout and round: it loads that checkout's dist/, times corruptBatch,
// and prints its timing and a digest of every output byte.
const CHILD = `
import { createHash } from 'node:crypto'
import { readdirSync } from 'node:fs'
import path from 'node:path'
const [dist, folder, corruption] = process.argv.slice(1)
const { corruptBatch } = await import(path.join(dist, 'robust', 'corruptBatch.js'))
const sharp = (await import(path.join(dist, '..', 'node_modules', 'sharp', 'dist', 'index.mjs'))).default
const files = []
for (const d of readdirSync(folder).sort())
  for (const f of readdirSync(path.join(folder, d)).sort()) if (f.endsWith('.png')) files.push(path.join(folder, d, f))
const images = []
for (const f of files)
  images.push({ data: new Uint8Array(await sharp(f).greyscale().raw().toBuffer()), width: 48, height: 48, channels: 1 })
const ids = files.map((f) => path.basename(f))
const conditions = [1, 2, 3, 4, 5].map((severity) => ({ corruption, severity }))
const hash = createHash('sha256')
const c0 = process.cpuUsage()
const t0 = performance.now()
const results = []
for (let at = 0; at < images.length; at += 32)
  results.push(await corruptBatch(images.slice(at, at + 32), ids.slice(at, at + 32), conditions, 0))
const wallMs = performance.now() - t0
const cpu = process.cpuUsage(c0)
for (const batch of results) for (const row of batch) for (const cell of row) {
  if (!cell.image) throw new Error('a corruption failed: ' + String(cell.error))
  hash.update(cell.image.data)
}
console.log(JSON.stringify({ wallMs, cpuMs: (cpu.user + cpu.system) / 1000, images: images.length, digest: hash.digest('hex') }))
`

const checkouts = { 'this checkout': ROOT, ...(baseline ? { baseline: path.resolve(baseline) } : {}) }
const runs = Object.fromEntries(Object.keys(checkouts).map((name) => [name, []]))
for (let r = 0; r < rounds; r++)
  for (const [name, dir] of Object.entries(checkouts)) {
    const out = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', CHILD, path.join(dir, 'dist'), data, corruption],
      { encoding: 'utf8' },
    )
    const run = JSON.parse(out.trim().split('\n').pop())
    runs[name].push(run)
    console.log(
      `${name} round ${r + 1}: ${corruption} wall ${run.wallMs.toFixed(0)} ms, CPU ${run.cpuMs.toFixed(0)} ms`,
    )
  }

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const faces = readdirSync(data).reduce((n, d) => n + readdirSync(path.join(data, d)).length, 0)
console.log(
  `\n${corruption} in corruptBatch, ${faces} faces × 5 severities, 32 a call; ${os.cpus().length} cores, load ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
)
for (const [name, list] of Object.entries(runs))
  console.log(
    `  ${name.padEnd(14)} median wall ${median(list.map((r) => r.wallMs)).toFixed(0)} ms, CPU ${median(list.map((r) => r.cpuMs)).toFixed(0)} ms  (digest ${list[0].digest.slice(0, 16)})`,
  )
const digests = new Set(Object.values(runs).flatMap((list) => list.map((r) => r.digest)))
if (digests.size !== 1) {
  console.error('the checkouts (or rounds) gave different bytes')
  process.exit(1)
}
if (baseline) console.log('  same bytes in both checkouts, every image and severity')
