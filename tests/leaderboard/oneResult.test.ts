import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'csv-parse/sync'
import { beforeAll, describe, expect, it } from 'vitest'
import type { EvalResult } from '../../src/results/evalDocument.js'
import type { GateResult } from '../../src/results/gateDocument.js'
import type { LeaderboardDocument } from '../../src/results/leaderboardDocument.js'
import type { RobustResult } from '../../src/results/robustDocument.js'
import type { SpeedResult } from '../../src/results/speedDocument.js'
import { FIXTURES, runCli, runJson, tempDir } from '../helpers/cli.js'
import { clone, FER_CSV, ORACLE, realEval, realSpeed } from '../helpers/boardDocs.js'

let dir: string
let base: EvalResult
let speed: SpeedResult
let robust: RobustResult
let baseFile: string

const write = (folder: string, name: string, doc: unknown): string => {
  mkdirSync(path.join(dir, folder), { recursive: true })
  const file = path.join(dir, folder, name)
  writeFileSync(file, JSON.stringify(doc))
  return file
}

/** The oracle's eval result with another time and accuracy (the same model, data, protocol and runner: one question). */
function rerun(createdAt: string, accuracy: number): EvalResult {
  const d = clone(base)
  d.createdAt = createdAt
  d.metrics.accuracy = accuracy
  return d
}

/** Another model: its own sha256 and file name (and runner, when given). */
function otherModel(doc: EvalResult, name: string, sha: string, runner?: EvalResult['runner']): EvalResult {
  const d = clone(doc)
  d.model.path = path.join(path.dirname(d.model.path), name)
  d.model.sha256 = sha.repeat(64).slice(0, 64)
  if (runner) d.runner = runner
  return d
}

beforeAll(() => {
  dir = tempDir('ferbench-one-result-')
  ;({ file: baseFile, doc: base } = realEval(dir, 'base.json', ORACLE, 'PrivateTest'))
  speed = realSpeed(dir, 'speed.json', ORACLE).doc
  const robustFile = path.join(dir, 'robust.json')
  const r = runCli([
    'robust',
    '--model',
    ORACLE,
    '--dataset',
    'fer2013',
    '--data',
    FER_CSV,
    '--split',
    'PrivateTest',
    '--corruptions',
    'jpeg',
    '--severities',
    '1',
    '--output',
    robustFile,
  ])
  expect(r.status, r.stderr).toBe(0)
  robust = JSON.parse(readFileSync(robustFile, 'utf8')) as RobustResult
}, 120_000)

