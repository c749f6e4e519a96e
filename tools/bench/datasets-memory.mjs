#!/usr/bin/env node
// Memory benchmark for dataset listing (issue: "listing 100,000 manifest entries or a 280k-row
// AffectNet list keeps peak RSS under 300 MB"). Synthesises, into tools/bench/out/memory/ (git-ignored):
//   affectnet/Manually_Annotated_file_lists/training.csv  280,000 rows with AffectNet's real header
//       (subDirectory_filePath,face_x,face_y,face_width,face_height,facial_landmarks,expression,valence,arousal;
//       136 landmark numbers per row as in the real file), validation.csv 5,500 rows; no images
//       (listing does not open them);
//   manifest/manifest.csv  100,000 entries path,label,subject,split.
// Then lists each through `ferbench datasets inspect --json` (a child process under /usr/bin/time -v:
// peak RSS of the whole CLI process) and through inspectDataset() from dist/ in a child that reports
// process.resourceUsage().maxRSS, next to a bare `node -e ''` for reference.
//
//   npm run tools && node tools/bench/datasets-memory.mjs [--rows 280000] [--entries 100000]
import { execFileSync, spawnSync } from 'node:child_process'
import { createWriteStream, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { mulberry32 as rng } from './lib/synth.mjs'
import { ROOT, opt } from './lib/cli.mjs'

const OUT = path.join(ROOT, 'tools', 'bench', 'out')
const DIR = path.join(OUT, 'memory')
const ROWS = Number(opt('rows', '280000'))
const ENTRIES = Number(opt('entries', '100000'))
const AFFECTNET = path.join(DIR, 'affectnet')
const MANIFEST = path.join(DIR, 'manifest', 'manifest.csv')

/** Writes lines through a stream with backpressure. */
async function writeLines(file, header, count, line) {
  mkdirSync(path.dirname(file), { recursive: true })
  const out = createWriteStream(file)
  const write = (s) => (out.write(s) ? undefined : new Promise((r) => out.once('drain', r)))
  await write(`${header}\n`)
  for (let i = 0; i < count; i++) await write(`${line(i)}\n`)
  await new Promise((r, j) => out.end((e) => (e ? j(e) : r())))
}

async function generate() {
  const random = rng(280)
  const lists = path.join(AFFECTNET, 'Manually_Annotated_file_lists')
  const header =
    'subDirectory_filePath,face_x,face_y,face_width,face_height,facial_landmarks,expression,valence,arousal'
  const row = (i) => {
    const side = 200 + Math.floor(random() * 600)
    const landmarks = Array.from({ length: 136 }, () => (random() * side).toFixed(2)).join(';')
    const code = Math.floor(random() * 11)
    return `${1 + (i % 1000)}/${((i * 2654435761) >>> 0).toString(16)}${i}.jpg,${Math.floor(side * 0.15)},${Math.floor(side * 0.15)},${Math.floor(side * 0.7)},${Math.floor(side * 0.7)},${landmarks},${code},${(random() * 2 - 1).toFixed(6)},${(random() * 2 - 1).toFixed(6)}`
  }
  const training = path.join(lists, 'training.csv')
  if (!existsSync(training) || sizeMarker(training) !== ROWS) {
    await writeLines(training, header, ROWS, row)
    await writeLines(path.join(lists, 'validation.csv'), header, 5500, row)
    writeFileSync(`${training}.rows`, String(ROWS))
  }
  const classes = ['neutral', 'happy', 'sad', 'surprise', 'fear', 'disgust', 'angry', 'contempt']
  if (!existsSync(MANIFEST) || sizeMarker(MANIFEST) !== ENTRIES) {
    await writeLines(
      MANIFEST,
      'path,label,subject,split',
      ENTRIES,
      (i) =>
        `images/s${String(i % 5000).padStart(4, '0')}/img_${String(i).padStart(6, '0')}.png,${classes[i % 8]},s${String(i % 5000).padStart(4, '0')},${i % 10 === 0 ? 'test' : 'train'}`,
    )
    writeFileSync(`${MANIFEST}.rows`, String(ENTRIES))
  }
}

function sizeMarker(file) {
  try {
    return Number(execFileSync('cat', [`${file}.rows`], { encoding: 'utf8' }))
  } catch {
    return -1
  }
}

/** Peak RSS (MB) of a child command under /usr/bin/time -v, and its stdout. */
function timeV(cmd, cmdArgs) {
  const r = spawnSync('/usr/bin/time', ['-v', cmd, ...cmdArgs], { encoding: 'utf8', maxBuffer: 1 << 26 })
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)
  if (r.status !== 0 || !m)
    throw new Error(`${cmd} ${cmdArgs.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`)
  return { peakMB: Number(m[1]) / 1024, stdout: r.stdout }
}

