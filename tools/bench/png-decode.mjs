#!/usr/bin/env node
// PNG decode benchmark: every PNG under --dir (default: the robust bench's 981 CK+48 faces,
// tools/bench/out/robust/CK+48, built by `node tools/bench/robust.mjs --rounds 0`) decoded by
//   sharp    : the sharp path that decodeImageFile took for every PNG before src/datasets/pngDecode.ts,
//              written out here (file read, a metadata() header pass, one pipeline to 8-bit b-w or
//              sRGB, collapseGray), i.e. two sharp calls per file;
//   ferbench : decodeImageFile from this checkout's dist/ (simple PNGs decoded in JavaScript);
//   baseline : (with --baseline DIR) decodeImageFile from DIR/dist/, a built checkout to compare with.
// Each pass decodes all files with --concurrency (default 4, DECODE_SLOTS) decodes in flight; passes
// run interleaved (ABBA) for --rounds rounds after one untimed warm-up pass each. Every file's pixels
// are compared across the decoders first (any difference fails the run). Prints wall and CPU seconds
// per pass (medians) and the ratios; writes tools/bench/out/png-decode.json.
//
//   npm run build && node tools/bench/png-decode.mjs [--rounds 5] [--dir DIR] [--baseline DIR] [--concurrency 4]
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import sharp from 'sharp'
import { ROOT, opt } from './lib/cli.mjs'

const rounds = Number(opt('rounds', '5'))
const concurrency = Number(opt('concurrency', '4'))
const dir = path.resolve(opt('dir', path.join(ROOT, 'tools', 'bench', 'out', 'robust', 'CK+48')))
const baselineDir = opt('baseline', undefined)

const { decodeImageFile, collapseGray } = await import(
  pathToFileURL(path.join(ROOT, 'dist', 'datasets', 'decode.js')).href
)
const baseline = baselineDir
  ? (await import(pathToFileURL(path.resolve(baselineDir, 'dist', 'datasets', 'decode.js')).href)).decodeImageFile
  : undefined

function listPngs(root) {
  const out = []
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const file = path.join(root, entry.name)
    if (entry.isDirectory()) out.push(...listPngs(file))
    else if (entry.name.toLowerCase().endsWith('.png')) out.push(file)
  }
  return out.sort()
}

/** The pre-pngDecode sharp path for a PNG file, as decode.ts ran it (default limits). */
async function sharpPath(file) {
  const buffer = readFileSync(file)
  const meta = await sharp(buffer, { limitInputPixels: false }).metadata()
  const gray = (meta.space === 'b-w' || meta.space === 'grey16') && (meta.channels ?? 3) <= 2
  let pipeline = sharp(buffer, { limitInputPixels: 4096 * 4096 })
  pipeline = gray ? pipeline.toColourspace('b-w') : pipeline.removeAlpha().toColourspace('srgb')
  const { data, info } = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true })
  return collapseGray({ data: new Uint8Array(data), width: info.width, height: info.height, channels: info.channels })
}

const decoders = {
  sharp: sharpPath,
  ferbench: (file) => decodeImageFile(file),
  ...(baseline ? { baseline: (file) => baseline(file) } : {}),
}

async function pass(decode, files) {
  const results = new Array(files.length)
  let next = 0
  const worker = async () => {
    while (next < files.length) {
      const i = next++
      results[i] = await decode(files[i])
    }
  }
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  await Promise.all(Array.from({ length: concurrency }, worker))
  const wallS = (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(cpu0)
  return { wallS, cpuS: (cpu.user + cpu.system) / 1e6, results }
}

const key = (image) => `${image.width}x${image.height}x${image.channels}:${Buffer.from(image.data).toString('base64')}`
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

const files = listPngs(dir)
if (files.length === 0) {
  console.error(`no PNG under ${dir}: build it with \`node tools/bench/robust.mjs --rounds 0\` or pass --dir`)
  process.exit(1)
}
const names = Object.keys(decoders)
const first = {}
for (const name of names) first[name] = (await pass(decoders[name], files)).results
for (const name of names.slice(1)) {
  const differ = files.filter((_, i) => key(first[name][i]) !== key(first.sharp[i]))
  if (differ.length > 0) {
    console.error(
      `${name}: ${differ.length} of ${files.length} files decode differently from the sharp path, e.g. ${differ[0]}`,
    )
    process.exit(1)
  }
}
console.log(
  `${files.length} PNGs under ${path.relative(ROOT, dir)}: every file's pixels equal across ${names.join(', ')}`,
)

const timings = Object.fromEntries(names.map((n) => [n, []]))
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? names : [...names].reverse()
  for (const name of order) {
    const { wallS, cpuS } = await pass(decoders[name], files)
    timings[name].push({ wallS, cpuS })
  }
}
const summary = Object.fromEntries(
  names.map((n) => [n, { wallS: median(timings[n].map((t) => t.wallS)), cpuS: median(timings[n].map((t) => t.cpuS)) }]),
)
const load = os.loadavg()[0]
for (const n of names)
  console.log(
    `${n.padEnd(8)} wall ${summary[n].wallS.toFixed(3)} s  CPU ${summary[n].cpuS.toFixed(3)} s  (${((summary[n].wallS * 1e3) / files.length).toFixed(3)} ms/file; median of ${rounds})`,
  )
console.log(
  `ferbench / sharp: wall ${(summary.ferbench.wallS / summary.sharp.wallS).toFixed(3)}, CPU ${(summary.ferbench.cpuS / summary.sharp.cpuS).toFixed(3)}; load ${load.toFixed(2)} on ${os.cpus().length} cores`,
)
if (summary.baseline)
  console.log(
    `ferbench / baseline (${baselineDir}): wall ${(summary.ferbench.wallS / summary.baseline.wallS).toFixed(3)}, CPU ${(summary.ferbench.cpuS / summary.baseline.cpuS).toFixed(3)}`,
  )
writeFileSync(
  path.join(ROOT, 'tools', 'bench', 'out', 'png-decode.json'),
  `${JSON.stringify({ files: files.length, dir, rounds, concurrency, load, summary, timings }, null, 2)}\n`,
)
