import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { EvalResult } from '../../src/results/evalDocument.js'
import { FIXTURES, runCli, runJson, tempDir } from '../helpers/cli.js'
import { CANONICAL, FER2013_ORDER, expectedConfusion, readFixtureCsv } from '../helpers/oracle.js'

const CSV = path.join(FIXTURES, 'fer2013', 'fer2013.csv')
const ICML = path.join(FIXTURES, 'fer2013', 'icml_face_data.csv')
const ORACLE = path.join(FIXTURES, 'models', 'oracle.onnx')
const ORACLE_B1 = path.join(FIXTURES, 'models', 'oracle-batch1.onnx')
const rows = readFixtureCsv(CSV)
const SEVEN = CANONICAL.filter((l) => l !== 'contempt')

function trace(counts: number[][]): number {
  return counts.reduce((sum, row, i) => sum + row[i]!, 0)
}

describe('ferbench eval on the oracle fixtures', () => {
  it.each(['PrivateTest', 'PublicTest', 'Training'])(
    '%s: exact confusion matrix and accuracy computed independently from the pixels',
    (split) => {
      const expected = expectedConfusion(rows, split, SEVEN)
      const { status, json } = runJson<EvalResult>([
        'eval',
        '--model',
        ORACLE,
        '--data',
        CSV,
        '--split',
        split,
        '--batch',
        '5',
      ])
      expect(status).toBe(0)
      expect(json.schema).toBe('ferbench/eval@1')
      expect(json.metrics.confusionMatrix.labels).toEqual(FER2013_ORDER)
      expect(json.metrics.confusionMatrix.counts).toEqual(expected)
      const total = rows.filter((r) => r.usage === split).length
      expect(json.dataset.samples).toBe(total)
      expect(json.metrics.accuracy).toBeCloseTo(trace(expected) / total, 12)
      // Wilson interval by its textbook formula
      const p = trace(expected) / total
      const z = 1.959963984540054
      const centre = (p + (z * z) / (2 * total)) / (1 + (z * z) / total)
      const half = (z / (1 + (z * z) / total)) * Math.sqrt((p * (1 - p)) / total + (z * z) / (4 * total * total))
      expect(json.metrics.accuracyCI95[0]).toBeCloseTo(centre - half, 12)
      expect(json.metrics.accuracyCI95[1]).toBeCloseTo(centre + half, 12)
    },
  )

  it('the PrivateTest fixture really contains mislabelled rows and contempt traps (so the test can fail)', () => {
    const expected = expectedConfusion(rows, 'PrivateTest', SEVEN)
    const total = rows.filter((r) => r.usage === 'PrivateTest').length
    expect(trace(expected)).toBeLessThan(total)
    const withContempt = expectedConfusion(rows, 'PrivateTest', CANONICAL, [...FER2013_ORDER, 'contempt'])
    expect(withContempt.map((r) => r[7]!).reduce((a, b) => a + b, 0)).toBeGreaterThan(0)
  })

  it('per-class precision, recall, F1, balanced accuracy and macro-F1 follow from the expected matrix', () => {
    const expected = expectedConfusion(rows, 'PrivateTest', SEVEN)
    const { json } = runJson<EvalResult>(['eval', '--model', ORACLE, '--data', CSV])
    const k = expected.length
    const recalls: number[] = []
    const f1s: number[] = []
    for (let i = 0; i < k; i++) {
      const tp = expected[i]![i]!
      const support = expected[i]!.reduce((a, b) => a + b, 0)
      const predicted = expected.reduce((a, row) => a + row[i]!, 0)
      const precision = predicted === 0 ? 0 : tp / predicted
      const recall = support === 0 ? 0 : tp / support
      const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall)
      const got = json.metrics.perClass[i]!
      expect(got.label).toBe(FER2013_ORDER[i])
      expect(got.support).toBe(support)
      expect(got.precision).toBeCloseTo(precision, 12)
      expect(got.recall).toBeCloseTo(recall, 12)
      expect(got.f1).toBeCloseTo(f1, 12)
      recalls.push(recall)
      f1s.push(f1)
    }
    expect(json.metrics.balancedAccuracy).toBeCloseTo(recalls.reduce((a, b) => a + b, 0) / k, 12)
    expect(json.metrics.macroF1).toBeCloseTo(f1s.reduce((a, b) => a + b, 0) / k, 12)
  })

  it('reads the icml_face_data.csv header variant (emotion, Usage, pixels) to the same result', () => {
    const a = runJson<EvalResult>(['eval', '--model', ORACLE, '--data', CSV, '--split', 'PublicTest'])
    const b = runJson<EvalResult>(['eval', '--model', ORACLE, '--data', ICML, '--split', 'PublicTest'])
    expect(b.status).toBe(0)
    expect(b.json.metrics.confusionMatrix).toEqual(a.json.metrics.confusionMatrix)
    expect(b.json.dataset.digest).toBe(a.json.dataset.digest)
  })

  it('runs a model with a fixed batch of 1 one sample at a time and says so', () => {
    const { status, json } = runJson<EvalResult>(['eval', '--model', ORACLE_B1, '--data', CSV, '--batch', '8'])
    expect(status).toBe(0)
    expect(json.runner.fixedBatch).toBe(true)
    expect(json.runner.rowsPerCall).toBe(1)
    expect(json.warnings.join('\n')).toMatch(/fixes its batch dimension at 1/)
    expect(json.metrics.confusionMatrix.counts).toEqual(expectedConfusion(rows, 'PrivateTest', SEVEN))
  })

  it('excludes contempt from the argmax by default and says so; --extra-classes keep counts it as wrong', () => {
    const drop = runJson<EvalResult>(['eval', '--model', ORACLE, '--data', CSV])
    expect(drop.json.labelMapping.extraModelClasses).toEqual(['contempt'])
    expect(drop.json.warnings.join('\n')).toMatch(/excluded from the argmax.*contempt/)
    const keep = runJson<EvalResult>(['eval', '--model', ORACLE, '--data', CSV, '--extra-classes', 'keep'])
    expect(keep.status).toBe(0)
    expect(keep.json.metrics.confusionMatrix.labels).toEqual([...FER2013_ORDER, 'contempt'])
    expect(keep.json.metrics.confusionMatrix.counts).toEqual(
      expectedConfusion(rows, 'PrivateTest', CANONICAL, [...FER2013_ORDER, 'contempt']),
    )
  })

  it('records provenance: model hash and bytes, dataset digest, runner, machine, versions', () => {
    const { json } = runJson<EvalResult>(['eval', '--model', ORACLE, '--data', CSV])
    const bytes = readFileSync(ORACLE)
    expect(json.model.bytes).toBe(bytes.length)
    expect(json.model.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(json.model.card.labels).toEqual(CANONICAL)
    expect(json.dataset.digest).toMatch(/^[0-9a-f]{64}$/)
    expect(json.runner.backend).toBe('onnxruntime-node/cpu')
    expect(json.machine.cores).toBeGreaterThan(0)
    expect(json.versions['onnxruntime-node']).toMatch(/^\d+\.\d+\.\d+/)
    expect(json.tool.version).toMatch(/^\d+\.\d+\.\d+/)
  })

  it('the demo (no flags) evaluates the bundled fixtures and says it is the demo', () => {
    const text = runCli(['eval'])
    expect(text.status).toBe(0)
    expect(text.stderr).toMatch(/bundled demo/)
    expect(text.stdout).toMatch(/Confusion matrix/)
    const { json } = runJson<EvalResult>(['eval'])
    expect(json.demo).toBe(true)
    expect(json.metrics.confusionMatrix.counts).toEqual(expectedConfusion(rows, 'PrivateTest', SEVEN))
  })

  it('--output writes the same document atomically (no temp files left behind)', () => {
    const dir = tempDir()
    const out = path.join(dir, 'result.json')
    const run = runCli(['eval', '--model', ORACLE, '--data', CSV, '--output', out])
    expect(run.status).toBe(0)
    const doc = JSON.parse(readFileSync(out, 'utf8')) as EvalResult
    expect(doc.metrics.confusionMatrix.counts).toEqual(expectedConfusion(rows, 'PrivateTest', SEVEN))
    expect(readdirSync(dir)).toEqual(['result.json'])
  })
})

