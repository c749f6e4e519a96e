import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { buildLeaderboard } from '../../src/leaderboard/leaderboard.js'
import { collectDocuments } from '../../src/leaderboard/collect.js'
import { selectResults } from '../../src/leaderboard/select.js'
import { leaderboardDocumentSchema } from '../../src/results/leaderboardDocument.js'
import { presetCard } from '../../src/card/presets.js'
import { findClaim } from '../../src/compare/claims.js'
import type { EvalResult } from '../../src/results/evalDocument.js'
import type { SpeedResult } from '../../src/results/speedDocument.js'
import { FIXTURES, runCli, runJson, tempDir } from '../helpers/cli.js'
import { clone, FER_CSV, ORACLE, realEval, realSpeed, TINYCONV } from '../helpers/boardDocs.js'
import { renderText } from '../../src/report/registry.js'

let dir: string
let oracleEval: EvalResult
let tinyEval: EvalResult
let oracleSpeed: SpeedResult
let tinySpeed: SpeedResult

function put(name: string, doc: unknown): string {
  const file = path.join(dir, name)
  mkdirSync(path.dirname(file), { recursive: true })
  writeFileSync(file, JSON.stringify(doc))
  return file
}

/** A copy of an eval document posing as another model with the given accuracy and interval. */
function variant(
  doc: EvalResult,
  sha: string,
  name: string,
  accuracy: number,
  ci: [number, number],
  createdAt = doc.createdAt,
): EvalResult {
  const c = clone(doc)
  c.model.sha256 = sha
  c.model.path = `/models/${name}`
  c.metrics.accuracy = accuracy
  c.metrics.accuracyCI95 = ci
  c.createdAt = createdAt
  return c
}

beforeAll(() => {
  dir = tempDir('ferbench-board-')
  oracleEval = realEval(dir, 'real/oracle-private.json', ORACLE, 'PrivateTest').doc
  tinyEval = realEval(dir, 'real/tiny-private.json', TINYCONV, 'PrivateTest').doc
  realEval(dir, 'real/oracle-public.json', ORACLE, 'PublicTest')
  oracleSpeed = realSpeed(dir, 'real/oracle-speed.json', ORACLE).doc
  tinySpeed = realSpeed(dir, 'real/tiny-speed.json', TINYCONV).doc
}, 120_000)

