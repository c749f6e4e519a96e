import { mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { LIMITS } from '../../src/base/limits.js'
import { ensureStoreDir } from '../../src/base/storeDir.js'
import { FerbenchError } from '../../src/base/errors.js'
import { ORACLE, realEval } from '../helpers/boardDocs.js'
import { runCli, tempDir } from '../helpers/cli.js'

const dir = tempDir('ferbench-bounds-')
const { file: RESULT } = realEval(dir, 'result.json', ORACLE, 'PrivateTest')
/** One byte over the limit: a sparse file (nothing is written, so the test stays light). */
const HUGE = path.join(dir, 'huge.json')
writeFileSync(HUGE, '{')
truncateSync(HUGE, LIMITS.documentBytes + 1)

describe('documents read back are size-capped before parsing', () => {
  const readers: Array<{ name: string; args: string[] }> = [
    { name: 'report', args: ['report', HUGE] },
    { name: 'compare', args: ['compare', HUGE, RESULT] },
    { name: 'gate --current', args: ['gate', '--baseline', RESULT, '--current', HUGE] },
    { name: 'merge', args: ['merge', HUGE] },
    { name: 'leaderboard', args: ['leaderboard', HUGE] },
    { name: 'export', args: ['export', '--format', 'csv', HUGE] },
    { name: 'history add', args: ['history', 'add', HUGE, '--store', path.join(dir, 'store-huge')] },
    { name: 'eval --resume', args: ['eval', '--resume', HUGE] },
  ]
  for (const { name, args } of readers) {
    it(`${name}: exit 3 naming the file, its size and the limit`, () => {
      const run = runCli(args)
      expect(run.status, run.stderr).toBe(3)
      expect(run.stderr).toContain(HUGE)
      expect(run.stderr).toContain(`${LIMITS.documentBytes + 1} bytes`)
      expect(run.stderr).toContain(`${LIMITS.documentBytes}-byte (64 MiB) limit`)
    })
  }

  it('a document at the limit is read (the limit refuses only what is over it)', () => {
    const atLimit = path.join(dir, 'padded.json')
    const text = `${JSON.stringify(JSON.parse(runCli(['report', RESULT, '--format', 'json']).stdout))}`
    // padded in bytes: the document holds paths, which may have non-ASCII names (more bytes than characters)
    writeFileSync(atLimit, text + ' '.repeat(LIMITS.documentBytes - Buffer.byteLength(text)))
    const run = runCli(['report', atLimit, '--format', 'json'])
    expect(run.status, run.stderr).toBe(0)
  })
})

describe('store folders (history store, model cache) that cannot be used: exit 10 naming them', () => {
  it('history add --store <a regular file>, <a dangling symlink>, <a path under a file>', () => {
    const file = path.join(dir, 'not-a-folder')
    writeFileSync(file, 'x')
    const dangling = path.join(dir, 'dangling')
    symlinkSync(path.join(dir, 'nowhere'), dangling)
    for (const [store, reason] of [
      [file, 'is a regular file, not a folder'],
      [dangling, `is a symbolic link to ${path.join(dir, 'nowhere')}, which does not exist (a dangling link)`],
      [path.join(file, 'store'), 'lies under a regular file, not a folder (ENOTDIR)'],
    ] as const) {
      const run = runCli(['history', 'add', RESULT, '--store', store])
      expect(run.status, run.stderr).toBe(10)
      expect(run.stderr).toContain(`${store}: the history store (--store) ${reason}`)
    }
  })

  it('a store whose documents/ is a file is named too; a good store is made and written', () => {
    const store = path.join(dir, 'store-bad-sub')
    mkdirSync(store)
    writeFileSync(path.join(store, 'documents'), 'x')
    const run = runCli(['history', 'add', RESULT, '--store', store])
    expect(run.status, run.stderr).toBe(10)
    expect(run.stderr).toContain(
      `${path.join(store, 'documents')}: the history store's documents folder is a regular file`,
    )
    const good = path.join(dir, 'a', 'new', 'store')
    expect(runCli(['history', 'add', RESULT, '--store', good]).status).toBe(0)
  })

  it('ensureStoreDir: a folder that cannot be written is exit 10 (as a user without the permission)', () => {
    const locked = path.join(dir, 'locked')
    mkdirSync(locked, { mode: 0o500 })
    const asRoot = process.getuid?.() === 0
    // root may write anywhere: the check is then that the folder passes, as it would be written
    if (asRoot) expect(ensureStoreDir(locked, 'the store')).toBe(locked)
    else {
      const error = (() => {
        try {
          ensureStoreDir(locked, 'the store')
        } catch (e) {
          return e
        }
      })()
      expect(error).toBeInstanceOf(FerbenchError)
      expect((error as FerbenchError).exitCode).toBe(10)
      expect((error as FerbenchError).message).toContain('cannot be written (permission denied (EACCES))')
    }
  })
})
