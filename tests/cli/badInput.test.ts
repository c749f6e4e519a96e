import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { EvalResult } from '../../src/results/evalDocument.js'
import { FIXTURES, runCli, tempDir } from '../helpers/cli.js'
import {
  CANONICAL,
  FER2013_ORDER,
  bandMeans,
  expectedConfusion,
  oraclePredict,
  readFixtureCsv,
} from '../helpers/oracle.js'
import { runAndInterrupt, runCliAsync } from '../helpers/robustnessDocs.js'
import {
  PDF_TEXT,
  SVG_TEXT,
  blankPng,
  grayPng,
  hugePngHeader,
  infModel,
  nanModel,
  oracleWithInput,
  sixOutputModel,
  writeModel,
} from '../helpers/builders.js'
import { decodePredictions } from '../../src/results/predictions.js'

const CSV = path.join(FIXTURES, 'fer2013', 'fer2013.csv')
const ORACLE = path.join(FIXTURES, 'models', 'oracle.onnx')
const ORACLE_CARD = JSON.parse(readFileSync(`${ORACLE}.ferbench.json`, 'utf8')) as Record<string, unknown>
const rows = readFixtureCsv(CSV)
const privateRows = rows.filter((r) => r.usage === 'PrivateTest')
const SEVEN = CANONICAL.filter((l) => l !== 'contempt')
const HEADER = 'emotion,pixels,Usage'
const line = (r = privateRows[0]!): string => `${r.emotion},${r.pixels.join(' ')},PrivateTest`

interface Case {
  name: string
  /** Writes the bad input into `dir`; returns the eval arguments and the file the message must name. */
  setup: (dir: string) => { args: string[]; names: string }
  exit: number
  message: RegExp
  /** Samples scored before the error stopped the run: kept in a partial result at --output (none: nothing written). */
  settledBefore?: number
}

function csvCase(name: string, contents: string | Buffer, message: RegExp, settledBefore?: number): Case {
  return {
    name,
    setup: (dir) => {
      const file = path.join(dir, 'fer2013.csv')
      writeFileSync(file, contents)
      return { args: ['--model', ORACLE, '--data', file], names: file }
    },
    exit: 3,
    message,
    ...(settledBefore !== undefined ? { settledBefore } : {}),
  }
}

function modelCase(
  name: string,
  bytes: Uint8Array | string,
  exit: number,
  message: RegExp,
  card: object = ORACLE_CARD,
): Case {
  return {
    name,
    setup: (dir) => {
      const model = writeModel(dir, 'm.onnx', typeof bytes === 'string' ? Buffer.from(bytes) : bytes, card)
      return { args: ['--model', model, '--data', CSV], names: model }
    },
    exit,
    message,
  }
}

function cardCase(name: string, card: string, message: RegExp): Case {
  return {
    name,
    setup: (dir) => {
      const file = path.join(dir, 'card.json')
      writeFileSync(file, card)
      return { args: ['--model', ORACLE, '--card', file, '--data', CSV], names: file }
    },
    exit: 5,
    message,
  }
}

/** A case for a flag or an input the message names by its flag or file. */
function argsCase(
  name: string,
  build: (dir: string) => { args: string[]; names: string },
  exit: number,
  message: RegExp,
): Case {
  return { name, setup: build, exit, message }
}

function testOnlyCsv(dir: string): string {
  const file = path.join(dir, 'fer2013.csv')
  writeFileSync(
    file,
    `${HEADER}\n${privateRows
      .slice(0, 5)
      .map((r) => line(r))
      .join('\n')}\n`,
  )
  return file
}

function tfjsWithShard(dir: string, shard: string): string {
  const modelDir = path.join(dir, 'model')
  mkdirSync(modelDir)
  writeFileSync(path.join(dir, 'secret.bin'), Buffer.alloc(64))
  const file = path.join(modelDir, 'model.json')
  writeFileSync(
    file,
    JSON.stringify({
      format: 'graph-model',
      modelTopology: { node: [] },
      weightsManifest: [{ paths: [shard], weights: [] }],
    }),
  )
  writeFileSync(path.join(modelDir, 'model.ferbench.json'), JSON.stringify(ORACLE_CARD))
  return file
}

