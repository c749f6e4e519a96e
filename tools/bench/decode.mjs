#!/usr/bin/env node
// Decode benchmark: a folder of 7,178 small JPEGs (FER2013's merged test/ folder: 3,589 PublicTest_*
// + 3,589 PrivateTest_*, 48×48 grayscale, test/<class>/<Split>_<n>.jpg) decoded by
//   plain    : a `for` loop awaiting `sharp(file).raw().toBuffer()` per file (the baseline);
//   ferbench : the folder adapter's samples of split `test`, each `load()`ed through the eval loop's
//              bounded prefetch (dist/engine/prefetch.js) with evaluate()'s default --concurrency,
//              i.e. exactly the read/decode stage `ferbench eval --dataset folder` runs;
//   eval     : (once per round) evaluate() on the same folder with the oracle model and its card,
//              wall time of the whole run (listing + decode + preprocess + inference + metrics).
// plain and ferbench run interleaved in ABBA order for --rounds rounds after one untimed warm-up
// pass each (page cache warm for both). The whole measurement is repeated in child processes with
// UV_THREADPOOL_SIZE = each value of --pools (sharp runs every image on libuv's threadpool;
// sharp.concurrency() is libvips' threads *within* one image).
//
//   npm run tools && node tools/bench/decode.mjs [--rounds 3] [--pools default,2,8] [--concurrency 4] [--eval 1]
//
// Images are generated once into tools/bench/out/decode/ (git-ignored); results go to
// tools/bench/out/decode.json and tools/bench/out/decode.md.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { mulberry32 as rng } from './lib/synth.mjs'
import sharp from 'sharp'
import { ROOT, opt } from './lib/cli.mjs'

const OUT = path.join(ROOT, 'tools', 'bench', 'out')
const DATA = path.join(OUT, 'decode', 'fer2013-jpg')
const CLASSES = ['angry', 'disgust', 'fear', 'happy', 'neutral', 'sad', 'surprise']
const PER_SPLIT = 3589

const args = process.argv.slice(2)

async function generate() {
  const marker = path.join(DATA, '.complete')
  if (existsSync(marker)) return
  const random = rng(7178)
  let n = 0
  for (const split of ['PublicTest', 'PrivateTest']) {
    for (let i = 0; i < PER_SPLIT; i++) {
      const cls = CLASSES[i % CLASSES.length]
      const dir = path.join(DATA, 'test', cls)
      mkdirSync(dir, { recursive: true })
      // a smooth gradient plus noise: JPEG sizes like FER2013's (~1.5 KB)
      const px = Buffer.alloc(48 * 48)
      const base = Math.floor(random() * 160)
      for (let y = 0; y < 48; y++)
        for (let x = 0; x < 48; x++) px[y * 48 + x] = Math.min(255, base + y * 1.5 + x * 0.5 + random() * 40)
      await sharp(px, { raw: { width: 48, height: 48, channels: 1 } })
        .jpeg({ quality: 90 })
        .toFile(path.join(dir, `${split}_${10000000 + n}.jpg`))
      n += 1
    }
  }
  writeFileSync(marker, `${n}\n`)
}

function listFiles() {
  const out = []
  const test = path.join(DATA, 'test')
  for (const cls of readdirSync(test).sort())
    for (const f of readdirSync(path.join(test, cls)).sort()) out.push(path.join(test, cls, f))
  return out
}

