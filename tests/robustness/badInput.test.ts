import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { EvalResult } from '../../src/report/evalResult.js'
import { FIXTURES, runCli, tempDir } from '../helpers/cli.js'
import { CANONICAL, FER2013_ORDER, bandMeans, expectedConfusion, readFixtureCsv } from '../helpers/oracle.js'
import { runCliAsync } from './docs.js'
import { grayPng, hugePngHeader, infModel, nanModel, oracleWithInput, sixOutputModel, writeModel } from './builders.js'

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
}

function csvCase(name: string, contents: string | Buffer, message: RegExp): Case {
  return {
    name,
    setup: (dir) => {
      const file = path.join(dir, 'fer2013.csv')
      writeFileSync(file, contents)
      return { args: ['--model', ORACLE, '--data', file], names: file }
    },
    exit: 3,
    message,
  }
}

function modelCase(name: string, bytes: Uint8Array | string, exit: number, message: RegExp, card: object = ORACLE_CARD): Case {
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

const good = line()
const cases: Case[] = [
  // CSV: exit 3, file and row named
  csvCase('zero-byte file', '', /file is empty \(expected FER2013's fer2013.csv/),
  csvCase('whitespace only', '\n\n   \n', /no header row|header has no 'emotion' column/),
  csvCase("';' delimiter", `emotion;pixels;Usage\n${good.replace(/,/g, ';')}\n`, /seems to use ';' as delimiter, FER2013 uses ','/),
  csvCase('tab delimiter', `emotion\tpixels\tUsage\n${good.replace(/,/g, '\t')}\n`, /seems to use '\\t' as delimiter/),
  csvCase('header without a pixels column', `emotion,pixel,Usage\n${good}\n`, /header has no 'pixels' column/),
  csvCase('truncated last row (file cut inside the pixels)', `${HEADER}\n${good}\n${good.slice(0, 1000)}`, /row 2: .*(expected 3 comma-separated columns|expected 2304 pixel values)/),
  csvCase('row with two columns', `${HEADER}\n${good}\n3,1 2 3\n`, /row 2: expected 3 comma-separated columns \(emotion, pixels, Usage\), got 2/),
  csvCase('pixel row one value short', `${HEADER}\n${good.replace(/ \d+,PrivateTest$/, ',PrivateTest')}\n`, /row 1: expected 2304 pixel values \(48×48\), got 2303/),
  csvCase('non-numeric pixel', `${HEADER}\n${good.replace(/^(\d),(\d+)/, '$1,x$2')}\n`, /row 1: pixel 1 is not an integer 0–255 \(found 'x'\)/),
  csvCase('negative pixel', `${HEADER}\n${good.replace(/^(\d),(\d+)/, '$1,-$2')}\n`, /row 1: pixel 1 is not an integer 0–255 \(found '-'\)/),
  csvCase('pixel above 255', `${HEADER}\n${good.replace(/^(\d),(\d+)/, '$1,256')}\n`, /row 1: pixel 1 is above 255/),
  csvCase('emotion code outside 0–6', `${HEADER}\n${good.replace(/^\d/, '9')}\n`, /row 1: emotion '9' is not a FER2013 code 0–6/),
  csvCase('unknown Usage', `${HEADER}\n${good.replace(/PrivateTest$/, 'Validation')}\n`, /row 1: Usage 'Validation' is not one of Training, PublicTest, PrivateTest/),
  csvCase('unclosed quote in the header (found by the fuzz test)', `"emotion,pixels,Usage\n${good}\n`, /malformed CSV header .*expected 'emotion,pixels,Usage'/),
  csvCase('unterminated quote', `${HEADER}\n${good}\n3,"1 2 3\n`, /row 2: malformed CSV|row 2: expected/),
  // images (manifest adapter): per-sample failures, exit 7, named in failures (checked below)
  // models: exit 4
  modelCase('random bytes as a model', Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 37) % 256)), 4, /onnxruntime could not load it as an ONNX model/),
  modelCase('a text file as a model', 'this is not a model\n', 4, /onnxruntime could not load it as an ONNX model/),
  modelCase('zero-byte model', new Uint8Array(), 4, /model file is empty/),
  modelCase('3-D input (not an image model)', oracleWithInput(['N', 48, 48]), 4, /expected a 4-D image input/),
  modelCase('fixed 64×64 input against a 48×48 card', oracleWithInput(['N', 1, 64, 64], 64 * 64), 4, /card says input.height 48 but the model's NCHW shape has 64/),
  modelCase('6 outputs for 8 card labels', sixOutputModel(), 4, /output 'scores' has 6 scores per sample but the card .* lists 8 labels/),
  modelCase('dynamic height/width and a card without the size', oracleWithInput(['N', 1, 'H', 'W']), 5, /input.height is missing and model input 'image' with shape \[N, 1, H, W\] leaves it dynamic/, {
    scale: 'raw255',
    labels: CANONICAL,
  }),
  // cards: exit 5
  cardCase('unknown label', JSON.stringify({ ...ORACLE_CARD, labels: [...SEVEN, 'boredom'] }), /labels\.7: 'boredom' is not an emotion/),
  cardCase('label listed twice', JSON.stringify({ ...ORACLE_CARD, labels: [...SEVEN, 'fear'] }), /labels\.7: label 'fear' appears twice/),
  cardCase('card that is not JSON', '{ "scale": raw255 ', /model card is not valid JSON/),
  cardCase('unknown scale', JSON.stringify({ ...ORACLE_CARD, scale: 'minmax' }), /scale: .*\(received: "minmax"\)/),
  cardCase('labels not an array', JSON.stringify({ ...ORACLE_CARD, labels: 'neutral' }), /labels: .*\(received: "neutral"\)/),
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
    expect(() => readFileSync(out)).toThrow() // nothing written for a run that could not start
    expect(run.stderr).not.toMatch(/\n\s+at /) // no stack trace
  })
})

