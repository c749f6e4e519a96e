#!/usr/bin/env node
// Image memory benchmark (issue 22, item 1): peak RSS (getrusage) of the whole `ferbench eval`
// process on manifests whose images have extreme shapes, at --concurrency 1 and at the maximum
// (64), with the default decode limits and with every limit raised to its upper bound
// (--max-pixels 268402689 --max-side 65535 --max-aspect 65535). Each manifest holds 8 copies of
// one shape (separate files) and 8 good 48×48 PNGs; the oracle model scores the good ones. A case
// passes when peak RSS ≤ 1 GiB, whatever the exit code (7: the large images were refused by a
// documented bound; each refusal's reason is printed).
// Images are generated (sharp, solid colour, non-interlaced PNG) into tools/bench/out/image-memory/
// on the first run. Build first (`npm run build`).
//
//   node tools/bench/image-memory.mjs [--copies 8] [--cases 1x16M,16Mx1,16000sq,4096sq,1x65535,65535x1]
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import sharp from 'sharp'
import { ROOT, opt } from './lib/cli.mjs'
import { measure } from './lib/measure.mjs'

const OUT = path.join(ROOT, 'tools', 'bench', 'out', 'image-memory')
const BIN = path.join(ROOT, 'bin', 'run.js')
const ORACLE = path.join(ROOT, 'fixtures', 'models', 'oracle.onnx')
const GIB = 1024
const copies = Number(opt('copies', '8'))
const SHAPES = {
  '1x16M': [1, 16_000_000],
  '16Mx1': [16_000_000, 1],
  '16000sq': [16_000, 16_000],
  '4096sq': [4096, 4096],
  '1x65535': [1, 65_535],
  '65535x1': [65_535, 1],
}
const caseNames = opt('cases', Object.keys(SHAPES).join(',')).split(',')
if (!existsSync(path.join(ROOT, 'dist', 'commands', 'eval.js'))) throw new Error('build first: npm run build')
const { machineInfo } = await import(path.join(ROOT, 'dist', 'base', 'provenance.js'))
mkdirSync(OUT, { recursive: true })

async function makePng(file, width, height, background) {
  if (existsSync(file)) return
  const bytes = await sharp({ create: { width, height, channels: 3, background }, limitInputPixels: false })
    .png()
    .toBuffer()
  writeFileSync(`${file}.tmp`, bytes)
  copyFileSync(`${file}.tmp`, file)
}

/** A manifest of `copies` files of one shape and 8 good 48×48 faces (one per emotion but contempt, then neutral). */
async function manifestFor(name, [width, height]) {
  const root = path.join(OUT, name)
  const manifest = path.join(root, 'manifest.csv')
  if (existsSync(manifest)) return manifest
  mkdirSync(root, { recursive: true })
  console.error(`generating ${width}×${height} PNG ...`)
  const big = path.join(root, 'big-0.png')
  await makePng(big, width, height, { r: 200, g: 120, b: 40 })
  const lines = ['path,label']
  for (let i = 0; i < copies; i++) {
    if (i > 0) copyFileSync(big, path.join(root, `big-${i}.png`))
    lines.push(`big-${i}.png,happy`)
  }
  const labels = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral', 'neutral']
  for (let i = 0; i < 8; i++) {
    await makePng(path.join(root, `face-${i}.png`), 48, 48, { r: 30 * i, g: 30 * i, b: 30 * i })
    lines.push(`face-${i}.png,${labels[i]}`)
  }
  writeFileSync(manifest, `${lines.join('\n')}\n`)
  return manifest
}