async function child() {
  const { createDataset } = await import(path.join(ROOT, 'dist/datasets/registry.js'))
  const { prefetch } = await import(path.join(ROOT, 'dist/engine/prefetch.js'))
  const { evaluate } = await import(path.join(ROOT, 'dist/engine/evaluate.js'))
  const { evalSpec, DEFAULT_CONCURRENCY } = await import(path.join(ROOT, 'dist/engine/spec.js'))
  const rounds = Number(opt('rounds', '3'))
  const concurrency = Number(opt('concurrency', String(DEFAULT_CONCURRENCY)))
  const withEval = opt('eval', '1') !== '0'
  const files = listFiles()

  const cpuMs = (c0) => {
    const c = process.cpuUsage(c0)
    return (c.user + c.system) / 1000
  }
  const plain = async () => {
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    let bytes = 0
    for (const file of files) bytes += (await sharp(file).raw().toBuffer()).length
    return { ms: performance.now() - t0, cpuMs: cpuMs(c0), images: files.length, bytes }
  }
  const ferbench = async () => {
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    const adapter = await createDataset('folder', { data: DATA })
    let images = 0
    let bytes = 0
    for await (const outcome of prefetch(adapter.samples('test'), concurrency, (s) => s.load())) {
      if (!outcome.ok) throw outcome.error
      images += 1
      bytes += outcome.value.data.length
    }
    return { ms: performance.now() - t0, cpuMs: cpuMs(c0), images, bytes }
  }
  const evalRun = async () => {
    const t0 = performance.now()
    const r = await evaluate(
      evalSpec({
        model: path.join(ROOT, 'fixtures/models/oracle.onnx'),
        dataset: 'folder',
        data: DATA,
        split: 'test',
        batch: 32,
        device: 'cpu',
        extraClasses: 'drop',
        concurrency,
      }),
    )
    return { ms: performance.now() - t0, images: r.dataset.samples, stagesMs: r.timing.stagesMs }
  }

  await plain()
  await ferbench()
  const times = { plain: [], ferbench: [], eval: [] }
  const cpu = { plain: [], ferbench: [] }
  let check
  for (let r = 0; r < rounds; r++) {
    const order =
      r % 2 === 0
        ? [
            ['plain', plain],
            ['ferbench', ferbench],
            ['ferbench', ferbench],
            ['plain', plain],
          ]
        : [
            ['ferbench', ferbench],
            ['plain', plain],
            ['plain', plain],
            ['ferbench', ferbench],
          ]
    for (const [name, fn] of order) {
      const m = await fn()
      times[name].push(m.ms)
      cpu[name].push(m.cpuMs)
      check ??= {}
      check[name] = m
    }
    if (withEval) {
      const e = await evalRun()
      times.eval.push(e.ms)
      check.eval = e
    }
  }
  // plain sharp() output is sRGB (3 bytes/pixel) even for gray JPEGs; ferbench keeps gray as 1 channel
  if (check.plain.images !== check.ferbench.images)
    throw new Error(`contenders disagree: plain ${check.plain.images} images, ferbench ${check.ferbench.images}`)
  const stat = (xs) => {
    const sorted = [...xs].sort((a, b) => a - b)
    return {
      runs: xs.length,
      medianMs: sorted[Math.floor(sorted.length / 2)],
      minMs: sorted[0],
      meanMs: xs.reduce((a, b) => a + b, 0) / xs.length,
    }
  }
  process.stdout.write(
    JSON.stringify({
      uvThreadpoolSize: process.env.UV_THREADPOOL_SIZE ?? 'default (4)',
      sharpConcurrency: sharp.concurrency(),
      concurrency,
      images: check.plain.images,
      bytesPerImage: {
        plain: check.plain.bytes / check.plain.images,
        ferbench: check.ferbench.bytes / check.ferbench.images,
      },
      plain: { ...stat(times.plain), cpuMedianMs: stat(cpu.plain).medianMs },
      ferbench: { ...stat(times.ferbench), cpuMedianMs: stat(cpu.ferbench).medianMs },
      ...(withEval ? { eval: { ...stat(times.eval), stagesMs: check.eval.stagesMs } } : {}),
    }),
  )
}

async function main() {
  const { machineInfo } = await import(path.join(ROOT, 'dist/base/provenance.js'))
  await generate()
  const pools = opt('pools', 'default,2,8').split(',')
  const rows = []
  for (const pool of pools) {
    const env = { ...process.env }
    if (pool === 'default') delete env.UV_THREADPOOL_SIZE
    else env.UV_THREADPOOL_SIZE = pool
    const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', ...args], {
      env,
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    })
    const row = JSON.parse(out)
    rows.push(row)
    process.stderr.write(
      `UV_THREADPOOL_SIZE=${row.uvThreadpoolSize}: plain ${row.plain.medianMs.toFixed(0)} ms, ferbench ${row.ferbench.medianMs.toFixed(0)} ms\n`,
    )
  }
  const machine = machineInfo()
  const fmt = (ms, n) => `${ms.toFixed(0)} ms (${((n / ms) * 1000).toFixed(0)} img/s)`
  const lines = [
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${(machine.memoryBytes / 2 ** 30).toFixed(0)} GiB, ${machine.os}, Node ${machine.node}, sharp ${sharp.versions.sharp} (libvips ${sharp.versions.vips})`,
    `Data: ${rows[0].images} grayscale 48×48 JPEGs in test/<class>/ (tools/bench/out/decode); median of ${rows[0].plain.runs} interleaved runs each`,
    '',
    '| UV_THREADPOOL_SIZE | sharp.concurrency() | plain `for` loop over sharp(): wall (CPU) | ferbench folder adapter + prefetch (concurrency ' +
      rows[0].concurrency +
      '): wall (CPU) | speed-up (plain wall / ferbench wall) | whole `evaluate()` (oracle model) |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.uvThreadpoolSize} | ${r.sharpConcurrency} | ${fmt(r.plain.medianMs, r.images)}, CPU ${r.plain.cpuMedianMs.toFixed(0)} ms | ${fmt(r.ferbench.medianMs, r.images)}, CPU ${r.ferbench.cpuMedianMs.toFixed(0)} ms | ${(r.plain.medianMs / r.ferbench.medianMs).toFixed(2)}× | ${r.eval ? fmt(r.eval.medianMs, r.images) : '–'} |`,
    ),
  ]
  mkdirSync(OUT, { recursive: true })
  writeFileSync(path.join(OUT, 'decode.json'), JSON.stringify({ machine, rows }, null, 2))
  writeFileSync(path.join(OUT, 'decode.md'), `${lines.join('\n')}\n`)
  process.stdout.write(`${lines.join('\n')}\n`)
}

if (args.includes('--child')) await child()
else await main()
