import { readFileSync } from 'node:fs'
import path from 'node:path'
import { Ajv } from 'ajv'
import { parse } from 'csv-parse/sync'
import { beforeAll, describe, expect, it } from 'vitest'
import { collectDocuments } from '../../src/leaderboard/collect.js'
import { type Selected, selectResults } from '../../src/leaderboard/select.js'
import { csvCell, type GabDirection } from '../../src/report/exportFormats.js'
import { renderText } from '../../src/report/registry.js'
import type { EvalResult } from '../../src/results/evalDocument.js'
import type { SpeedResult } from '../../src/results/speedDocument.js'
import { runCli, tempDir } from '../helpers/cli.js'
import { ORACLE, realEval, realSpeed } from '../helpers/boardDocs.js'

/** Bencher Metric Format's published JSON Schema (bencher.dev/docs/reference/bencher-metric-format), restated. */
const BMF_SCHEMA = {
  type: 'object',
  patternProperties: {
    '.+': {
      type: 'object',
      patternProperties: {
        '.+': {
          type: 'object',
          properties: { value: { type: 'number' }, lower_value: { type: 'number' }, upper_value: { type: 'number' } },
          required: ['value'],
        },
      },
    },
  },
}

/** github-action-benchmark's custom tools read an array of {name, unit, value, range?, extra?} (its README, "customBiggerIsBetter"). */
const GAB_SCHEMA = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      name: { type: 'string' },
      unit: { type: 'string' },
      value: { type: 'number' },
      range: { type: 'string' },
      extra: { type: 'string' },
    },
    required: ['name', 'unit', 'value'],
    additionalProperties: false,
  },
}

/** The results export writes: one per question, newest first (src/leaderboard/select.ts). */
const picked = (inputs: string[]) => selectResults(collectDocuments(inputs).documents, 'newest').selected

let dir: string
let evalDoc: EvalResult
let speedDoc: SpeedResult
let files: string[]

/** The selected results in an export format, through the renderer registry as `ferbench export` renders them. */
const exported = (selected: readonly Selected[], format: string, direction: GabDirection = 'bigger'): Promise<string> =>
  renderText({ kind: 'export', result: { selected, direction } }, format)

beforeAll(() => {
  dir = tempDir('ferbench-export-')
  const e = realEval(dir, 'eval.json', ORACLE, 'PrivateTest')
  const s = realSpeed(dir, 'speed.json', ORACLE)
  evalDoc = e.doc
  speedDoc = s.doc
  files = [e.file, s.file]
}, 120_000)

describe('ferbench export', () => {
  it('bmf: valid against the published schema; accuracy with its interval, speed per batch/threads cell; measure slugs ≤ 64 chars', async () => {
    const bmf = JSON.parse(await exported(picked(files), 'bmf')) as Record<
      string,
      Record<string, { value: number; lower_value?: number; upper_value?: number }>
    >
    const ajv = new Ajv()
    expect(ajv.validate(BMF_SCHEMA, bmf), JSON.stringify(ajv.errors)).toBe(true)
    const acc = bmf['oracle.onnx/fer2013/PrivateTest']!.accuracy!
    expect(acc.value).toBeCloseTo(evalDoc.metrics.accuracy * 100, 10)
    expect([acc.lower_value, acc.upper_value]).toEqual(evalDoc.metrics.accuracyCI95.map((x) => x * 100))
    for (const cell of speedDoc.results) {
      const bench = bmf[`oracle.onnx/batch-${cell.batch}/threads-${cell.threads ?? 'default'}`]!
      expect(bench['latency-p50']!.value).toBe(cell.latencyMs.p50)
      expect(bench['latency-p99']!.value).toBe(cell.latencyMs.p99)
      expect(bench.throughput!.value).toBe(cell.imagesPerSecond)
    }
    for (const measures of Object.values(bmf))
      for (const slug of Object.keys(measures)) expect(slug.length).toBeLessThanOrEqual(64)
  })

  it('github-action-benchmark: bigger and smaller arrays valid against the custom-tool shape, split by direction', async () => {
    const ajv = new Ajv()
    const docs = picked(files)
    const bigger = JSON.parse(await exported(docs, 'github-action-benchmark', 'bigger')) as Array<{
      name: string
      unit: string
    }>
    const smaller = JSON.parse(await exported(docs, 'github-action-benchmark', 'smaller')) as Array<{
      name: string
      unit: string
    }>
    expect(ajv.validate(GAB_SCHEMA, bigger), JSON.stringify(ajv.errors)).toBe(true)
    expect(ajv.validate(GAB_SCHEMA, smaller), JSON.stringify(ajv.errors)).toBe(true)
    expect(smaller.every((e) => e.unit === 'ms')).toBe(true)
    expect(smaller).toHaveLength(2 * speedDoc.results.length)
    expect(bigger.map((e) => e.name)).toContain('oracle.onnx/fer2013/PrivateTest accuracy')
    expect(bigger.filter((e) => e.unit === 'images/s')).toHaveLength(speedDoc.results.length)
  })

  it('csv: one row per measure, parseable, formula-like cells neutralised', async () => {
    const text = await exported(picked(files), 'csv')
    const rows = parse(text, { columns: true }) as Array<Record<string, string>>
    expect(rows).toHaveLength(3 + 3 * speedDoc.results.length)
    expect(Number(rows.find((r) => r.measure === 'accuracy')!.value)).toBeCloseTo(evalDoc.metrics.accuracy * 100, 10)
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`)
    expect(csvCell('@SUM(1)')).toBe("'@SUM(1)")
    expect(csvCell(-1.5)).toBe('-1.5')
  })

  it('junit: a suite per document, a case per measure; the CLI writes it with --output', () => {
    const out = path.join(dir, 'export.xml')
    const run = runCli(['export', '--format', 'junit', ...files, '--output', out])
    expect(run.status).toBe(0)
    const xml = readFileSync(out, 'utf8')
    expect(xml.match(/<testsuite /g)).toHaveLength(2)
    expect(xml.match(/<testcase /g)).toHaveLength(3 + 3 * speedDoc.results.length)
    expect(xml).not.toContain('<failure')
  })

  it('an unknown format is a usage error (exit 2)', () => {
    expect(runCli(['export', '--format', 'xlsx', files[0]!]).status).toBe(2)
  })
})