const good = line()
const cases: Case[] = [
  // CSV: exit 3, file and row named
  csvCase('zero-byte file', '', /file is empty \(expected FER2013's fer2013.csv/),
  csvCase('whitespace only', '\n\n   \n', /no header row|header has no 'emotion' column/),
  csvCase(
    "';' delimiter",
    `emotion;pixels;Usage\n${good.replace(/,/g, ';')}\n`,
    /seems to use ';' as delimiter, FER2013 uses ','/,
  ),
  csvCase('tab delimiter', `emotion\tpixels\tUsage\n${good.replace(/,/g, '\t')}\n`, /seems to use '\\t' as delimiter/),
  csvCase('header without a pixels column', `emotion,pixel,Usage\n${good}\n`, /header has no 'pixels' column/),
  csvCase(
    'truncated last row (file cut inside the pixels)',
    `${HEADER}\n${good}\n${good.slice(0, 1000)}`,
    /row 2: .*(expected 3 comma-separated columns|expected 2304 pixel values)/,
    1,
  ),
  csvCase(
    'row with two columns',
    `${HEADER}\n${good}\n3,1 2 3\n`,
    /row 2: expected 3 comma-separated columns \(emotion, pixels, Usage\), got 2/,
    1,
  ),
  csvCase(
    'pixel row one value short',
    `${HEADER}\n${good.replace(/ \d+,PrivateTest$/, ',PrivateTest')}\n`,
    /row 1: expected 2304 pixel values \(48×48\), got 2303/,
  ),
  csvCase(
    'non-numeric pixel',
    `${HEADER}\n${good.replace(/^(\d),(\d+)/, '$1,x$2')}\n`,
    /row 1: pixel 1 is not an integer 0–255 \(found 'x'\)/,
  ),
  csvCase(
    'negative pixel',
    `${HEADER}\n${good.replace(/^(\d),(\d+)/, '$1,-$2')}\n`,
    /row 1: pixel 1 is not an integer 0–255 \(found '-'\)/,
  ),
  csvCase('pixel above 255', `${HEADER}\n${good.replace(/^(\d),(\d+)/, '$1,256')}\n`, /row 1: pixel 1 is above 255/),
  csvCase(
    'emotion code outside 0–6',
    `${HEADER}\n${good.replace(/^\d/, '9')}\n`,
    /row 1: emotion '9' is not a FER2013 code 0–6/,
  ),
  csvCase(
    'unknown Usage',
    `${HEADER}\n${good.replace(/PrivateTest$/, 'Validation')}\n`,
    /row 1: Usage 'Validation' is not one of Training, PublicTest, PrivateTest/,
  ),
  csvCase(
    'unclosed quote in the header (found by the fuzz test)',
    `"emotion,pixels,Usage\n${good}\n`,
    /malformed CSV header .*expected 'emotion,pixels,Usage'/,
  ),
  csvCase('unterminated quote', `${HEADER}\n${good}\n3,"1 2 3\n`, /row 2: malformed CSV|row 2: expected/, 1),
  // images (manifest adapter): per-sample failures, exit 7, named in failures (checked below)
  // models: exit 4
  modelCase(
    'random bytes as a model',
    Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 37) % 256)),
    4,
    /onnxruntime could not load it as an ONNX model/,
  ),
  modelCase('a text file as a model', 'this is not a model\n', 4, /onnxruntime could not load it as an ONNX model/),
  modelCase('zero-byte model', new Uint8Array(), 4, /model file is empty/),
  modelCase('3-D input (not an image model)', oracleWithInput(['N', 48, 48]), 4, /expected a 4-D image input/),
  modelCase(
    'fixed 64×64 input against a 48×48 card',
    oracleWithInput(['N', 1, 64, 64], 64 * 64),
    4,
    /card says input.height 48 but the model's NCHW shape has 64/,
  ),
  modelCase(
    '6 outputs for 8 card labels',
    sixOutputModel(),
    4,
    /output 'scores' has 6 scores per sample but the card .* lists 8 labels/,
  ),
  modelCase(
    'dynamic height/width and a card without the size',
    oracleWithInput(['N', 1, 'H', 'W']),
    5,
    /input.height is missing and model input 'image' with shape \[N, 1, H, W\] leaves it dynamic/,
    {
      scale: 'raw255',
      labels: CANONICAL,
    },
  ),
  // cards: exit 5
  cardCase(
    'unknown label',
    JSON.stringify({ ...ORACLE_CARD, labels: [...SEVEN, 'boredom'] }),
    /labels\.7: 'boredom' is not an emotion/,
  ),
  cardCase(
    'label listed twice',
    JSON.stringify({ ...ORACLE_CARD, labels: [...SEVEN, 'fear'] }),
    /labels\.7: label 'fear' appears twice/,
  ),
  cardCase('card that is not JSON', '{ "scale": raw255 ', /model card is not valid JSON/),
  cardCase('unknown scale', JSON.stringify({ ...ORACLE_CARD, scale: 'minmax' }), /scale: .*\(received: "minmax"\)/),
  cardCase(
    'labels not an array',
    JSON.stringify({ ...ORACLE_CARD, labels: 'neutral' }),
    /labels: .*\(received: "neutral"\)/,
  ),
  // hostile and unlucky inputs (docs/bad-input.md, "Hostile and unlucky inputs")
  argsCase(
    'a folder as the model (-m dir.onnx)',
    (dir) => {
      const model = path.join(dir, 'dir.onnx')
      mkdirSync(model)
      return { args: ['--model', model, '--data', CSV], names: model }
    },
    4,
    /dir\.onnx: is a folder, not a regular file \(expected a model file: \.onnx, or a tfjs model\.json\)/,
  ),
  argsCase(
    'a FIFO as the model (would block the read)',
    (dir) => {
      const model = path.join(dir, 'fifo.onnx')
      execFileSync('mkfifo', [model])
      return { args: ['--model', model, '--card', `${ORACLE}.ferbench.json`, '--data', CSV], names: model }
    },
    4,
    /fifo\.onnx: is a FIFO \(named pipe\), not a regular file/,
  ),
  argsCase(
    '/dev/zero as the model (would never end)',
    () => ({
      args: ['--model', '/dev/zero', '--runner', 'onnx', '--card', `${ORACLE}.ferbench.json`, '--data', CSV],
      names: '/dev/zero',
    }),
    4,
    /is a character device, not a regular file/,
  ),
  argsCase(
    'a folder as --data for fer2013',
    (dir) => ({ args: ['--model', ORACLE, '--data', dir], names: dir }),
    3,
    /: is a folder, not a regular file \(expected FER2013's fer2013\.csv\)/,
  ),
  argsCase(
    '--batch 1000000000',
    () => ({ args: ['--model', ORACLE, '--data', CSV, '--batch', '1000000000'], names: '--batch' }),
    2,
    /Expected an integer less than or equal to 4096 but received: 1000000000/,
  ),
  argsCase(
    '--concurrency 1000000000',
    () => ({ args: ['--model', ORACLE, '--data', CSV, '--concurrency', '1000000000'], names: '--concurrency' }),
    2,
    /Expected an integer less than or equal to 64 but received: 1000000000/,
  ),
  argsCase(
    '--threads 100000 (onnxruntime would start 100,000 threads)',
    () => ({ args: ['--model', ORACLE, '--data', CSV, '--threads', '100000'], names: '--threads' }),
    2,
    /Expected an integer less than or equal to 256 but received: 100000/,
  ),
  argsCase(
    "--max-pixels above sharp's own limit",
    () => ({ args: ['--model', ORACLE, '--data', CSV, '--max-pixels', '999999999999'], names: '--max-pixels' }),
    2,
    /Expected an integer less than or equal to 268402689/,
  ),
  cardCase(
    'card batch 1e8',
    JSON.stringify({ ...ORACLE_CARD, batch: 1e8 }),
    /batch: Too big: expected number to be <=4096 \(received: 100000000\)/,
  ),
  cardCase(
    'card crop.from 1e5',
    JSON.stringify({ ...ORACLE_CARD, crop: { size: 48, from: 1e5 } }),
    /crop\.from: Too big: expected number to be <=4096 \(received: 100000\)/,
  ),
  argsCase(
    'tfjs weightsManifest path with ../',
    (dir) => {
      const model = tfjsWithShard(dir, '../secret.bin')
      return { args: ['--model', model, '--data', CSV], names: model }
    },
    4,
    /weightsManifest path '\.\.\/secret\.bin' lies outside the model's folder .*\/model \(weight shards must be files inside the folder of model\.json\)/,
  ),
  argsCase(
    'tfjs weightsManifest with an absolute path (/etc/passwd)',
    (dir) => {
      const model = tfjsWithShard(dir, '/etc/passwd')
      return { args: ['--model', model, '--data', CSV], names: model }
    },
    4,
    /weightsManifest path '\/etc\/passwd' lies outside the model's folder/,
  ),
  argsCase(
    'manifest path with ../',
    (dir) => {
      const manifest = path.join(dir, 'manifest.csv')
      writeFileSync(manifest, 'path,label\n../../etc/hosts.png,happy\n')
      return { args: ['--model', ORACLE, '--dataset', 'manifest', '--data', manifest], names: manifest }
    },
    3,
    /manifest\.csv line 2: path '\.\.\/\.\.\/etc\/hosts\.png' is outside the dataset root .*--allow-outside-root reads them anyway/,
  ),
  argsCase(
    'manifest listing one image with two labels',
    (dir) => {
      const manifest = path.join(dir, 'manifest.csv')
      writeFileSync(manifest, 'path,label\na.png,happy\nb.png,sad\na.png,fear\n')
      return { args: ['--model', ORACLE, '--dataset', 'manifest', '--data', manifest], names: manifest }
    },
    3,
    /manifest\.csv line 4: 'a\.png' is labelled fear, but line 2 lists the same image as happiness \(expected one label per image\)/,
  ),
  argsCase(
    '--face-margin outside 1 to 4 is a usage error',
    () => ({
      args: ['--model', ORACLE, '--data', CSV, '--faces', 'detect', '--face-margin', '0.2'],
      names: '--face-margin 0.2',
    }),
    2,
    /--face-margin 0\.2: expected a number from 1 to 4/,
  ),
  argsCase(
    '--split Training on a file with only PrivateTest rows',
    (dir) => {
      const file = testOnlyCsv(dir)
      return { args: ['--model', ORACLE, '--data', file, '--split', 'Training'], names: file }
    },
    2,
    /--split Training: .* has no fer2013 samples in split Training; splits present: PrivateTest \(5 rows\)/,
  ),
]

