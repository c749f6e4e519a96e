import { spawn } from 'node:child_process'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { collectDocuments } from '../../src/leaderboard/collect.js'
import { gitContext } from '../../src/leaderboard/gitContext.js'
import { historyBaseline, trend } from '../../src/leaderboard/historyQuery.js'
import { addToHistory, readHistory } from '../../src/leaderboard/historyStore.js'
import type { EvalResult } from '../../src/results/evalDocument.js'
import { ROOT, runCli, runJson, tempDir } from '../helpers/cli.js'
import { clone, ORACLE, realEval } from '../helpers/boardDocs.js'

let dir: string
let evalFile: string
let evalDoc: EvalResult

beforeAll(() => {
  dir = tempDir('ferbench-history-')
  ;({ file: evalFile, doc: evalDoc } = realEval(dir, 'eval.json', ORACLE, 'PrivateTest'))
}, 60_000)

/** Runs `writers` processes at once, each recording `each` documents into one store through the built code. */
function concurrentWriters(store: string, writers: number, each: number): Promise<number[]> {
  const script = `
    const { collectDocuments } = await import(${JSON.stringify(pathToFileURL(path.join(ROOT, 'dist/leaderboard/collect.js')).href)})
    const { addToHistory } = await import(${JSON.stringify(pathToFileURL(path.join(ROOT, 'dist/leaderboard/historyStore.js')).href)})
    const [doc] = collectDocuments([${JSON.stringify(evalFile)}]).documents
    for (let i = 0; i < ${each}; i++) addToHistory(doc, { store: ${JSON.stringify(store)}, commit: 'w' + process.argv[1] + '-' + i, branch: 'main', gitSource: 'test' })
  `
  return Promise.all(
    Array.from(
      { length: writers },
      (_, w) =>
        new Promise<number>((resolve) => {
          const child = spawn(process.execPath, ['--input-type=module', '-e', script, String(w)], { stdio: 'inherit' })
          child.on('exit', (code) => resolve(code ?? -1))
        }),
    ),
  )
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

describe('history store', () => {
  it('parallel writers lose no entry: 6 processes × 15 appends = 90 entries, each with its document', async () => {
    const store = path.join(dir, 'concurrent')
    expect(await concurrentWriters(store, 6, 15)).toEqual([0, 0, 0, 0, 0, 0])
    const entries = readHistory(store)
    expect(entries).toHaveLength(90)
    expect(new Set(entries.map((e) => e.commit)).size).toBe(90)
    expect(readdirSync(path.join(store, 'documents'))).toHaveLength(90)
    for (const e of entries.slice(0, 5))
      expect(JSON.parse(readFileSync(path.join(store, e.document), 'utf8')).metrics.accuracy).toBe(
        evalDoc.metrics.accuracy,
      )
    expect(readdirSync(path.join(store, 'index')).filter((n) => n.endsWith('.tmp'))).toEqual([])
  }, 120_000)

  it('an index entry that is not JSON, or not an entry, is a data error (exit 3) naming the file', () => {
    const store = path.join(dir, 'broken')
    const [doc] = collectDocuments([evalFile]).documents
    const entry = addToHistory(doc!, {
      store,
      commit: 'c0',
      branch: 'main',
      gitSource: 'test',
      now: new Date(Date.UTC(2026, 0, 1)),
    })
    const file = path.join(store, 'index', `${entry.id}.json`)
    writeFileSync(file, '{ "id": ')
    expect(() => readHistory(store)).toThrow(
      expect.objectContaining({
        exitCode: 3,
        message: expect.stringMatching(new RegExp(`^${escapeRegExp(file)}: not a JSON document`)),
      }),
    )
    writeFileSync(file, '{ "id": 7 }')
    expect(() => readHistory(store)).toThrow(
      expect.objectContaining({
        exitCode: 3,
        message: expect.stringMatching(new RegExp(`^${escapeRegExp(file)}: not a valid history entry document: id: `)),
      }),
    )
  })

  it('trend: per series, in time order, with the change from the previous point', () => {
    const store = path.join(dir, 'trend')
    const [doc] = collectDocuments([evalFile]).documents
    const values = [0.5, 0.75, 0.7]
    values.forEach((accuracy, i) => {
      const d = clone(doc!)
      ;(d.doc as EvalResult).metrics.accuracy = accuracy
      addToHistory(d, {
        store,
        commit: `c${i}`,
        branch: 'main',
        gitSource: 'test',
        now: new Date(Date.UTC(2026, 0, 1 + i)),
      })
    })
    const { points } = trend(readHistory(store), { metric: 'accuracy' })
    expect(
      points.map((p) => [p.entry.commit, p.value, p.change === null ? null : Number(p.change.toFixed(10))]),
    ).toEqual([
      ['c0', 0.5, null],
      ['c1', 0.75, 0.25],
      ['c2', 0.7, -0.05],
    ])
    const shown = runJson<{ points: Array<{ value: number }> }>([
      'history',
      'show',
      '--store',
      store,
      '--metric',
      'accuracy',
      '--png',
      path.join(dir, 'trend.png'),
    ])
    expect(shown.status).toBe(0)
    expect(shown.json.points.map((p) => p.value)).toEqual(values)
    expect(readFileSync(path.join(dir, 'trend.png')).subarray(1, 4).toString()).toBe('PNG')
  })

  it('gate --baseline history:<branch> compares with the last comparable document on that branch', () => {
    const store = path.join(dir, 'gate')
    const [doc] = collectDocuments([evalFile]).documents
    const worse = clone(doc!)
    const w = worse.doc as EvalResult
    w.metrics.accuracy = evalDoc.metrics.accuracy + 0.1
    delete w.predictions // accuracy edited by hand: without per-sample predictions the gate judges on the threshold alone
    addToHistory(doc!, { store, commit: 'old', branch: 'main', gitSource: 'test', now: new Date(Date.UTC(2026, 0, 1)) })
    addToHistory(worse, {
      store,
      commit: 'new',
      branch: 'main',
      gitSource: 'test',
      now: new Date(Date.UTC(2026, 0, 2)),
    })
    addToHistory(doc!, {
      store,
      commit: 'side',
      branch: 'feature',
      gitSource: 'test',
      now: new Date(Date.UTC(2026, 0, 3)),
    })
    const baseline = historyBaseline(store, 'main', doc!)
    expect(JSON.parse(readFileSync(baseline.file, 'utf8')).metrics.accuracy).toBe(w.metrics.accuracy)
    // The current run is 10 points below the last main entry: the gate fails (exit 8).
    expect(runCli(['gate', '--baseline', 'history:main', '--current', evalFile, '--store', store]).status).toBe(8)
    expect(runCli(['gate', '--baseline', 'history:feature', '--current', evalFile, '--store', store]).status).toBe(0)
    const missing = runCli(['gate', '--baseline', 'history:nope', '--current', evalFile, '--store', store])
    expect(missing.status).toBe(3)
    expect(missing.stderr).toMatch(
      /no eval result of oracle\.onnx \(sha256 [0-9a-f]{12}\) on fer2013 PrivateTest, TTA none · \d+ classes recorded on branch 'nope'/,
    )
  })

  it('commit and branch come from CI variables first, then git', () => {
    expect(gitContext({ GITHUB_SHA: 'abc', GITHUB_REF_NAME: '12/merge', GITHUB_HEAD_REF: 'feature-x' })).toEqual({
      commit: 'abc',
      branch: 'feature-x',
      source: 'GitHub Actions (GITHUB_SHA)',
    })
    expect(gitContext({ GITHUB_SHA: 'abc', GITHUB_REF_NAME: 'main', GITHUB_HEAD_REF: '' }).branch).toBe('main')
    expect(gitContext({ CI_COMMIT_SHA: 'def', CI_COMMIT_REF_NAME: 'dev' })).toMatchObject({
      commit: 'def',
      branch: 'dev',
    })
    expect(gitContext({}, dir)).toMatchObject({ commit: null, branch: null })
    const here = gitContext({}, ROOT)
    expect(here.commit).toMatch(/^[0-9a-f]{40}$/)
  })
})
