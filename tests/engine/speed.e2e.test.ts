import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { onnxModelStats } from '../../src/model/onnxStats.js'
import type { SpeedResult } from '../../src/results/speedDocument.js'
import { FIXTURES, runCli, runJson, tempDir } from '../helpers/cli.js'

const ORACLE = path.join(FIXTURES, 'models', 'oracle.onnx')
const ORACLE_B1 = path.join(FIXTURES, 'models', 'oracle-batch1.onnx')
const CSV = path.join(FIXTURES, 'fer2013', 'fer2013.csv')
const FAST = ['--warmup', '2', '--iterations', '20', '--duration', '0.05']

describe('ferbench speed (CLI)', () => {
  it('--json on the oracle: the contract fields, one cell per batch × threads', () => {
    const { status, json } = runJson<SpeedResult>([
      'speed',
      '--model',
      ORACLE,
      '--batch',
      '1,8',
      '--threads',
      '1,2',
      ...FAST,
    ])
    expect(status).toBe(0)
    expect(json.schema).toBe('ferbench/speed@1')
    expect(json.model).toMatchObject({ path: ORACLE, bytes: readFileSync(ORACLE).length, params: 18432, macs: 18432 })
    expect(json.runner).toMatchObject({ name: 'onnx', backend: 'onnxruntime-node/cpu', device: 'cpu' })
    expect(Object.keys(json.machine)).toEqual(expect.arrayContaining(['cpu', 'cores', 'os', 'node']))
    expect(typeof json.sessionCreateMs).toBe('number')
    expect(typeof json.firstInferenceMs).toBe('number')
    expect(json.peakRssBytes).toBeGreaterThan(0)
    expect(json.results.map((c) => `${c.batch}x${c.threads}`)).toEqual(['1x1', '8x1', '1x2', '8x2'])
    for (const c of json.results) {
      expect(Object.keys(c.latencyMs)).toEqual(['mean', 'std', 'min', 'p50', 'p90', 'p95', 'p99', 'max'])
      expect(c.iterations).toBeGreaterThanOrEqual(20)
      expect(c.durationS).toBeGreaterThanOrEqual(0.05)
      expect(c.latencyMs.p50).toBeLessThanOrEqual(c.latencyMs.p99)
    }
    expect(json.versions['onnxruntime-node']).toMatch(/^\d+\.\d+/)
  })

  it('prints the table without --json, and --output writes the same document atomically', () => {
    const dir = tempDir()
    const out = path.join(dir, 'speed.json')
    const run = runCli(['speed', '--model', ORACLE, ...FAST, '--output', out])
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(/Warmed latency per runner call/)
    expect(run.stdout).toMatch(/p99/)
    expect(run.stderr).not.toMatch(/timing/) // progress only on a TTY
    const doc = JSON.parse(readFileSync(out, 'utf8')) as SpeedResult
    expect(doc.results).toHaveLength(1)
    expect(doc.results[0]!.threads).toBeNull() // no --threads: the engine's default, recorded as null
    expect(doc.sessions).toHaveLength(1)
    expect(readdirSync(dir)).toEqual(['speed.json'])
  })

  it('a model fixing batch 1: batch 8 is reported as skipped, not run at 1; only batch 8 is exit 2', () => {
    const { status, json } = runJson<SpeedResult>(['speed', '--model', ORACLE_B1, '--batch', '1,8', ...FAST])
    expect(status).toBe(0)
    expect(json.results.map((c) => c.batch)).toEqual([1])
    expect(json.skipped[0]).toMatchObject({ batch: 8, reason: expect.stringMatching(/fixes its batch dimension at 1/) })
    const only8 = runCli(['speed', '--model', ORACLE_B1, '--batch', '8', ...FAST])
    expect(only8.status).toBe(2)
    expect(only8.stderr).toMatch(/fixes its batch dimension at 1.*Use --batch 1/)
  })

  it('--reference records the reference and a latency ratio per cell', () => {
    const { status, json } = runJson<SpeedResult>(['speed', '--model', ORACLE, '--reference', ORACLE_B1, ...FAST])
    expect(status).toBe(0)
    expect(json.reference!.model.path).toBe(ORACLE_B1)
    const blocks = json.results[0]!.latencyRatioBlocks!
    expect(blocks.length).toBe(json.settings.repeats)
    expect(json.results[0]!.latencyRatio).toBeCloseTo(
      Math.exp(blocks.reduce((a, b) => a + Math.log(b), 0) / blocks.length),
      9,
    )
  })

  it('--e2e times the whole pipeline per stage on a dataset', () => {
    const { status, json } = runJson<SpeedResult>([
      'speed',
      '--model',
      ORACLE,
      ...FAST,
      '--e2e',
      '--data',
      CSV,
      '--split',
      'PublicTest',
      '--batch',
      '4',
    ])
    expect(status).toBe(0)
    const e = json.e2e![0]!
    const csvRows = readFileSync(CSV, 'utf8')
      .trim()
      .split('\n')
      .filter((l) => l.endsWith(',PublicTest')).length
    expect(e.samples).toBe(csvRows)
    expect(Object.keys(e.stagesMs).sort()).toEqual(['infer', 'metrics', 'preprocess', 'read'])
    expect(Object.values(e.stageShare).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9)
  })

  it('a tfjs model: timed on the tfjs runner, size and MACs as `models inspect` reads them (equal to its ONNX twin)', () => {
    const tfjs = runJson<SpeedResult>([
      'speed',
      '--model',
      path.join(FIXTURES, 'models', 'tinyconv-graph', 'model.json'),
      ...FAST,
    ])
    const onnx = onnxModelStats(path.join(FIXTURES, 'models', 'tinyconv.onnx'))
    expect(tfjs.status).toBe(0)
    expect(tfjs.json.runner.name).toBe('tfjs')
    expect(tfjs.json.results[0]!.iterations).toBeGreaterThanOrEqual(20)
    expect(tfjs.json.model.params).toBe(onnx.params)
    expect(tfjs.json.model.macs).toBe(onnx.macs)
  })

  it('--device gpu fails clearly with exit 6 where no GPU provider starts', () => {
    const run = runCli(['speed', '--model', ORACLE, '--device', 'gpu', ...FAST])
    expect(run.status).toBe(6)
    expect(run.stderr).toMatch(/--device gpu/)
  })

  it('bad flags: exit 2 naming the flag', () => {
    expect(runCli(['speed', '--model', ORACLE, '--batch', '1,x']).stderr).toMatch(
      /--batch 1,x: expected positive integers/,
    )
    expect(runCli(['speed', '--model', ORACLE, '--e2e']).status).toBe(2)
  })
})