describe('bad input: each case exits with the table code and names the file, row or field', () => {
  it.concurrent.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const dir = tempDir()
    const { args, names } = c.setup(dir)
    const out = path.join(dir, 'out.json')
    const run = await runCliAsync(['eval', ...args, '--output', out])
    expect(run.stderr).toMatch(c.message)
    expect(run.stderr).toContain(names)
    expect(run.status).toBe(c.exit)
    if (c.settledBefore === undefined)
      expect(() => readFileSync(out)).toThrow() // nothing written for a run that could not start
    else {
      // the rows read before the bad one are kept: a partial result to fix the input and --resume
      const partial = JSON.parse(readFileSync(out, 'utf8')) as EvalResult
      expect({ complete: partial.complete, settled: partial.resume?.settled }).toEqual({
        complete: false,
        settled: c.settledBefore,
      })
    }
    expect(run.stderr).not.toMatch(/\n\s+at /) // no stack trace
  })
})

describe('tolerated encodings give the same result as the plain file', () => {
  it('CR-only line ends (old Mac files)', () => {
    const dir = tempDir()
    const file = path.join(dir, 'fer2013.csv')
    writeFileSync(file, readFileSync(CSV, 'utf8').replace(/\r?\n/g, '\r'))
    const plain = JSON.parse(runCli(['eval', '--model', ORACLE, '--data', CSV, '--json']).stdout) as EvalResult
    const run = runCli(['eval', '--model', ORACLE, '--data', file, '--json'])
    expect(run.status).toBe(0)
    const doc = JSON.parse(run.stdout) as EvalResult
    expect(doc.dataset.samples).toBe(privateRows.length)
    expect(doc.metrics.confusionMatrix.counts).toEqual(expectedConfusion(rows, 'PrivateTest', SEVEN))
    expect(doc.dataset.digest).toBe(plain.dataset.digest)
  })

  it('UTF-8 BOM and CRLF line ends', () => {
    const dir = tempDir()
    const file = path.join(dir, 'fer2013.csv')
    writeFileSync(file, `\uFEFF${readFileSync(CSV, 'utf8').replace(/\n/g, '\r\n')}`)
    const plain = JSON.parse(runCli(['eval', '--model', ORACLE, '--data', CSV, '--json']).stdout) as EvalResult
    const run = runCli(['eval', '--model', ORACLE, '--data', file, '--json'])
    expect(run.status).toBe(0)
    const doc = JSON.parse(run.stdout) as EvalResult
    expect(doc.metrics.confusionMatrix.counts).toEqual(expectedConfusion(rows, 'PrivateTest', SEVEN))
    expect(doc.dataset.digest).toBe(plain.dataset.digest)
  })
})

