import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { FerbenchError } from '../../src/base/errors.js'
import { runCommand, type CommandSteps } from '../../src/cli/runCommand.js'
import type { Terminal } from '../../src/cli/terminal.js'

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ferbench-runcommand-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))
const exitBefore = process.exitCode
afterEach(() => {
  process.exitCode = exitBefore
})

/** A terminal that records what each channel got, in order. */
function recorder(json: boolean): { term: Terminal; said: string[] } {
  const said: string[] = []
  return {
    said,
    term: {
      json,
      log: (text) => said.push(`log ${text}`),
      note: (text) => said.push(`note ${text}`),
      warn: (text) => said.push(`warn ${text}`),
    },
  }
}

interface Doc {
  complete: boolean
  failures: number
  warnings: string[]
}

const steps = (over: Partial<CommandSteps<Doc>>, said: string[]): CommandSteps<Doc> => ({
  outputs: [],
  inputs: [],
  progress: { label: 'testing' },
  run: async () => {
    said.push('run')
    return { complete: true, failures: 0, warnings: ['w1'] }
  },
  warnings: (doc) => doc.warnings.map((w) => `warning: ${w}`),
  view: (doc) => `view of ${doc.failures} failure(s)`,
  ...over,
})

describe('runCommand: check outputs → progress → run → write → render → exit code', () => {
  it('checks every output before the run: an output that is an input is exit 2 and nothing runs', async () => {
    const { term, said } = recorder(false)
    const input = path.join(tmp, 'in.csv')
    writeFileSync(input, 'x')
    let error: unknown
    try {
      await runCommand(
        term,
        steps({ outputs: [{ flag: '--output', file: input }], inputs: [{ flag: '--data', file: input }] }, said),
      )
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(FerbenchError)
    expect((error as FerbenchError).exitCode).toBe(2)
    expect((error as FerbenchError).message).toBe(
      `--output ${input} is the same file as --data ${input}: ferbench never overwrites its input; choose another output path`,
    )
    expect(said).toEqual([])
  })

  it('runs, warns, writes the JSON document atomically, then prints the view; `before` runs after the output check', async () => {
    const { term, said } = recorder(false)
    const output = path.join(tmp, 'doc.json')
    const result = await runCommand(
      term,
      steps(
        {
          outputs: [{ flag: '--output', file: output }],
          output,
          before: () => said.push(`before (output written: ${existsSync(output)})`),
          view: (doc) => `view (output written: ${existsSync(output)}, ${doc.failures} failure(s))`,
        },
        said,
      ),
    )
    expect(said).toEqual([
      'before (output written: false)',
      'run',
      'warn warning: w1',
      'log view (output written: true, 0 failure(s))',
    ])
    expect(readFileSync(output, 'utf8')).toBe(`${JSON.stringify(result, null, 2)}\n`)
    expect(process.exitCode).toBe(exitBefore)
  })

  it('with --json: no view (oclif prints the document), the file and the warnings still', async () => {
    const { term, said } = recorder(true)
    const output = path.join(tmp, 'json.json')
    await runCommand(term, steps({ output }, said))
    expect(said).toEqual(['run', 'warn warning: w1'])
    expect(JSON.parse(readFileSync(output, 'utf8'))).toEqual({ complete: true, failures: 0, warnings: ['w1'] })
  })

  it('reports replace the view and run with --json too; the exit code the result asks for is set', async () => {
    for (const json of [false, true]) {
      const { term, said } = recorder(json)
      await runCommand(
        term,
        steps(
          {
            run: async () => ({ complete: true, failures: 2, warnings: [] }),
            reports: async (doc) => {
              said.push('reports')
              return json ? undefined : `report of ${doc.failures}`
            },
            exitCode: (doc) => (doc.failures > 0 ? 7 : undefined),
          },
          said,
        ),
      )
      expect(said).toEqual(json ? ['reports'] : ['reports', 'log report of 2'])
      expect(process.exitCode).toBe(7)
      process.exitCode = exitBefore
    }
  })

  it('`after` runs once the view is printed, with the result and how long the writes took (at least the slow side output), before the exit code', async () => {
    const { term, said } = recorder(false)
    const output = path.join(tmp, 'after.json')
    let writeMs = -1
    await runCommand(
      term,
      steps(
        {
          output,
          sideOutputs: () => [() => new Promise((resolve) => setTimeout(resolve, 30))],
          after: (doc, ms) => {
            said.push(
              `after (${doc.failures} failure(s), output written: ${existsSync(output)}, exit ${process.exitCode})`,
            )
            writeMs = ms
          },
          exitCode: () => 7,
        },
        said,
      ),
    )
    expect(said).toEqual([
      'run',
      'warn warning: w1',
      'log view of 0 failure(s)',
      `after (0 failure(s), output written: true, exit ${exitBefore})`,
    ])
    expect(writeMs).toBeGreaterThanOrEqual(25) // the 30 ms side output is inside the measured writes (timer slack allowed)
    expect(process.exitCode).toBe(7)
    process.exitCode = exitBefore
  })

  it('a run that stopped early (its partial result kept by the run step) exits 9 and writes nothing else', async () => {
    const { term, said } = recorder(false)
    const output = path.join(tmp, 'never.json')
    await runCommand(
      term,
      steps(
        {
          output,
          run: async () => {
            said.push('run keeps its partial result')
            return { complete: false, failures: 0, warnings: ['w'] }
          },
          stopped: (doc) => !doc.complete,
          exitCode: () => 7,
        },
        said,
      ),
    )
    expect(said).toEqual(['run keeps its partial result'])
    expect(process.exitCode).toBe(9)
    expect(existsSync(output)).toBe(false)
  })

  it('a failed run writes nothing; the run may ask for the interrupt signal, and stop the progress line early', async () => {
    const { term, said } = recorder(false)
    const output = path.join(tmp, 'failed.json')
    let signal: AbortSignal | undefined
    let error: unknown
    try {
      await runCommand(
        term,
        steps(
          {
            output,
            run: async (context) => {
              signal = context.signal()
              expect(context.signal()).toBe(signal)
              context.stopProgress()
              throw new FerbenchError('data', 'bad row 3')
            },
          },
          said,
        ),
      )
    } catch (e) {
      error = e
    }
    expect((error as FerbenchError).message).toBe('bad row 3')
    expect(signal?.aborted).toBe(false)
    expect(existsSync(output)).toBe(false)
    expect(said).toEqual([])
  })
})
