import { spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { EXIT_CODES } from '../../src/base/exitCodes.js'
import { BIN, FIXTURES, runCli, runCliBatch, tempDir, type CliRun } from '../helpers/cli.js'

/**
 * Every path a command reads, fed a directory, an empty file, a binary file and an unreadable file:
 * each must end in a documented code other than 1 (exit 1 on user input is a bug) and name the
 * path. Unreadable files: the tests run as root, for whom chmod 000 does not stop a read, so that
 * variant runs the CLI as the unprivileged user `nobody` (uid 65534) against a 000 file; where the
 * tests do not run as root, chmod 000 alone does it.
 */

const ORACLE = path.join(FIXTURES, 'models', 'oracle.onnx')
const CARD = `${ORACLE}.ferbench.json`
const CSV = path.join(FIXTURES, 'fer2013', 'fer2013.csv')
const dir = tempDir('ferbench-pathflags-')
chmodSync(dir, 0o755)
const RESULT = path.join(dir, 'result.json')
const SHARD = path.join(dir, 'shard-1.json')
const DOCUMENT_CODES: number[] = Object.values(EXIT_CODES)
  .map((e) => e.code)
  .filter((c) => c !== EXIT_CODES.internal.code && c !== EXIT_CODES.ok.code)

/** One path-taking flag (or argument) of one command: the arguments with `P` where the path goes. */
interface PathUse {
  name: string
  args: string[]
  /** Variants whose exit 0 is right (e.g. a folder where a folder of documents is accepted). */
  okFor?: Variant[]
  /** The path is a folder (a folder dataset): its unreadable variant is a folder we may not list. */
  folder?: boolean
}
type Variant = 'directory' | 'empty file' | 'binary file' | 'unreadable file'

const P = '<PATH>'
const uses: PathUse[] = [
  { name: 'eval --model', args: ['eval', '--model', P, '--card', CARD, '--data', CSV] },
  { name: 'eval --card', args: ['eval', '--model', ORACLE, '--card', P, '--data', CSV] },
  { name: 'eval --data', args: ['eval', '--model', ORACLE, '--data', P] },
  {
    name: 'eval --data (folder dataset)',
    args: ['eval', '--model', ORACLE, '--dataset', 'jaffe', '--data', P],
    folder: true,
  },
  { name: 'eval --labels', args: ['eval', '--model', ORACLE, '--dataset', 'ferplus', '--data', CSV, '--labels', P] },
  { name: 'eval --resume', args: ['eval', '--resume', P] },
  { name: 'speed --model', args: ['speed', '--model', P, '--iterations', '1', '--warmup', '0', '--duration', '0'] },
  {
    name: 'speed --card',
    args: ['speed', '--model', ORACLE, '--card', P, '--iterations', '1', '--warmup', '0', '--duration', '0'],
  },
  {
    name: 'speed --reference',
    args: ['speed', '--model', ORACLE, '--reference', P, '--iterations', '1', '--warmup', '0', '--duration', '0'],
  },
  {
    name: 'speed --reference-card',
    args: [
      'speed',
      '--model',
      ORACLE,
      '--reference',
      ORACLE,
      '--reference-card',
      P,
      '--iterations',
      '1',
      '--warmup',
      '0',
      '--duration',
      '0',
    ],
  },
  {
    name: 'speed --e2e --data',
    args: ['speed', '--model', ORACLE, '--e2e', '--data', P, '--iterations', '1', '--warmup', '0', '--duration', '0'],
  },
  { name: 'compare a', args: ['compare', P, RESULT] },
  { name: 'compare b', args: ['compare', RESULT, P] },
  { name: 'gate --baseline', args: ['gate', '--baseline', P, '--current', RESULT] },
  { name: 'gate --current', args: ['gate', '--baseline', RESULT, '--current', P] },
  { name: 'report', args: ['report', P] },
  { name: 'merge', args: ['merge', P] },
  // a folder of documents is an input these take: an empty one exports nothing
  { name: 'export', args: ['export', '--format', 'csv', P], okFor: ['directory'] },
  { name: 'leaderboard', args: ['leaderboard', P], okFor: ['directory'] },
  { name: 'datasets inspect --data', args: ['datasets', 'inspect', '--dataset', 'fer2013', '--data', P] },
  {
    name: 'datasets inspect --labels',
    args: ['datasets', 'inspect', '--dataset', 'ferplus', '--data', CSV, '--labels', P],
  },
  { name: 'datasets audit --data', args: ['datasets', 'audit', '--dataset', 'jaffe', '--data', P], folder: true },
  { name: 'models inspect --model', args: ['models', 'inspect', '--model', P] },
  { name: 'models inspect --card', args: ['models', 'inspect', '--model', ORACLE, '--card', P] },
  // a size claim reads only the file's size: any non-empty file has one
  { name: 'reproduce --model', args: ['reproduce', 'microexpnet-size', '--model', P], okFor: ['binary file'] },
]

const asRoot = process.getuid?.() === 0
const nobodyHome = path.join(dir, 'home')
mkdirSync(nobodyHome, { mode: 0o777 })
const nobodyEnv = {
  ...process.env,
  NO_COLOR: '1',
  HOME: nobodyHome,
  XDG_CONFIG_HOME: nobodyHome,
  XDG_CACHE_HOME: nobodyHome,
  XDG_DATA_HOME: nobodyHome,
}
/** As root, `nobody` must be able to run the CLI from this checkout (not so under a private folder such as a 0700 home). */
const nobodyReachesBin =
  !asRoot ||
  spawnSync(process.execPath, [BIN, '--help'], { cwd: nobodyHome, env: nobodyEnv, uid: 65534, gid: 65534 }).status === 0
const VARIANTS: Variant[] = [
  'directory',
  'empty file',
  'binary file',
  ...(nobodyReachesBin ? (['unreadable file'] as const) : []),
]
function makePath(variant: Variant, n: number, folder = false): string {
  const base = path.join(dir, `v${n}`)
  if (folder && variant === 'unreadable file') {
    mkdirSync(`${base}.d`, { mode: 0o000 })
    return `${base}.d`
  }
  switch (variant) {
    case 'directory':
      mkdirSync(`${base}.d`, { mode: 0o755 })
      return `${base}.d`
    case 'empty file':
      writeFileSync(`${base}.json`, '')
      return `${base}.json`
    case 'binary file':
      writeFileSync(`${base}.json`, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256)))
      return `${base}.json`
    case 'unreadable file':
      writeFileSync(`${base}.json`, readFileSync(RESULT))
      chmodSync(`${base}.json`, 0o000)
      return `${base}.json`
  }
}