describe('leaderboard over real documents', () => {
  it('joins eval and speed by model sha256, one protocol per split, never mixing them', () => {
    const doc = buildLeaderboard(collectDocuments([path.join(dir, 'real')]))
    expect(leaderboardDocumentSchema.safeParse(doc).success).toBe(true)
    expect(doc.protocols.map((p) => p.split)).toEqual(['PrivateTest', 'PublicTest'])
    const priv = doc.protocols[0]!
    expect(priv.rows.map((r) => r.model.sha256).sort()).toEqual([oracleEval.model.sha256, tinyEval.model.sha256].sort())
    const oracleRow = priv.rows.find((r) => r.model.sha256 === oracleEval.model.sha256)!
    expect(oracleRow.accuracy).toBe(oracleEval.metrics.accuracy)
    expect(oracleRow.accuracyCI95).toEqual(oracleEval.metrics.accuracyCI95)
    expect(oracleRow.params).toBe(oracleSpeed.model.params)
    expect(oracleRow.bytes).toBe(oracleSpeed.model.bytes)
    const batch1 = oracleSpeed.results.filter((c) => c.batch === 1)
    expect(oracleRow.latencyP50Ms).toBe(Math.min(...batch1.map((c) => c.latencyMs.p50)))
    expect(oracleRow.imagesPerSecond).toBe(Math.max(...oracleSpeed.results.map((c) => c.imagesPerSecond)))
    expect(oracleRow.machine).toBe(oracleSpeed.machine.cpu)
    const tinyRow = priv.rows.find((r) => r.model.sha256 === tinyEval.model.sha256)!
    expect(tinyRow.params).toBe(tinySpeed.model.params)
    // PublicTest holds the oracle only; its speed still joins by sha256.
    expect(doc.protocols[1]!.rows).toHaveLength(1)
    expect(doc.protocols[1]!.rows[0]!.latencyP50Ms).toBe(oracleRow.latencyP50Ms)
  })

  it('a robust document of the same model adds its mean corruption accuracy; export and history read it', async () => {
    const robustFile = path.join(dir, 'robust', 'oracle-robust.json')
    const run = runCli([
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
      'gaussian-noise,jpeg',
      '--severities',
      '1,3',
      '--output',
      robustFile,
    ])
    expect(run.status, run.stderr).toBe(0)
    const robust = JSON.parse(readFileSync(robustFile, 'utf8')) as {
      meanCorruptionAccuracy: number
      relativeRobustness: number
    }
    const doc = buildLeaderboard(collectDocuments([path.join(dir, 'real'), path.join(dir, 'robust')]))
    const row = doc.protocols[0]!.rows.find((r) => r.model.sha256 === oracleEval.model.sha256)!
    expect(row.meanCorruptionAccuracy).toBe(robust.meanCorruptionAccuracy)
    expect(row.sources).toContain(robustFile)
    const bmf = JSON.parse(
      await renderText(
        {
          kind: 'export',
          result: {
            selected: selectResults(collectDocuments([robustFile]).documents, 'newest').selected,
            direction: 'bigger',
          },
        },
        'bmf',
      ),
    ) as Record<string, Record<string, { value: number }>>
    expect(bmf['oracle.onnx/fer2013/PrivateTest/robust']!['relative-robustness']!.value).toBe(robust.relativeRobustness)
  })

  it('a cross-validation document is its own fold protocol, scored by its pooled metrics', () => {
    const cvFile = path.join(dir, 'cv', 'oracle-ck48.json')
    const run = runCli([
      'eval',
      '--model',
      ORACLE,
      '--dataset',
      'ckplus',
      '--data',
      path.join(FIXTURES, 'ckplus', 'CK+48'),
      '--folds',
      '3',
      '--output',
      cvFile,
    ])
    expect(run.status, run.stderr).toBe(0)
    const cv = JSON.parse(readFileSync(cvFile, 'utf8')) as {
      schema: string
      metrics: { accuracy: number; accuracyCI95: [number, number] }
      protocol: { folds: number }
    }
    expect(cv.schema).toBe('ferbench/cv@1')
    const doc = buildLeaderboard(collectDocuments([path.join(dir, 'cv'), path.join(dir, 'real', 'oracle-speed.json')]))
    expect(doc.protocols).toHaveLength(1)
    const p = doc.protocols[0]!
    expect([p.dataset, p.split]).toEqual(['ckplus', `3-fold subject-independent (${p.split.match(/\((.*)\)/)![1]})`])
    expect(p.rows[0]!.accuracy).toBe(cv.metrics.accuracy)
    expect(p.rows[0]!.accuracyCI95).toEqual(cv.metrics.accuracyCI95)
    expect(p.rows[0]!.latencyP50Ms).not.toBeNull()
  })

  it('the CLI writes JSON, HTML and PNG; --json prints the same document', () => {
    const json = path.join(dir, 'out', 'board.json')
    const run = runJson<{ schema: string; protocols: unknown[] }>([
      'leaderboard',
      path.join(dir, 'real'),
      '--output',
      json,
      '--html',
      path.join(dir, 'out', 'board.html'),
      '--png',
      path.join(dir, 'out', 'board.png'),
    ])
    expect(run.status).toBe(0)
    expect(run.json.schema).toBe('ferbench/leaderboard@1')
    expect(JSON.parse(readFileSync(json, 'utf8')).protocols).toEqual(run.json.protocols)
    const png = readFileSync(path.join(dir, 'out', 'board.png'))
    expect(png.subarray(1, 4).toString()).toBe('PNG')
    const html = readFileSync(path.join(dir, 'out', 'board.html'), 'utf8')
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\/(?!www\.w3\.org)/)
  })

  it('a named file that is not a result document is exit 3; in a folder it is skipped and listed', () => {
    const bad = put('mixed/notes.json', { hello: 'world' })
    put('mixed/ok.json', oracleEval)
    expect(runCli(['leaderboard', bad]).status).toBe(3)
    const doc = buildLeaderboard(collectDocuments([path.join(dir, 'mixed')]))
    expect(doc.protocols[0]!.rows).toHaveLength(1)
    expect(doc.warnings.some((w) => w.includes('notes.json'))).toBe(true)
  })
})