describe('ferbench eval rejects bad input with a named place and a documented exit code', () => {
  const header = 'emotion,pixels,Usage'
  const good = rows.find((r) => r.usage === 'PrivateTest')!
  const goodLine = `${good.emotion},${good.pixels.join(' ')},PrivateTest`

  function csvWith(lines: string[]): string {
    const dir = tempDir()
    const file = path.join(dir, 'fer2013.csv')
    writeFileSync(file, `${[header, ...lines].join('\n')}\n`)
    return file
  }

  it.each([
    [
      'a row with 2,303 pixels',
      `3,${good.pixels.slice(1).join(' ')},PrivateTest`,
      /row 2: expected 2304 pixel values \(48×48\), got 2303/,
    ],
    ['a label outside 0–6', `7,${good.pixels.join(' ')},PrivateTest`, /row 2: emotion '7' is not a FER2013 code 0–6/],
    [
      'an unknown Usage',
      `3,${good.pixels.join(' ')},Validation`,
      /row 2: Usage 'Validation' is not one of Training, PublicTest, PrivateTest/,
    ],
    [
      'a non-numeric pixel',
      `3,${good.pixels.slice(1).join(' ')} x,PrivateTest`,
      /row 2: pixel 2304 is not an integer 0–255/,
    ],
  ])(
    '%s: exit 3 naming the file and row; the good row before it is kept in a partial result',
    (_name, line, message) => {
      const file = csvWith([goodLine, line])
      const out = path.join(path.dirname(file), 'out.json')
      const run = runCli(['eval', '--model', ORACLE, '--data', file, '--output', out])
      expect(run.status).toBe(3)
      expect(run.stderr).toContain(file)
      expect(run.stderr).toMatch(message)
      const partial = JSON.parse(readFileSync(out, 'utf8')) as EvalResult
      expect({
        complete: partial.complete,
        settled: partial.resume?.settled,
        samples: partial.dataset.samples,
      }).toEqual({ complete: false, settled: 1, samples: 1 })
    },
  )

  it('a missing data file: exit 3 naming it', () => {
    const run = runCli(['eval', '--model', ORACLE, '--data', '/nonexistent/fer2013.csv'])
    expect(run.status).toBe(3)
    expect(run.stderr).toMatch(/\/nonexistent\/fer2013.csv: no such file/)
  })

  it('a missing model file: exit 4 naming it', () => {
    const run = runCli([
      'eval',
      '--model',
      '/nonexistent/m.onnx',
      '--card',
      path.join(FIXTURES, 'models', 'oracle.onnx.ferbench.json'),
      '--data',
      CSV,
    ])
    expect(run.status).toBe(4)
    expect(run.stderr).toMatch(/\/nonexistent\/m.onnx: model file not found/)
  })

  it('a card whose input size does not match the model: exit 4 naming the tensor and both shapes', () => {
    const dir = tempDir()
    const card = path.join(dir, 'card.json')
    writeFileSync(
      card,
      JSON.stringify({
        input: { height: 64, width: 64, channels: 1, layout: 'NCHW' },
        scale: 'raw255',
        labels: CANONICAL,
      }),
    )
    const run = runCli(['eval', '--model', ORACLE, '--card', card, '--data', CSV])
    expect(run.status).toBe(4)
    expect(run.stderr).toMatch(
      /model input 'image' with shape \[N, 1, 48, 48\]: card says input.height 64 but the model's NCHW shape has 48/,
    )
  })

  it('a card with fewer labels than the model outputs: exit 4', () => {
    const dir = tempDir()
    const card = path.join(dir, 'card.json')
    writeFileSync(card, JSON.stringify({ scale: 'raw255', labels: CANONICAL.slice(0, 7) }))
    const run = runCli(['eval', '--model', ORACLE, '--card', card, '--data', CSV])
    expect(run.status).toBe(4)
    expect(run.stderr).toMatch(/output 'scores' has 8 scores per sample but the card .* lists 7 labels/)
  })

  it('a card with an unknown label or a missing field: exit 5 naming field and value', () => {
    const dir = tempDir()
    const card = path.join(dir, 'card.json')
    writeFileSync(card, JSON.stringify({ scale: 'raw255', labels: [...CANONICAL.slice(0, 7), 'boredom'] }))
    const run = runCli(['eval', '--model', ORACLE, '--card', card, '--data', CSV])
    expect(run.status).toBe(5)
    expect(run.stderr).toMatch(/labels\.7: 'boredom' is not an emotion/)
    writeFileSync(card, JSON.stringify({ labels: CANONICAL }))
    const missing = runCli(['eval', '--model', ORACLE, '--card', card, '--data', CSV])
    expect(missing.status).toBe(5)
    expect(missing.stderr).toMatch(/scale: .*\(received: missing\)/)
  })

  it('a model without any card: exit 5 saying what is missing', () => {
    const dir = tempDir()
    const model = path.join(dir, 'bare.onnx')
    writeFileSync(model, readFileSync(ORACLE))
    const run = runCli(['eval', '--model', model, '--data', CSV])
    expect(run.status).toBe(5)
    expect(run.stderr).toMatch(/no model card.*"labels" and "scale"/s)
  })

  it('an unknown split and a half-given demo are usage errors (exit 2)', () => {
    expect(runCli(['eval', '--model', ORACLE, '--data', CSV, '--split', 'Test']).status).toBe(2)
    const half = runCli(['eval', '--model', ORACLE])
    expect(half.status).toBe(2)
    expect(half.stderr).toMatch(/needs both --model and --data/)
    expect(runCli(['eval', '--no-such-flag']).status).toBe(2)
  })

  it('--json errors are JSON on stdout with the same exit code', () => {
    const run = runCli(['eval', '--model', ORACLE, '--data', '/nonexistent.csv', '--json'])
    expect(run.status).toBe(3)
    const doc = JSON.parse(run.stdout) as { error: { message: string } }
    expect(doc.error.message).toMatch(/no such file/)
  })
})
