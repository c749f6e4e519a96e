#!/usr/bin/env node
// The JavaScript corruption kernels (src/robust/corruptions.ts, convolve.ts, lowResolution.ts,
// rotate.ts, linear.ts) as `ferbench robust` runs them: corruptBatch over chunks of --chunk images
// of the robust bench's 981 generated 48×48 gray CK+48 faces (tools/bench/lib/ckplus48.mjs; with
// --colour the same faces as three-band images, each band tinted), all five severities (4,905
// corrupted images per corruption). One child process per checkout and round loads that
// checkout's dist/ and times each corruption in turn (main-thread CPU ms from process.cpuUsage and
// wall ms), then digests every output byte. With `--baseline DIR` (another built checkout, e.g. a
// `git worktree add` of main with `npm ci`, or a copy of its dist/ beside a node_modules) the
// checkouts alternate round by round; medians are printed per corruption, and any corruption whose
// bytes differ between checkouts (or rounds) fails the run. Build first: npm run build.
//
//   node tools/bench/corrupt-kernels.mjs [--rounds 3] [--chunk 32] [--colour] [--baseline DIR]
//                                        [--corruptions gaussian-noise,gaussian-blur,…]
import { execFileSync } from 'node:child_process'
import os from 'node:os'
import path from 'node:path'
import { ckplus48 } from './lib/ckplus48.mjs'
import { ROOT, opt } from './lib/cli.mjs'

const rounds = Number(opt('rounds', '3'))
const chunk = opt('chunk', '32')
const baseline = opt('baseline', undefined)
const colour = process.argv.includes('--colour') ? '1' : '0'
const corruptions = opt(
  'corruptions',
  'gaussian-noise,gaussian-blur,motion-blur,low-resolution,rotation,brightness,contrast,occlusion-eyes,occlusion-mouth',
)
const data = ckplus48(path.join(ROOT, 'tools', 'bench', 'out', 'robust'))

const CHILD = `
import { createHash } from 'node:crypto'
import { readdirSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
const [dist, folder, list, chunkText, colour] = process.argv.slice(1)
const chunk = Number(chunkText)
const { corruptBatch } = await import(pathToFileURL(path.join(dist, 'robust', 'corruptBatch.js')).href)
const sharp = (await import(pathToFileURL(path.join(dist, '..', 'node_modules', 'sharp', 'dist', 'index.mjs')).href)).default
const files = []
for (const d of readdirSync(folder).sort())
  for (const f of readdirSync(path.join(folder, d)).sort()) if (f.endsWith('.png')) files.push(path.join(folder, d, f))
const images = []
for (const f of files) {
  const gray = new Uint8Array(await sharp(f).greyscale().raw().toBuffer())
  if (colour !== '1') images.push({ data: gray, width: 48, height: 48, channels: 1 })
  else {
    const data = new Uint8Array(gray.length * 3)
    for (let i = 0; i < gray.length; i++) {
      data[3 * i] = gray[i]
      data[3 * i + 1] = Math.round(gray[i] * 0.9)
      data[3 * i + 2] = Math.min(255, gray[i] + 12)
    }
    images.push({ data, width: 48, height: 48, channels: 3 })
  }
}
const ids = files.map((f) => path.basename(f))
const result = {}
for (const corruption of list.split(',')) {
  const conditions = [1, 2, 3, 4, 5].map((severity) => ({ corruption, severity }))
  const hash = createHash('sha256')
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  const batches = []
  for (let at = 0; at < images.length; at += chunk)
    batches.push(await corruptBatch(images.slice(at, at + chunk), ids.slice(at, at + chunk), conditions, 0))
  const wallMs = performance.now() - t0
  const cpu = process.cpuUsage(c0)
  for (const batch of batches) for (const row of batch) for (const cell of row) {
    if (!cell.image) throw new Error(corruption + ' failed: ' + String(cell.error))
    hash.update(cell.image.data)
  }
  result[corruption] = { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, digest: hash.digest('hex') }
}
console.log(JSON.stringify(result))
`

const checkouts = { 'this checkout': ROOT, ...(baseline ? { baseline: path.resolve(baseline) } : {}) }
const runs = Object.fromEntries(Object.keys(checkouts).map((name) => [name, []]))
const loads = []
for (let r = 0; r < rounds; r++) {
  const names = Object.keys(checkouts)
  for (const name of r % 2 === 0 ? names : names.reverse()) {
    loads.push(os.loadavg()[0])
    const out = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', CHILD, path.join(checkouts[name], 'dist'), data, corruptions, chunk, colour],
      { encoding: 'utf8' },
    )
    runs[name].push(JSON.parse(out.trim().split('\n').pop()))
    process.stderr.write(`round ${r + 1} ${name} done\n`)
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]
console.log(
  `corruptBatch, 981 ${colour === '1' ? 'three-band' : 'gray'} 48×48 faces × 5 severities, ${chunk} a call, ${rounds} rounds; ` +
    `${os.cpus().length} cores, 1-min load ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`,
)
const names = Object.keys(checkouts)
console.log(`${'corruption'.padEnd(16)} ${names.map((n) => `${n} CPU ms (wall ms)`.padStart(32)).join('')}  ratio CPU`)
let failed = false
const totals = Object.fromEntries(names.map((n) => [n, 0]))
for (const corruption of corruptions.split(',')) {
  const cells = names.map((name) => {
    const cpu = median(runs[name].map((run) => run[corruption].cpuMs))
    const wall = median(runs[name].map((run) => run[corruption].wallMs))
    totals[name] += cpu
    return { cpu, wall }
  })
  const digests = new Set(names.flatMap((name) => runs[name].map((run) => run[corruption].digest)))
  const same = digests.size === 1
  failed ||= !same
  console.log(
    `${corruption.padEnd(16)} ${cells.map(({ cpu, wall }) => `${cpu.toFixed(0)} (${wall.toFixed(0)})`.padStart(32)).join('')}` +
      `  ${cells.length > 1 ? (cells[0].cpu / cells[1].cpu).toFixed(2) : ''}${same ? '' : '  BYTES DIFFER'}`,
  )
}
console.log(
  `${'sum of medians'.padEnd(16)} ${names.map((n) => `${totals[n].toFixed(0)}`.padStart(32)).join('')}  ${
    names.length > 1 ? (totals[names[0]] / totals[names[1]]).toFixed(2) : ''
  }`,
)
if (failed) {
  console.error('outputs differ between checkouts or rounds')
  process.exit(1)
}
if (baseline) console.log('same bytes in both checkouts for every corruption, image and severity')