/** `count` PrivateTest rows as PNGs in `dir`/img and their manifest lines (header first). */
function goodManifestRows(dir: string, count: number): { goodRows: typeof privateRows; lines: string[] } {
  mkdirSync(path.join(dir, 'img'))
  const goodRows = privateRows.slice(0, count)
  const lines = ['path,label']
  goodRows.forEach((r, i) => {
    writeFileSync(path.join(dir, 'img', `good${i}.png`), grayPng(48, 48, Uint8Array.from(r.pixels)))
    lines.push(`img/good${i}.png,${FER2013_ORDER[r.emotion]}`)
  })
  return { goodRows, lines }
}

describe('bad images: recorded per sample (exit 7), the rest scored', () => {
  it('corrupt, zero-byte, huge-header and missing images in a manifest', () => {
    const dir = tempDir()
    const { goodRows, lines } = goodManifestRows(dir, 4)
    writeFileSync(
      path.join(dir, 'img', 'corrupt.png'),
      Buffer.concat([grayPng(48, 48, new Uint8Array(2304)).subarray(0, 40), Buffer.from('garbage')]),
    )
    writeFileSync(path.join(dir, 'img', 'empty.png'), new Uint8Array())
    writeFileSync(path.join(dir, 'img', 'huge.png'), hugePngHeader())
    lines.push('img/corrupt.png,happiness', 'img/empty.png,sadness', 'img/huge.png,anger', 'img/missing.png,fear')
    const manifest = path.join(dir, 'manifest.csv')
    writeFileSync(manifest, `${lines.join('\n')}\n`)
    const run = runCli(['eval', '--model', ORACLE, '--dataset', 'manifest', '--data', manifest, '--json'])
    expect(run.status).toBe(7)
    const doc = JSON.parse(run.stdout) as EvalResult
    expect(doc.dataset.samples).toBe(goodRows.length)
    expect(doc.failures.map((f) => f.id).sort()).toEqual([
      'img/corrupt.png',
      'img/empty.png',
      'img/huge.png',
      'img/missing.png',
    ])
    for (const f of doc.failures) {
      expect(f.source).toContain(manifest)
      expect(f.error).toContain(path.join(dir, f.id))
    }
    expect(doc.failures.find((f) => f.id === 'img/huge.png')!.error).toMatch(
      /pixel limit|exceeds|too large|dimensions/i,
    )
    expect(doc.warnings.join('\n')).toMatch(/4 sample\(s\) failed/)
  })
})