describe('every path flag fed a directory, an empty file, a binary file and an unreadable file: a documented code other than 1, the path named', () => {
  const setup = runCli(['eval', '--model', ORACLE, '--data', CSV, '--output', RESULT])
  const shard = runCli(['eval', '--model', ORACLE, '--data', CSV, '--shard', '1/1', '--output', SHARD])
  chmodSync(RESULT, 0o644)

  it('the documents the matrix compares against were written', () => {
    expect(setup.status, setup.stderr).toBe(0)
    expect(shard.status, shard.stderr).toBe(0)
  })

  if (!nobodyReachesBin)
    it.skip(`unreadable files — skipped: the tests run as root and user nobody cannot reach ${BIN} (a private folder)`)

  let n = 0
  const rows = uses.flatMap((use) => VARIANTS.map((variant) => [`${use.name}: ${variant}`, use, variant, n++] as const))
  // In process (tests/helpers/cli.ts), except the unreadable variant as root: run as `nobody`, all of
  // those in one child process (runCliBatch), its paths made here.
  const asNobody = rows.filter(([, , variant]) => variant === 'unreadable file' && asRoot)
  const nobodyFiles = new Map(asNobody.map(([, use, variant, i]) => [i, makePath(variant, i, use.folder)]))
  const nobodyRuns = new Map<number, CliRun>()
  const answers = runCliBatch(
    asNobody.map(([, use, , i]) => use.args.map((a) => (a === P ? nobodyFiles.get(i)! : a))),
    { cwd: nobodyHome, env: nobodyEnv, uid: 65534, gid: 65534 },
  )
  asNobody.forEach(([, , , i], k) => nobodyRuns.set(i, answers[k]!))

  it.concurrent.each(rows)('%s', (_name, use, variant, i) => {
    const file = nobodyFiles.get(i) ?? makePath(variant, i, use.folder)
    const args = use.args.map((a) => (a === P ? file : a))
    const result = nobodyRuns.get(i) ?? runCli(args)
    const shown = `${use.args.join(' ')} → exit ${result.status}\n${result.stderr.slice(0, 600)}`
    if (use.okFor?.includes(variant) && result.status === 0) return
    expect(DOCUMENT_CODES, shown).toContain(result.status)
    expect(result.stderr, shown).toContain(path.basename(file))
    expect(result.stderr, shown).not.toMatch(/\n\s+at /)
    if (variant === 'unreadable file') expect(result.stderr, shown).toMatch(/EACCES|permission denied/i) // it really was unreadable for the run
  })
})
