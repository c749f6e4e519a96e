import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT, tempDir } from '../helpers/cli.js'

// tools/equiv/: capture.mjs runs command lines on a build, diff.mjs compares two captures with the
// volatile fields masked (docs/equivalence.md). These tests build captures by hand, so each
// expected verdict is known, and capture one small case of this checkout for real.
const DIFF = path.join(ROOT, 'tools', 'equiv', 'diff.mjs')
const CAPTURE = path.join(ROOT, 'tools', 'equiv', 'capture.mjs')

interface FakeStep {
  cmd: string
  code: number
  stdout: string
  stderr?: string
}

/** A capture folder as capture.mjs writes it: meta.json, cases/<name>/{case.json, steps/N.*, files/…}. */
function fakeCapture(
  root: string,
  name: string,
  cases: Record<string, { steps: FakeStep[]; files?: Record<string, string>; volatile?: object }>,
): string {
  const dir = path.join(root, name)
  mkdirSync(dir, { recursive: true })
  writeFileSync(
    path.join(dir, 'meta.json'),
    JSON.stringify({ repo: `/checkouts/${name}`, commit: `${name} commit`, capturedAt: '2026-01-01T00:00:00Z' }),
  )
  for (const [caseName, c] of Object.entries(cases)) {
    const caseDir = path.join(dir, 'cases', caseName)
    mkdirSync(path.join(caseDir, 'steps'), { recursive: true })
    writeFileSync(path.join(caseDir, 'case.json'), JSON.stringify({ name: caseName, volatile: c.volatile ?? {} }))
    for (const [i, s] of c.steps.entries()) {
      const base = path.join(caseDir, 'steps', String(i + 1))
      writeFileSync(`${base}.cmd`, `${s.cmd}\n`)
      writeFileSync(`${base}.code`, `${s.code}\n`)
      writeFileSync(`${base}.stdout`, s.stdout)
      writeFileSync(`${base}.stderr`, s.stderr ?? '')
    }
    for (const [file, text] of Object.entries(c.files ?? {})) {
      mkdirSync(path.dirname(path.join(caseDir, 'files', file)), { recursive: true })
      writeFileSync(path.join(caseDir, 'files', file), text)
    }
  }
  return dir
}

function diff(a: string, b: string, ...options: string[]): { status: number | null; stdout: string } {
  const run = spawnSync(process.execPath, [DIFF, a, b, ...options], { encoding: 'utf8' })
  return { status: run.status, stdout: run.stdout + run.stderr }
}

const evalDoc = (createdAt: string, wallSeconds: number, accuracy: number, repo: string): string =>
  `${JSON.stringify(
    {
      schema: 'ferbench/eval@1',
      createdAt,
      model: { path: `${repo}/fixtures/models/oracle.onnx` },
      metrics: { accuracy },
      timing: { wallSeconds, stagesMs: { read: wallSeconds * 100 } },
    },
    null,
    2,
  )}\n`

const table = (time: string, accuracy: string): string =>
  `│ accuracy │ ${accuracy}       │\n│ time     │ ${time.padEnd(28)} │\nwritten at 2026-12-06T21:47:01.890Z\n`