describe('tolerated encodings give the same result as the plain file', () => {
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

describe('bad images: recorded per sample (exit 7), the rest scored', () => {
  it('corrupt, zero-byte, huge-header and missing images in a manifest', () => {
    const dir = tempDir()
    mkdirSync(path.join(dir, 'img'))
    const goodRows = privateRows.slice(0, 4)
    const lines = ['path,label']
    goodRows.forEach((r, i) => {
      writeFileSync(path.join(dir, 'img', `good${i}.png`), grayPng(48, 48, Uint8Array.from(r.pixels)))
      lines.push(`img/good${i}.png,${FER2013_ORDER[r.emotion]}`)
    })
    writeFileSync(path.join(dir, 'img', 'corrupt.png'), Buffer.concat([grayPng(48, 48, new Uint8Array(2304)).subarray(0, 40), Buffer.from('garbage')]))
    writeFileSync(path.join(dir, 'img', 'empty.png'), new Uint8Array())
    writeFileSync(path.join(dir, 'img', 'huge.png'), hugePngHeader())
    lines.push('img/corrupt.png,happiness', 'img/empty.png,sadness', 'img/huge.png,anger', 'img/missing.png,fear')
    const manifest = path.join(dir, 'manifest.csv')
    writeFileSync(manifest, `${lines.join('\n')}\n`)
    const run = runCli(['eval', '--model', ORACLE, '--dataset', 'manifest', '--data', manifest, '--json'])
    expect(run.status).toBe(7)
    const doc = JSON.parse(run.stdout) as EvalResult
    expect(doc.dataset.samples).toBe(goodRows.length)
    expect(doc.failures.map((f) => f.id).sort()).toEqual(['img/corrupt.png', 'img/empty.png', 'img/huge.png', 'img/missing.png'])
    for (const f of doc.failures) {
      expect(f.source).toContain(manifest)
      expect(f.error).toContain(path.join(dir, f.id))
    }
    expect(doc.failures.find((f) => f.id === 'img/huge.png')!.error).toMatch(/pixel limit|exceeds|too large|dimensions/i)
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
    for (const f of doc.failures) expect(f.error).toMatch(/model output is not finite \(.*=(NaN|Inf|-Inf).*\); expected finite scores/)
    const scoredRows = rows.filter((r) => r.usage !== 'PrivateTest' || !failing.includes(r))
    expect(doc.metrics.confusionMatrix.counts).toEqual(expectedConfusion(scoredRows, 'PrivateTest', SEVEN))
    expect(doc.dataset.samples).toBe(privateRows.length - failing.length)
  })
})