describe('one result per question, the same in every view', () => {
  it('three results of one model on one protocol: leaderboard, every export format and history pick the same one and name it', () => {
    // oldest 60 %, middle 90 % (the best), newest 70 %
    const files = [
      write('three', 'a-old.json', rerun('2026-01-01T00:00:00.000Z', 0.6)),
      write('three', 'b-best.json', rerun('2026-01-02T00:00:00.000Z', 0.9)),
      write('three', 'c-new.json', rerun('2026-01-03T00:00:00.000Z', 0.7)),
    ]
    const store = path.join(dir, 'three-store')
    const added = runCli(['history', 'add', ...files, '--store', store, '--commit', 'abc123', '--branch', 'main'])
    expect(added.status, added.stderr).toBe(0)
    for (const [pick, file, accuracy] of [
      ['newest', files[2]!, 0.7],
      ['best', files[1]!, 0.9],
    ] as const) {
      const board = runJson<LeaderboardDocument>(['leaderboard', path.join(dir, 'three'), '--pick', pick])
      expect(board.status).toBe(0)
      const rows = board.json.protocols.flatMap((p) => p.rows)
      expect(rows).toHaveLength(1)
      expect(rows[0]!.accuracy).toBe(accuracy)
      expect(rows[0]!.sources[0]).toBe(file)
      const said = board.json.warnings.find((w) => w.includes('3 results'))!
      for (const f of files) expect(said).toContain(f)
      expect(said).toContain(`--pick ${pick} uses ${file}`)

      const bmf = runCli(['export', '--format', 'bmf', path.join(dir, 'three'), '--pick', pick])
      expect(bmf.status).toBe(0)
      expect(bmf.stderr).toContain(`--pick ${pick} uses ${file}`)
      const bench = JSON.parse(bmf.stdout) as Record<string, Record<string, { value: number }>>
      expect(Object.keys(bench)).toEqual(['oracle.onnx/fer2013/PrivateTest'])
      expect(bench['oracle.onnx/fer2013/PrivateTest']!.accuracy!.value).toBeCloseTo(accuracy * 100, 10)

      const gab = JSON.parse(
        runCli(['export', '--format', 'github-action-benchmark', path.join(dir, 'three'), '--pick', pick]).stdout,
      ) as Array<{ name: string; value: number }>
      expect(gab.map((e) => e.name)).toEqual([
        'oracle.onnx/fer2013/PrivateTest accuracy',
        'oracle.onnx/fer2013/PrivateTest macro-f1',
        'oracle.onnx/fer2013/PrivateTest balanced-accuracy',
      ])
      expect(gab[0]!.value).toBeCloseTo(accuracy * 100, 10)

      const csv = parse(runCli(['export', '--format', 'csv', path.join(dir, 'three'), '--pick', pick]).stdout, {
        columns: true,
      }) as Array<Record<string, string>>
      expect(new Set(csv.map((row) => row.file))).toEqual(new Set([file]))
      const junit = runCli(['export', '--format', 'junit', path.join(dir, 'three'), '--pick', pick]).stdout
      expect(junit.match(/<testsuite /g)).toHaveLength(1)
      expect(junit).toContain(`<testsuite name="${file}"`)
      const exported = runJson<{ selected: Array<{ file: string }> }>([
        'export',
        '--format',
        'csv',
        path.join(dir, 'three'),
        '--pick',
        pick,
      ])
      expect(exported.json.selected.map((s) => s.file)).toEqual([file])

      const shown = runJson<{ points: Array<{ value: number; entry: { sourceFile: string } }>; warnings: string[] }>([
        'history',
        'show',
        '--store',
        store,
        '--pick',
        pick,
      ])
      expect(shown.status).toBe(0)
      expect(shown.json.points.map((p) => [p.value, p.entry.sourceFile])).toEqual([[accuracy, file]])
      expect(shown.json.warnings[0]).toMatch(/3 entries/)
    }
    // --pick all keeps every one where rows can say which (csv), and is refused where names must be unique
    const all = parse(runCli(['export', '--format', 'csv', path.join(dir, 'three'), '--pick', 'all']).stdout, {
      columns: true,
    }) as Array<Record<string, string>>
    expect(new Set(all.map((row) => row.file))).toEqual(new Set(files))
    expect(new Set(all.map((row) => row.benchmark)).size).toBe(3)
    const refused = runCli(['export', '--format', 'bmf', path.join(dir, 'three'), '--pick', 'all'])
    expect(refused.status).toBe(2)
    expect(
      runJson<{ points: unknown[] }>(['history', 'show', '--store', store, '--pick', 'all']).json.points,
    ).toHaveLength(3)
  })

  it('export names are unique: two models with one file name get their hashes appended', () => {
    const twin = otherModel(base, 'oracle.onnx', 'b')
    const a = write('twins', 'a.json', base)
    const b = write('twins', 'b.json', twin)
    const gab = JSON.parse(runCli(['export', '--format', 'github-action-benchmark', a, b]).stdout) as Array<{
      name: string
    }>
    const names = gab.map((e) => e.name)
    expect(new Set(names).size).toBe(names.length)
    expect(names).toContain(`oracle.onnx/fer2013/PrivateTest/sha-${base.model.sha256.slice(0, 12)} accuracy`)
    expect(names).toContain(`oracle.onnx/fer2013/PrivateTest/sha-${'b'.repeat(12)} accuracy`)
  })

  it('a robust result on other samples is not attached to the row; one on the same samples is', () => {
    const ck = clone(robust)
    ck.dataset = { ...ck.dataset, name: 'ckplus', split: 'all', digest: 'c'.repeat(64) }
    ck.meanCorruptionAccuracy = 0.123
    const eval1 = write('robust-other', 'eval.json', base)
    const ckFile = write('robust-other', 'robust-ck.json', ck)
    const board = runJson<LeaderboardDocument>(['leaderboard', path.join(dir, 'robust-other')]).json
    const row = board.protocols[0]!.rows[0]!
    expect(row.meanCorruptionAccuracy).toBeUndefined()
    expect(row.sources).toEqual([eval1])
    expect(board.warnings.join('\n')).toContain(`${ckFile}: ckplus all`)
    const sameFile = write('robust-other', 'robust-fer.json', robust)
    const again = runJson<LeaderboardDocument>(['leaderboard', path.join(dir, 'robust-other')]).json.protocols[0]!
      .rows[0]!
    expect(again.meanCorruptionAccuracy).toBe(robust.meanCorruptionAccuracy)
    expect(again.sources).toEqual([eval1, sameFile])
  })

  it('latencies of different runners are never on one front; speed of another runner is not attached', () => {
    const tfjs = { name: 'tfjs', backend: 'wasm', device: 'cpu', version: '4.22.0' }
    // the second model is less accurate and slower: on one front it would be dominated
    const slow = otherModel(base, 'slow.onnx', 'd', { ...base.runner, ...tfjs })
    slow.metrics.accuracy = base.metrics.accuracy / 2
    slow.metrics.accuracyCI95 = [0, base.metrics.accuracy / 2 + 0.01]
    const slowSpeed = clone(speed)
    slowSpeed.model.sha256 = slow.model.sha256
    slowSpeed.model.path = slow.model.path
    slowSpeed.runner = { ...slowSpeed.runner, ...tfjs }
    slowSpeed.results = slowSpeed.results.map((c) => ({
      ...c,
      latencyMs: { ...c.latencyMs, p50: c.latencyMs.p50 * 1000 + 1 },
    }))
    write('runners', 'fast.json', base)
    write('runners', 'fast-speed.json', speed)
    write('runners', 'slow.json', slow)
    write('runners', 'slow-speed.json', slowSpeed)
    const board = runJson<LeaderboardDocument>(['leaderboard', path.join(dir, 'runners')]).json
    const rows = board.protocols[0]!.rows
    expect(rows.map((r) => [r.model.name, r.runner?.name, r.pareto.accuracyLatency])).toEqual([
      ['oracle.onnx', base.runner.name, 'front'],
      ['slow.onnx', 'tfjs', 'front'],
    ])
    expect(new Set(rows.map((r) => r.latencyFront)).size).toBe(2)
    expect(board.warnings.join('\n')).toMatch(/2 different runners or machines.*its own accuracy–latency front/)
    const table = runCli(['leaderboard', path.join(dir, 'runners')]).stdout
    expect(table).toContain('wasm on cpu')
    expect(table).toMatch(/one latency front \(L\) each/)
    // the oracle's only speed document measured tfjs: not attached to its onnxruntime row
    const tfjsSpeed = clone(speed)
    tfjsSpeed.runner = { ...tfjsSpeed.runner, ...tfjs }
    write('runner-mismatch', 'eval.json', base)
    const mismatch = write('runner-mismatch', 'speed-tfjs.json', tfjsSpeed)
    const other = runJson<LeaderboardDocument>(['leaderboard', path.join(dir, 'runner-mismatch')]).json
    expect(other.protocols[0]!.rows[0]!.latencyP50Ms).toBeNull()
    expect(other.warnings.join('\n')).toContain(`${mismatch}: wasm on cpu`)
  })

  it('gate --baseline history:<branch> refuses another model (exit 3, naming it) and names the entry it compares with', () => {
    const store = path.join(dir, 'gate-store')
    const other = write('gate', 'other.json', otherModel(base, 'other.onnx', 'e'))
    expect(runCli(['history', 'add', other, '--store', store, '--commit', 'c1', '--branch', 'main']).status).toBe(0)
    const refused = runCli(['gate', '--baseline', 'history:main', '--current', baseFile, '--store', store])
    expect(refused.status).toBe(3)
    expect(refused.stderr).toMatch(
      /no eval result of oracle\.onnx .* on fer2013 PrivateTest, TTA none · 7 classes recorded on branch 'main'/,
    )
    expect(refused.stderr).toMatch(/eval of other\.onnx \(sha256 eeeeeeeeeeee\) on fer2013 PrivateTest/)
    // the same model under another protocol (flip TTA) is not its baseline either
    const flipped = clone(base)
    flipped.model.card.tta = 'flip'
    const flippedFile = write('gate', 'flipped.json', flipped)
    expect(
      runCli(['history', 'add', flippedFile, '--store', store, '--commit', 'c1b', '--branch', 'main']).status,
    ).toBe(0)
    expect(runCli(['gate', '--baseline', 'history:main', '--current', baseFile, '--store', store]).status).toBe(3)
    expect(runCli(['history', 'add', baseFile, '--store', store, '--commit', 'c2', '--branch', 'main']).status).toBe(0)
    expect(runCli(['history', 'add', other, '--store', store, '--commit', 'c3', '--branch', 'main']).status).toBe(0)
    const gated = runJson<GateResult>(['gate', '--baseline', 'history:main', '--current', baseFile, '--store', store])
    expect(gated.status).toBe(0)
    expect(gated.stderr).toMatch(/baseline: history:main is entry \S+: eval of oracle\.onnx .* commit c2/)
    expect(gated.json.baseline.history).toMatch(/eval of oracle\.onnx .* commit c2/)
  })

  it('one display name everywhere: a tfjs model.json is its folder name in history, leaderboard and export', () => {
    const tfjs = clone(base)
    tfjs.model.path = path.join(FIXTURES, 'models', 'tuple-emotion', 'model.json')
    const file = write('names', 'tfjs.json', tfjs)
    const store = path.join(dir, 'names-store')
    const added = runJson<{ entries: Array<{ model: { name: string } }> }>([
      'history',
      'add',
      file,
      '--store',
      store,
      '--commit',
      'n1',
      '--branch',
      'main',
    ])
    expect(added.json.entries[0]!.model.name).toBe('tuple-emotion')
    expect(runJson<LeaderboardDocument>(['leaderboard', file]).json.protocols[0]!.rows[0]!.model.name).toBe(
      'tuple-emotion',
    )
    expect(Object.keys(JSON.parse(runCli(['export', '--format', 'bmf', file]).stdout) as object)).toEqual([
      'tuple-emotion/fer2013/PrivateTest',
    ])
  })
})