const RAISED = ['--max-pixels', '268402689', '--max-side', '65535', '--max-aspect', '65535']
const rows = []
for (const name of caseNames) {
  const shape = SHAPES[name]
  if (!shape) throw new Error(`unknown case ${name}; cases: ${Object.keys(SHAPES).join(', ')}`)
  const manifest = await manifestFor(name, shape)
  for (const [limits, extra] of [
    ['default', []],
    ['raised', RAISED],
  ]) {
    for (const concurrency of ['1', '64']) {
      const r = await measure(BIN, [
        'eval',
        '--model',
        ORACLE,
        '--dataset',
        'manifest',
        '--data',
        manifest,
        '--concurrency',
        concurrency,
        ...extra,
        '--json',
      ])
      let doc
      try {
        doc = JSON.parse(r.stdout)
      } catch {
        throw new Error(`${name} ${limits} c${concurrency}: exit ${r.code}, no JSON\n${r.stderr.slice(-2000)}`)
      }
      const failure = doc.failures.find((f) => f.source?.includes('big-') || f.id?.includes('big-'))
      const reason = failure ? failure.error.replace(/^.*big-\d+\.png: /, '') : ''
      rows.push({
        name,
        limits,
        concurrency: Number(concurrency),
        exitCode: r.code,
        peakRssMiB: r.peakRssMiB,
        wallSeconds: r.wallSeconds,
        scored: doc.dataset.samples,
        failures: doc.failures.length,
        shrunk: doc.dataset.images?.shrunk ?? 0,
        reason,
      })
      const last = rows.at(-1)
      console.error(
        `${name} ${limits} --concurrency ${concurrency}: exit ${last.exitCode}, peak RSS ${last.peakRssMiB.toFixed(0)} MiB, ${last.wallSeconds.toFixed(1)} s`,
      )
    }
  }
}

// The resampler alone, on the shape of the report (1 × 16,000,000, 3 channels → 48×48), in a child
// process: before the fix its horizontal pass allocated 16,000,000 × 48 × 3 float64 (18 GB).
const RESAMPLE_CHILD = path.join(OUT, 'resample-child.mjs')
writeFileSync(
  RESAMPLE_CHILD,
  `import { resample } from ${JSON.stringify(path.join(ROOT, 'dist', 'card', 'resample.js'))}
const image = { data: new Uint8Array(16_000_000 * 3).fill(90), width: 1, height: 16_000_000, channels: 3 }
for (const kernel of ['nearest', 'bilinear', 'bicubic']) resample(image, 48, 48, kernel)
`,
)
const resampled = await measure(RESAMPLE_CHILD, [])
if (resampled.code !== 0) throw new Error(`resample child exited ${resampled.code}\n${resampled.stderr}`)

const report = {
  machine: machineInfo(),
  node: process.version,
  copies,
  rows,
  resampleOnlyPeakRssMiB: resampled.peakRssMiB,
}
writeFileSync(path.join(OUT, 'image-memory.json'), `${JSON.stringify(report, null, 2)}\n`)
const m = report.machine
console.log(
  `machine: ${m.cpu}, ${m.cores} cores, ${(m.memoryBytes / 2 ** 30).toFixed(0)} GiB, ${m.os}, Node ${m.node}; ${copies} copies of each shape + 8 good 48×48 PNGs\n`,
)
console.log(
  '| image | limits | --concurrency | exit | peak RSS MiB | ≤ 1 GiB | scored | failed | shrunk | wall s | reason for the large images |',
)
console.log('| --- | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- |')
for (const r of rows)
  console.log(
    `| ${r.name} | ${r.limits} | ${r.concurrency} | ${r.exitCode} | ${r.peakRssMiB.toFixed(0)} | ${r.peakRssMiB <= GIB ? 'yes' : '**no**'} | ${r.scored} | ${r.failures} | ${r.shrunk} | ${r.wallSeconds.toFixed(1)} | ${r.reason.replace(/\|/g, '\\|')} |`,
  )
console.log(
  `\nresampler alone, 1×16,000,000×3 → 48×48 (nearest, bilinear, bicubic), the 48 MB image included: peak RSS ${resampled.peakRssMiB.toFixed(0)} MiB`,
)
const over = rows.filter((r) => r.peakRssMiB > GIB)
if (over.length > 0) {
  console.error(`${over.length} case(s) over 1 GiB`)
  process.exitCode = 1
}
