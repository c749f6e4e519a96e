import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { FIXTURES, runCli, runCliProcess, tempDir, type CliRun } from './cli.js'

const MODEL = path.join(FIXTURES, 'models', 'oracle-batch1.onnx')

/** A CSV whose pixel row is short: a data error (exit 3) that names the row. */
function brokenCsv(): string {
  const dir = tempDir()
  const file = path.join(dir, 'fer2013.csv')
  const [header, first] = readFileSync(path.join(FIXTURES, 'fer2013', 'fer2013.csv'), 'utf8').split('\n')
  const [emotion, , usage] = first!.split(',')
  writeFileSync(file, `${header}\n${emotion},1 2 3,${usage}\n`)
  return file
}

/** Everything a user sees, with the temp paths and run-dependent numbers masked. */
function visible(run: CliRun): CliRun {
  const mask = (s: string) =>
    s
      .replace(/\(node:\d+\)/g, '(node:PID)')
      .replace(/"(createdAt|wallMs|[a-zA-Z]*Ms|durationSeconds|hostname)": ?[^,}\n]+/g, '"$1": X')
  return { status: run.status, stdout: mask(run.stdout), stderr: mask(run.stderr) }
}

describe('tests/helpers/cli.ts: in-process runs behave as the installed bin', () => {
  const cases: Array<[string, string[]]> = [
    ['success with a table', ['datasets', 'list']],
    ['success with --json', ['models', 'presets', '--json']],
    ['usage error (exit 2)', ['eval', '--batch', 'zero']],
    ['unknown command', ['no-such-command']],
    ['data error as text (exit 3)', ['eval', '--model', '@MODEL@', '--data', '@BROKEN@']],
    ['data error as --json (exit 3)', ['eval', '--model', '@MODEL@', '--data', '@BROKEN@', '--json']],
  ]
  for (const [name, template] of cases) {
    it(`${name}: same exit status, stdout and stderr as a child process`, () => {
      const file = brokenCsv()
      const args = template.map((a) => (a === '@BROKEN@' ? file : a === '@MODEL@' ? MODEL : a))
      const inProcess = runCli(args)
      const child = runCliProcess(args)
      expect(visible(inProcess)).toEqual(visible(child))
    })
  }

  it('with a cwd: relative paths resolve there, in process as in a child process, and the directory is restored', () => {
    const dir = tempDir()
    const csv = brokenCsv()
    writeFileSync(path.join(dir, 'fer2013.csv'), readFileSync(csv))
    const args = ['eval', '--model', MODEL, '--data', 'fer2013.csv', '--output', 'out.json']
    const before = process.cwd()
    const inProcess = runCli(args, { cwd: dir })
    expect(process.cwd()).toBe(before)
    const child = runCliProcess(args, { cwd: dir })
    expect(inProcess.status).toBe(3)
    // the broken file of that folder was read (the repository's root has no fer2013.csv)
    expect(inProcess.stderr).toMatch(/^Error: fer2013\.csv row 1: expected 2304 pixel values/)
    expect(visible(inProcess)).toEqual(visible(child))
  })

  it('no state leaks from one run into the next: exit code, environment', () => {
    const failed = runCli(['eval', '--model', MODEL, '--data', brokenCsv()])
    expect(failed.status).toBe(3)
    const after = runCli(['models', 'presets', '--json'])
    expect(after.status).toBe(0)
    expect(after.stderr).toBe('')
    expect(runCli(['datasets', 'list'], { env: { NO_COLOR: '1', FERBENCH_HARNESS_PROBE: 'x' } }).status).toBe(0)
    expect(process.env.FERBENCH_HARNESS_PROBE).toBeUndefined()
  })

  it('no listener piles up on stdout over many runs (the worker is shared by the files of a vitest worker)', () => {
    // oclif's flush() leaves a 'drain' listener per run; an 11th one made Node warn on stderr
    for (let i = 0; i < 12; i++) expect(runCli(['models', 'presets', '--json']).stderr, `run ${i + 1}`).toBe('')
  })
})