describe('non-finite model outputs: reported per sample, never counted as a class', () => {
  const minBand = privateRows.map((r) => Math.min(...bandMeans(r.pixels)))
  // halfway between two neighbouring per-sample minima, so float32 rounding cannot decide a tie
  const sorted = [...new Set(minBand)].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  const t = (sorted[mid - 1]! + sorted[mid]!) / 2

  it.each([
    ['NaN (sqrt of a negative number)', nanModel(t), (m: number) => m < t],
    ['Inf (division by zero)', infModel(t), (m: number) => m <= t],
  ] as const)('%s', (_name, bytes, fails) => {
    const dir = tempDir()
    const model = writeModel(dir, 'nonfinite.onnx', bytes, ORACLE_CARD)
    const run = runCli(['eval', '--model', model, '--data', CSV, '--json'])
    expect(run.status).toBe(7)
    const doc = JSON.parse(run.stdout) as EvalResult
    const failing = privateRows.filter((_, i) => fails(minBand[i]!))
    expect(failing.length).toBeGreaterThan(0)
    expect(failing.length).toBeLessThan(privateRows.length)
    expect(doc.failures.map((f) => f.id)).toEqual(failing.map((r) => `row-${r.row}`))
    for (const f of doc.failures)
      expect(f.error).toMatch(/model output is not finite \(.*=(NaN|Inf|-Inf).*\); expected finite scores/)
    const scoredRows = rows.filter((r) => r.usage !== 'PrivateTest' || !failing.includes(r))
    expect(doc.metrics.confusionMatrix.counts).toEqual(expectedConfusion(scoredRows, 'PrivateTest', SEVEN))
    expect(doc.dataset.samples).toBe(privateRows.length - failing.length)
  })
})

