import { spawn, spawnSync } from 'node:child_process'
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { removeStaleTemps, writeTarget } from '../../src/base/atomicWrite.js'
import type { EvalResult } from '../../src/results/evalDocument.js'
import { FIXTURES, runCli, tempDir } from '../helpers/cli.js'
import { CANONICAL, expectedConfusion, readFixtureCsv } from '../helpers/oracle.js'

const CSV = path.join(FIXTURES, 'fer2013', 'fer2013.csv')
const ORACLE = path.join(FIXTURES, 'models', 'oracle.onnx')
const SEVEN = CANONICAL.filter((l) => l !== 'contempt')
const EXPECTED = expectedConfusion(readFixtureCsv(CSV), 'PrivateTest', SEVEN)
const evalArgs = ['eval', '--model', ORACLE, '--data', CSV]

/** A pid that is certainly not running: a process that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', ''])
  return child.pid!
}

describe('--output that is a symlink, a FIFO or a device: written through, never replaced', () => {
  it('a symlink: the target is replaced atomically with the result, the link stays a link', () => {
    const dir = tempDir()
    mkdirSync(path.join(dir, 'results'))
    const target = path.join(dir, 'results', 'latest.json')
    writeFileSync(target, 'old')
    const link = path.join(dir, 'result.json')
    symlinkSync(path.join('results', 'latest.json'), link)
    const run = runCli([...evalArgs, '--output', link])
    expect(run.status, run.stderr).toBe(0)
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
    expect(readlinkSync(link)).toBe(path.join('results', 'latest.json'))
    const doc = JSON.parse(readFileSync(target, 'utf8')) as EvalResult
    expect(doc.metrics.confusionMatrix.counts).toEqual(EXPECTED)
    expect(readdirSync(dir).sort()).toEqual(['result.json', 'results'])
    expect(readdirSync(path.join(dir, 'results'))).toEqual(['latest.json'])
  })

  it('a dangling symlink: its target is created', () => {
    const dir = tempDir()
    const link = path.join(dir, 'result.json')
    symlinkSync('made.json', link)
    const run = runCli([...evalArgs, '--output', link])
    expect(run.status, run.stderr).toBe(0)
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
    expect(
      (JSON.parse(readFileSync(path.join(dir, 'made.json'), 'utf8')) as EvalResult).metrics.confusionMatrix.counts,
    ).toEqual(EXPECTED)
  })

  it('a FIFO: the document goes through the pipe to its reader, the FIFO stays a FIFO', async () => {
    const dir = tempDir()
    const fifo = path.join(dir, 'out.fifo')
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0)
    const copy = path.join(dir, 'copy.json')
    const reader = spawn('sh', ['-c', `cat "${fifo}" > "${copy}"`])
    const closed = new Promise<number | null>((resolve) => reader.on('close', resolve))
    const run = runCli([...evalArgs, '--output', fifo])
    expect(run.status, run.stderr).toBe(0)
    expect(await closed).toBe(0)
    expect(statSync(fifo).isFIFO()).toBe(true)
    expect((JSON.parse(readFileSync(copy, 'utf8')) as EvalResult).metrics.confusionMatrix.counts).toEqual(EXPECTED)
  })

  it('devices and the process streams are written in place; directories are refused', () => {
    // checked without writing: a regression here must not replace the machine's /dev/null or /dev/stdout
    expect(writeTarget('/dev/null')).toEqual({ path: '/dev/null', direct: true })
    expect(writeTarget('/dev/stdout').direct).toBe(true)
    expect(writeTarget('/proc/self/fd/1').direct).toBe(true)
    const dir = tempDir()
    expect(() => writeTarget(dir)).toThrow(/could not write: it is a directory/)
  })

  it.each([
    ['--output', '--data', () => CSV],
    ['--output', '--model', () => ORACLE],
    ['--predictions', '--data', () => CSV],
    ['--report', '--model', () => ORACLE],
  ] as const)('%s equal to %s is refused (exit 2) and the input is untouched', (outFlag, inFlag, input) => {
    const before = readFileSync(input())
    const dir = tempDir()
    // the same file by another spelling: a symlink to it
    const alias = path.join(dir, path.basename(input()))
    symlinkSync(input(), alias)
    const run = runCli([...evalArgs, outFlag, alias, ...(outFlag === '--report' ? ['--format', 'json'] : [])])
    expect(run.status, run.stderr).toBe(2)
    expect(run.stderr).toContain(`${outFlag} ${alias} is the same file as ${inFlag} ${input()}`)
    expect(readFileSync(input()).equals(before)).toBe(true)
  })
})

describe('unwritable outputs: exit 10 naming the path, before anything is measured', () => {
  it('--output whose parent is a file', () => {
    const dir = tempDir()
    writeFileSync(path.join(dir, 'afile'), 'x')
    const out = path.join(dir, 'afile', 'result.json')
    const run = runCli([...evalArgs, '--output', out])
    expect(run.status, run.stderr).toBe(10)
    expect(run.stderr).toContain(
      `${out}: could not write: a parent of it is a file, not a directory (${path.join(dir, 'afile')} is a file)`,
    )
    expect(run.stderr).not.toMatch(/\n\s+at /)
  })

  it('--predictions that cannot be written fails before the run, so the result is never lost at the end', () => {
    const dir = tempDir()
    writeFileSync(path.join(dir, 'afile'), 'x')
    const out = path.join(dir, 'result.json')
    const predictions = path.join(dir, 'afile', 'p.csv')
    const run = runCli([...evalArgs, '--output', out, '--predictions', predictions])
    expect(run.status, run.stderr).toBe(10)
    expect(run.stderr).toContain(`${predictions}: could not write`)
    expect(existsSync(out)).toBe(false) // nothing was run: nothing to lose
  })

  it('a directory as --output or --report', () => {
    const dir = tempDir()
    for (const flag of ['--output', '--report']) {
      const run = runCli([...evalArgs, flag, dir])
      expect(run.status, run.stderr).toBe(10)
      expect(run.stderr).toContain(`${dir}: could not write: it is a directory; expected a file name`)
    }
  })
})

describe('SIGKILL during an atomic write leaves a temp file: the next write over the same output removes it', () => {
  it("stale temp files of dead processes are removed, a live writer's is kept, other files are untouched", () => {
    const dir = tempDir()
    const out = path.join(dir, 'result.json')
    const stale = path.join(dir, `.result.json.${deadPid()}.1700000000000.tmp`)
    const live = path.join(dir, `.result.json.${process.ppid}.1700000000001.tmp`)
    const other = path.join(dir, `.other.json.${deadPid()}.1700000000002.tmp`)
    for (const f of [stale, live, other]) writeFileSync(f, Buffer.alloc(2 * 1024 * 1024))
    const run = runCli([...evalArgs, '--output', out])
    expect(run.status, run.stderr).toBe(0)
    expect(existsSync(stale)).toBe(false)
    expect(existsSync(live)).toBe(true)
    expect(existsSync(other)).toBe(true)
    expect((JSON.parse(readFileSync(out, 'utf8')) as EvalResult).metrics.confusionMatrix.counts).toEqual(EXPECTED)
    expect(removeStaleTemps(path.join(dir, 'other.json'))).toEqual([other])
  })
})