describe('leaderboard rules on constructed documents', () => {
  it('Pareto per protocol from known accuracies and speeds; speed-only models listed apart', () => {
    const fast = variant(oracleEval, 'a'.repeat(64), 'fast.onnx', 0.8, [0.75, 0.85])
    const accurate = variant(oracleEval, 'b'.repeat(64), 'accurate.onnx', 0.95, [0.93, 0.97])
    const loser = variant(oracleEval, 'c'.repeat(64), 'loser.onnx', 0.6, [0.55, 0.65])
    const speed = (sha: string, p50: number, bytes: number): SpeedResult => {
      const s = clone(oracleSpeed)
      s.model.sha256 = sha
      s.model.bytes = bytes
      s.results = s.results.filter((c) => c.batch === 1).map((c) => ({ ...c, latencyMs: { ...c.latencyMs, p50 } }))
      return s
    }
    const docs = collectDocuments([
      put('built/fast.json', fast),
      put('built/accurate.json', accurate),
      put('built/loser.json', loser),
      put('built/fast-speed.json', speed('a'.repeat(64), 1, 5_000_000)),
      put('built/accurate-speed.json', speed('b'.repeat(64), 10, 1_000_000)),
      put('built/loser-speed.json', speed('c'.repeat(64), 20, 9_000_000)),
      put('built/orphan-speed.json', speed('d'.repeat(64), 3, 100)),
    ])
    const doc = buildLeaderboard(docs)
    const rows = Object.fromEntries(doc.protocols[0]!.rows.map((r) => [r.model.name, r.pareto]))
    expect(rows['fast.onnx']).toEqual({ accuracyLatency: 'front', accuracySize: 'dominated' })
    expect(rows['accurate.onnx']).toEqual({ accuracyLatency: 'front', accuracySize: 'front' })
    expect(rows['loser.onnx']).toEqual({ accuracyLatency: 'dominated', accuracySize: 'dominated' })
    expect(doc.protocols[0]!.rows.map((r) => r.model.name)).toEqual(['accurate.onnx', 'fast.onnx', 'loser.onnx'])
    expect(doc.speedOnly.map((s) => s.model.sha256)).toEqual(['d'.repeat(64)])
  })

  it('leaves out unmerged shards and interrupted runs, and keeps the newest of two runs of one model, each with a warning', () => {
    const shard = clone(oracleEval)
    shard.dataset.shard = { index: 1, count: 2, hash: 'x' }
    const partial = variant(oracleEval, 'e'.repeat(64), 'partial.onnx', 0.5, [0.4, 0.6])
    partial.complete = false
    const older = variant(oracleEval, 'f'.repeat(64), 'twice.onnx', 0.5, [0.4, 0.6], '2020-01-01T00:00:00.000Z')
    const newer = variant(oracleEval, 'f'.repeat(64), 'twice.onnx', 0.7, [0.6, 0.8], '2021-01-01T00:00:00.000Z')
    const doc = buildLeaderboard(
      collectDocuments([
        put('rules/shard.json', shard),
        put('rules/partial.json', partial),
        put('rules/older.json', older),
        put('rules/newer.json', newer),
      ]),
    )
    expect(doc.protocols[0]!.rows.map((r) => [r.model.name, r.accuracy])).toEqual([['twice.onnx', 0.7]])
    expect(doc.warnings.filter((w) => /shard 1\/2|interrupted|newest/.test(w))).toHaveLength(3)
  })

  it('different TTA or label sets are different protocols', () => {
    const tencrop = variant(oracleEval, '1'.repeat(64), 'tta.onnx', 0.9, [0.8, 0.95])
    tencrop.model.card.tta = 'tencrop'
    const doc = buildLeaderboard(collectDocuments([put('tta/a.json', oracleEval), put('tta/b.json', tencrop)]))
    expect(doc.protocols).toHaveLength(2)
    expect(doc.protocols.map((p) => p.tta).sort()).toEqual(['none', 'tencrop'])
  })

  it('attaches the published claim of a preset on the same dataset and split; two disagreeing claims are named, not drawn', () => {
    const resnet = variant(oracleEval, '2'.repeat(64), 'resnet.onnx', 0.7, [0.68, 0.72])
    resnet.model.card.origin.source = 'preset:resnet18-fer2013'
    resnet.model.card.tta = 'tencrop'
    const vgg = variant(oracleEval, '3'.repeat(64), 'vgg.onnx', 0.7, [0.68, 0.72])
    vgg.model.card.origin.source = 'preset:vgg19-fer2013'
    vgg.model.card.tta = 'tencrop'
    const doc = buildLeaderboard(collectDocuments([put('claims/resnet.json', resnet), put('claims/vgg.json', vgg)]))
    const rows = Object.fromEntries(doc.protocols[0]!.rows.map((r) => [r.model.name, r.claimed]))
    expect(rows['resnet18-fer2013']).toEqual({
      claimIds: ['resnet18-fer2013-privatetest'],
      accuracy: findClaim('resnet18-fer2013-privatetest').value / 100,
    })
    expect(rows['vgg19-fer2013']!.claimIds).toEqual(['vgg19-fer2013-privatetest', 'vgg19-slimmed-fer2013-privatetest'])
    expect(rows['vgg19-fer2013']!.accuracy).toBeUndefined()
    expect(doc.warnings.some((w) => w.includes('2 accuracy claims match its preset vgg19-fer2013'))).toBe(true)
  })

  it("a model file named after a preset matches it only when its card equals the preset's", () => {
    const replica = variant(oracleEval, '4'.repeat(64), 'resnet18-fer2013.onnx', 0.2, [0.1, 0.3])
    const preset = presetCard('resnet18-fer2013')!
    Object.assign(replica.model.card, {
      input: { ...replica.model.card.input, ...preset.input },
      scale: preset.scale,
      crop: preset.crop,
      tta: preset.tta,
      labels: preset.labels,
      output: preset.output,
      resize: preset.resize,
    })
    replica.model.card.origin.source = '/models/resnet18-fer2013.onnx.ferbench.json'
    const other = clone(replica)
    other.model.sha256 = '5'.repeat(64)
    other.model.card.scale = 'raw255'
    const a = buildLeaderboard(collectDocuments([put('named/replica.json', replica)]))
    expect(a.protocols[0]!.rows[0]!.claimed?.claimIds).toEqual(['resnet18-fer2013-privatetest'])
    const b = buildLeaderboard(collectDocuments([put('named2/other.json', other)]))
    expect(b.protocols[0]!.rows[0]!.claimed).toBeUndefined()
  })
})