describe('hostile images: special files, non-raster formats and decompression bombs are per-sample failures (exit 7), the rest scored', () => {
  it('manifest: FIFO, link to /dev/zero, SVG and PDF named .png, four 16000×16000 PNGs at --concurrency 4', async () => {
    const dir = tempDir()
    const { goodRows, lines } = goodManifestRows(dir, 4)
    execFileSync('mkfifo', [path.join(dir, 'img', 'fifo.png')])
    symlinkSync('/dev/zero', path.join(dir, 'img', 'zero.png'))
    writeFileSync(path.join(dir, 'img', 'vector.png'), SVG_TEXT)
    writeFileSync(path.join(dir, 'img', 'document.png'), PDF_TEXT)
    const bomb = await blankPng(16000)
    for (let i = 0; i < 4; i++) writeFileSync(path.join(dir, 'img', `bomb${i}.png`), bomb)
    const bad: Record<string, RegExp> = {
      'img/fifo.png': /is a FIFO \(named pipe\), not a regular file/,
      'img/zero.png': /is a character device, not a regular file/,
      'img/vector.png': /an SVG\/XML document; ferbench decodes PNG, JPEG, TIFF, WebP or BMP files only/,
      'img/document.png': /a PDF document; ferbench decodes PNG, JPEG, TIFF, WebP or BMP files only/,
      ...Object.fromEntries(
        [0, 1, 2, 3].map((i) => [
          `img/bomb${i}.png`,
          /16000×16000 = 256000000 pixels is over the pixel limit of 16777216 .*--max-pixels/,
        ]),
      ),
    }
    lines.push(...Object.keys(bad).map((p) => `${p},${FER2013_ORDER[goodRows[0]!.emotion]}`))
    const manifest = path.join(dir, 'manifest.csv')
    writeFileSync(manifest, `${lines.join('\n')}\n`)
    const run = await runCliAsync([
      'eval',
      '--model',
      ORACLE,
      '--dataset',
      'manifest',
      '--data',
      manifest,
      '--concurrency',
      '4',
      '--embed-predictions',
      '--json',
    ])
    expect(run.status).toBe(7)
    const doc = JSON.parse(run.stdout) as EvalResult
    expect(doc.dataset.samples).toBe(goodRows.length)
    expect(decodePredictions(doc.predictions!).map((p) => [p.id, p.predicted])).toEqual(
      goodRows.map((r, i) => [`img/good${i}.png`, oraclePredict(r.pixels, doc.dataset.labels)]),
    )
    expect(doc.failures.map((f) => f.id).sort()).toEqual(Object.keys(bad).sort())
    for (const f of doc.failures) {
      expect(f.error).toContain(path.join(dir, f.id))
      expect(f.error).toMatch(bad[f.id]!)
    }
  }, 60_000)

  it('SIGINT while a FIFO is among the next samples still writes the partial result (nothing blocks on the FIFO)', async () => {
    const dir = tempDir()
    mkdirSync(path.join(dir, 'img'))
    const lines = ['path,label']
    privateRows.slice(0, 12).forEach((r, i) => {
      if (i === 2) {
        execFileSync('mkfifo', [path.join(dir, 'img', 'fifo.png')]) // read 3rd, while the first batch of 2 is scored
        lines.push('img/fifo.png,happy')
      }
      writeFileSync(path.join(dir, 'img', `good${i}.png`), grayPng(48, 48, Uint8Array.from(r.pixels)))
      lines.push(`img/good${i}.png,${FER2013_ORDER[r.emotion]}`)
    })
    const manifest = path.join(dir, 'manifest.csv')
    writeFileSync(manifest, `${lines.join('\n')}\n`)
    const out = path.join(dir, 'out.json')
    const run = await runAndInterrupt(
      [
        'eval',
        '--model',
        ORACLE,
        '--dataset',
        'manifest',
        '--data',
        manifest,
        '--batch',
        '2',
        '--concurrency',
        '4',
        '--output',
        out,
      ],
      'SIGINT',
    )
    expect(run.status, run.stderr).toBe(9)
    const partial = JSON.parse(readFileSync(out, 'utf8')) as EvalResult
    expect(partial.complete).toBe(false)
    expect(partial.resume!.settled).toBeGreaterThanOrEqual(2)
    expect(partial.resume!.settled).toBeLessThan(lines.length - 1)
  }, 60_000)

  it('folder and datasets audit: a FIFO and a link to /dev/zero in a class folder are failures, never read', async () => {
    const root = tempDir()
    for (const c of ['happy', 'sad']) mkdirSync(path.join(root, c))
    const goodRows = privateRows.slice(0, 2)
    writeFileSync(path.join(root, 'happy', 'a.png'), grayPng(48, 48, Uint8Array.from(goodRows[0]!.pixels)))
    writeFileSync(path.join(root, 'sad', 'b.png'), grayPng(48, 48, Uint8Array.from(goodRows[1]!.pixels)))
    execFileSync('mkfifo', [path.join(root, 'happy', 'fifo.png')])
    symlinkSync('/dev/zero', path.join(root, 'sad', 'zero.jpg'))
    const expected = { 'happy/fifo.png': /is a FIFO/, 'sad/zero.jpg': /is a character device/ }
    const [evalRun, auditRun] = await Promise.all([
      runCliAsync(['eval', '--model', ORACLE, '--dataset', 'folder', '--data', root, '--json']),
      runCliAsync(['datasets', 'audit', '--dataset', 'folder', '--data', root, '--json']),
    ])
    expect(evalRun.status).toBe(7)
    const doc = JSON.parse(evalRun.stdout) as EvalResult
    expect(doc.dataset.samples).toBe(2)
    expect(auditRun.status).toBe(7)
    const audit = JSON.parse(auditRun.stdout) as { samples: number; failures: Array<{ id: string; error: string }> }
    expect(audit.samples).toBe(2)
    for (const failures of [doc.failures, audit.failures]) {
      expect(failures.map((f) => f.id).sort()).toEqual(Object.keys(expected))
      for (const f of failures) expect(f.error).toMatch(expected[f.id as keyof typeof expected])
    }
  }, 60_000)

  it('AffectNet: a ../ row after scored rows stops with exit 3 and keeps them in a partial result', async () => {
    const root = path.join(tempDir(), 'affectnet')
    cpSync(path.join(FIXTURES, 'affectnet'), root, { recursive: true })
    const list = path.join(root, 'Manually_Annotated_file_lists', 'validation.csv')
    const text = readFileSync(list, 'utf8')
    const before = text
      .trim()
      .split('\n')
      .slice(1)
      .filter((l) => Number(/,(\d+),[^,]*,[^,]*$/.exec(l)![1]) <= 7).length
    const badRow = text.trim().split('\n').length // 1-based data row of the appended line
    writeFileSync(list, `${text.trimEnd()}\n../../../etc/hosts.jpg,0,0,48,48,"1;2",1,0,0\n`)
    const out = path.join(root, '..', 'out.json')
    const run = await runCliAsync([
      'eval',
      '--model',
      ORACLE,
      '--dataset',
      'affectnet',
      '--data',
      root,
      '--output',
      out,
    ])
    expect(run.status).toBe(3)
    expect(run.stderr).toContain(`${list} row ${badRow}: path '../../../etc/hosts.jpg' is outside the dataset root`)
    const partial = JSON.parse(readFileSync(out, 'utf8')) as EvalResult
    expect(partial.complete).toBe(false)
    expect(partial.resume!.settled).toBe(before)
    expect(partial.dataset.samples + partial.failures.length).toBe(before)
  }, 60_000)
})