describe('tools/equiv/diff.mjs', () => {
  it('calls two runs identical when only times, durations, rates, dates and the checkout path differ', () => {
    const root = tempDir('ferbench-equiv-')
    const a = fakeCapture(root, 'a', {
      run: {
        steps: [{ cmd: 'ferbench eval', code: 0, stdout: table('0.29 s, 96.4 images/s', '85.71%') }],
        files: { 'r.json': evalDoc('2026-12-06T21:47:01.890Z', 0.165, 0.857, '/checkouts/a') },
      },
    })
    const b = fakeCapture(root, 'b', {
      run: {
        steps: [
          {
            cmd: 'ferbench eval',
            code: 0,
            stdout: table('12.31 s, 2.3 images/s', '85.71%').replace('21:47:01.890', '23:01:09.004'),
          },
        ],
        files: { 'r.json': evalDoc('2026-12-07T03:00:00.000Z', 12.5, 0.857, '/checkouts/b') },
      },
    })
    const run = diff(a, b)
    expect(run.stdout).toContain('identical: 1 cases, 1 command lines')
    expect(run.stdout).toContain('2 byte-identical, 2 identical after masking')
    expect(run.status).toBe(0)
  })

  it('names the case, file, line and both values when a metric differs, and the codes when an exit code does', () => {
    const root = tempDir('ferbench-equiv-')
    const same = { cmd: 'ferbench eval --json', code: 0, stdout: '{}\n' }
    const a = fakeCapture(root, 'a', {
      run: {
        steps: [same, { cmd: 'ferbench gate', code: 0, stdout: 'passed\n' }],
        files: { 'r.json': evalDoc('t', 1, 0.857, 'x') },
      },
    })
    const b = fakeCapture(root, 'b', {
      run: {
        steps: [same, { cmd: 'ferbench gate', code: 8, stdout: 'passed\n' }],
        files: { 'r.json': evalDoc('t', 1, 0.5, 'x') },
      },
    })
    const run = diff(a, b)
    expect(run.status).toBe(1)
    expect(run.stdout).toContain('2 difference(s)')
    expect(run.stdout).toContain('case run: step 2 `ferbench gate`: exit code 0 vs 8')
    expect(run.stdout).toContain('case run: file r.json differs')
    expect(run.stdout).toMatch(/line 8 A: ".*\\"accuracy\\": 0\.857"/)
    expect(run.stdout).toMatch(/line 8 B: ".*\\"accuracy\\": 0\.5"/)
  })

  it('--accept: a pinned difference is listed with its reason and does not count; a different change to the same output does', () => {
    const root = tempDir('ferbench-equiv-')
    const step = (stdout: string) => ({ help: { steps: [{ cmd: 'ferbench claims --help', code: 0, stdout }] } })
    const a = fakeCapture(root, 'a', step('data in src/claims/claimsData.ts\n'))
    const b = fakeCapture(root, 'b', step('data in src/compare/claimsData.ts\n'))
    const c = fakeCapture(root, 'c', step('data in src/elsewhere/claimsData.ts\n'))
    const accept = path.join(root, 'accepted.json')
    writeFileSync(
      accept,
      JSON.stringify([
        {
          difference: 'case help: step 1 `ferbench claims --help`: stdout differs',
          lines: ['line 1 B: "data in src/compare/claimsData.ts"'],
          why: 'the file moved',
        },
      ]),
    )
    const ab = diff(a, b, '--accept', accept)
    expect(ab.stdout).toContain('identical apart from 1 accepted difference(s)')
    expect(ab.stdout).toContain('case help: step 1 `ferbench claims --help`: stdout differs: the file moved')
    expect(ab.status).toBe(0)
    const ac = diff(a, c, '--accept', accept)
    expect(ac.stdout).toContain('1 difference(s)')
    expect(ac.stdout).toContain('line 1 B: "data in src/elsewhere/claimsData.ts"')
    expect(ac.status).toBe(1)
  })

  it('reports a --help line that changed, a file written by one side only and a case run by one side only', () => {
    const root = tempDir('ferbench-equiv-')
    const a = fakeCapture(root, 'a', {
      help: { steps: [{ cmd: 'ferbench claims --help', code: 0, stdout: 'data in src/claims/claimsData.ts\n' }] },
      only: { steps: [{ cmd: 'ferbench runners', code: 0, stdout: '' }] },
    })
    const b = fakeCapture(root, 'b', {
      help: {
        steps: [{ cmd: 'ferbench claims --help', code: 0, stdout: 'data in src/compare/claimsData.ts\n' }],
        files: { 'extra.md': '# extra\n' },
      },
    })
    const run = diff(a, b)
    expect(run.status).toBe(1)
    expect(run.stdout).toContain('case help: step 1 `ferbench claims --help`: stdout differs')
    expect(run.stdout).toContain('line 1 B: "data in src/compare/claimsData.ts"')
    expect(run.stdout).toContain('case help: file extra.md: written only by B')
    expect(run.stdout).toContain('case only: only in A')
  })

  it('compares timing tables up to their numbers and alignment, never their words', () => {
    const root = tempDir('ferbench-equiv-')
    const speed = (p50: string, label: string) =>
      `┌───────┬${'─'.repeat(p50.length + 2)}┐\n│ ${label} │ ${p50} │\n└───────┴${'─'.repeat(p50.length + 2)}┘\n`
    const volatile = { timing: true }
    const a = fakeCapture(root, 'a', {
      speed: { volatile, steps: [{ cmd: 'ferbench speed', code: 0, stdout: speed('0.015', 'p50 ms') }] },
    })
    const b = fakeCapture(root, 'b', {
      speed: { volatile, steps: [{ cmd: 'ferbench speed', code: 0, stdout: speed('12.3456', 'p50 ms') }] },
    })
    const c = fakeCapture(root, 'c', {
      speed: { volatile, steps: [{ cmd: 'ferbench speed', code: 0, stdout: speed('12.3456', 'mean ms') }] },
    })
    const ab = diff(a, b)
    expect(ab.stdout).toContain('1 equal up to timing figures')
    expect(ab.status).toBe(0)
    const ac = diff(a, c)
    expect(ac.status).toBe(1)
    expect(ac.stdout).toContain('case speed: step 1 `ferbench speed`: stdout differs')
  })
})

describe('tools/equiv/capture.mjs', () => {
  it('captures a case of this build (exit codes, streams, command lines), and a capture equals itself', () => {
    const root = tempDir('ferbench-equiv-')
    const out = path.join(root, 'cap')
    const run = spawnSync(process.execPath, [CAPTURE, '--repo', ROOT, '--out', out, '--only', '^exit-5-card$'], {
      encoding: 'utf8',
    })
    expect(run.stderr).toBe('')
    expect(run.stdout).toMatch(/^captured 1 case\(s\), 4 command line\(s\)/)
    expect(run.status).toBe(0)
    const steps = path.join(out, 'cases', 'exit-5-card', 'steps')
    for (let i = 1; i <= 4; i++) expect(readFileSync(path.join(steps, `${i}.code`), 'utf8')).toBe('5\n')
    expect(readFileSync(path.join(steps, '1.cmd'), 'utf8')).toBe(
      'ferbench eval --model fixtures/models/oracle.onnx --card no-scale.json --data fixtures/fer2013/fer2013.csv\n',
    )
    expect(readFileSync(path.join(steps, '1.stderr'), 'utf8')).toContain('scale')
    const self = diff(out, out)
    expect(self.stdout).toContain('identical: 1 cases, 4 command lines')
    expect(self.status).toBe(0)
  })
})