const IN_PROCESS = `
const { inspectDataset } = await import(${JSON.stringify(path.join(ROOT, 'dist/audit/inspectDataset.js'))})
const [dataset, data] = process.argv.slice(1)
const t0 = performance.now()
const r = await inspectDataset({ dataset, data })
process.stdout.write(JSON.stringify({ samples: r.samples, seconds: (performance.now() - t0) / 1000, maxRssMB: process.resourceUsage().maxRSS / 1024 }))
`

async function main() {
  const { machineInfo } = await import(path.join(ROOT, 'dist/base/provenance.js'))
  await generate()
  const cases = [
    {
      name: `affectnet (training.csv ${ROWS.toLocaleString('en')} rows + validation.csv 5,500)`,
      dataset: 'affectnet',
      data: AFFECTNET,
      file: path.join(AFFECTNET, 'Manually_Annotated_file_lists', 'training.csv'),
    },
    { name: `manifest (${ENTRIES.toLocaleString('en')} entries)`, dataset: 'manifest', data: MANIFEST, file: MANIFEST },
  ]
  const bare = timeV(process.execPath, ['-e', ''])
  const rows = []
  for (const c of cases) {
    const cli = timeV(process.execPath, [
      path.join(ROOT, 'bin', 'run.js'),
      'datasets',
      'inspect',
      '--dataset',
      c.dataset,
      '--data',
      c.data,
      '--json',
    ])
    const listed = JSON.parse(cli.stdout).samples
    const inproc = JSON.parse(
      execFileSync(process.execPath, ['--input-type=module', '-e', IN_PROCESS, c.dataset, c.data], {
        encoding: 'utf8',
      }),
    )
    rows.push({
      ...c,
      fileMB: statSync(c.file).size / 2 ** 20,
      samples: listed,
      cliPeakMB: cli.peakMB,
      inProcessMaxRssMB: inproc.maxRssMB,
      inProcessSeconds: inproc.seconds,
    })
    process.stderr.write(`${c.name}: ${listed} samples, CLI peak ${cli.peakMB.toFixed(0)} MB\n`)
  }
  const machine = machineInfo()
  const lines = [
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${(machine.memoryBytes / 2 ** 30).toFixed(0)} GiB, ${machine.os}, Node ${machine.node}; bare \`node -e ''\` peak RSS ${bare.peakMB.toFixed(0)} MB`,
    '',
    '| list | file size | samples listed | `ferbench datasets inspect --json` peak RSS (/usr/bin/time -v) | inspectDataset() in-process maxRSS | listing time |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.fileMB.toFixed(0)} MB | ${r.samples.toLocaleString('en')} | ${r.cliPeakMB.toFixed(0)} MB | ${r.inProcessMaxRssMB.toFixed(0)} MB | ${r.inProcessSeconds.toFixed(1)} s |`,
    ),
  ]
  mkdirSync(OUT, { recursive: true })
  writeFileSync(
    path.join(OUT, 'datasets-memory.json'),
    JSON.stringify({ machine, bareNodePeakMB: bare.peakMB, rows }, null, 2),
  )
  writeFileSync(path.join(OUT, 'datasets-memory.md'), `${lines.join('\n')}\n`)
  process.stdout.write(`${lines.join('\n')}\n`)
}

await main()
