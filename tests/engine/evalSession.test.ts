import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { dataError, FerbenchError } from '../../src/base/errors.js'
import { EvalSession, type Resumable } from '../../src/engine/evalSession.js'
import { PartialResultError } from '../../src/engine/partialResult.js'
import { tempDir } from '../helpers/cli.js'

/** A run's result as the fake kind below sees it: how many samples it settled, and whether it finished. */
interface Fake {
  settled: number
  complete: boolean
}

function fakeKind(partialFile: string, fallBack: boolean): Resumable<Fake> {
  return {
    command: 'eval',
    partialFile,
    fallBack,
    complete: (r) => r.complete,
    partialOf: (error) => (error instanceof PartialResultError ? (error.partial as Fake) : undefined),
    settled: (r, by) => `${r.settled} sample(s) (${by})`,
  }
}

/** A session whose signal, notes and stop calls are recorded in order in `events`. */
function recorded(): { session: EvalSession; events: string[]; controller: AbortController } {
  const events: string[] = []
  const controller = new AbortController()
  const session = new EvalSession({
    signal: () => {
      events.push('signal')
      return controller.signal
    },
    batchTimeoutMs: 5000,
    workers: 2,
    note: (line) => events.push(`note: ${line}`),
  })
  return { session, events, controller }
}

const read = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'))

describe('EvalSession: run, interrupt, partial result', () => {
  it('a finished run: its result, no file written; the signal is asked for once, when the first run starts, and given with the settings', async () => {
    const dir = tempDir('ferbench-session-')
    const { session, events, controller } = recorded()
    expect(events).toEqual([]) // nothing watched before a run
    const output = path.join(dir, 'out.json')
    const seen: unknown[] = []
    const kind = fakeKind(path.join(dir, 'default.json'), true)
    for (let i = 0; i < 2; i++) {
      const end = await session.run(
        kind,
        output,
        async (control) => {
          seen.push(control)
          return { settled: 5, complete: true }
        },
        () => events.push('stopped'),
      )
      expect(end).toEqual({ result: { settled: 5, complete: true } })
    }
    expect(events).toEqual(['signal', 'stopped', 'stopped'])
    expect(seen).toEqual([
      { signal: controller.signal, batchTimeoutMs: 5000, workers: 2 },
      { signal: controller.signal, batchTimeoutMs: 5000, workers: 2 },
    ])
    expect(existsSync(output)).toBe(false)
  })

  it('an interrupted run: stopped first, then its partial result written to --output and named with the command that continues it', async () => {
    const dir = tempDir('ferbench-session-')
    const { session, events } = recorded()
    const output = path.join(dir, 'out.json')
    const end = await session.run(
      fakeKind(path.join(dir, 'default.json'), true),
      output,
      async () => ({ settled: 3, complete: false }),
      () => events.push('stopped'),
    )
    expect(end).toEqual({ result: { settled: 3, complete: false }, partialFile: output })
    expect(read(output)).toEqual({ settled: 3, complete: false })
    expect(events).toEqual([
      'signal',
      'stopped',
      `note: ferbench eval: interrupted after 3 sample(s) (interrupt); partial result (complete:false) written to ${output}; continue with: ferbench eval --resume ${output}`,
    ])
  })

  it('without --output the partial result goes to the kind’s file', async () => {
    const dir = tempDir('ferbench-session-')
    const { session } = recorded()
    const partialFile = path.join(dir, 'default.json')
    const end = await session.run(fakeKind(partialFile, true), undefined, async () => ({ settled: 1, complete: false }))
    expect(end.partialFile).toBe(partialFile)
    expect(read(partialFile)).toEqual({ settled: 1, complete: false })
  })

  it('an error carrying a partial result: written and named before the run is stopped, then the error goes on up; other errors write nothing', async () => {
    const dir = tempDir('ferbench-session-')
    const { session, events } = recorded()
    const output = path.join(dir, 'out.json')
    const kind = fakeKind(path.join(dir, 'default.json'), true)
    const cause = dataError('row 7: bad pixel')
    const thrown = session.run(
      kind,
      output,
      async () => {
        throw new PartialResultError<Fake>(cause, { settled: 6, complete: false })
      },
      () => events.push('stopped'),
    )
    await expect(thrown).rejects.toThrow('row 7: bad pixel')
    expect(read(output)).toEqual({ settled: 6, complete: false })
    expect(events).toEqual([
      'signal',
      `note: ferbench eval: stopped by an error after 6 sample(s) (error); partial result (complete:false) written to ${output}; fix the input, then continue with: ferbench eval --resume ${output}`,
      'stopped',
    ])
    const other = path.join(dir, 'other.json')
    await expect(
      session.run(kind, other, async () => {
        throw cause
      }),
    ).rejects.toBe(cause)
    expect(existsSync(other)).toBe(false)
  })

  it('--output that cannot be written: the partial result goes to the kind’s file when it falls back (eval), else the write fails (robust)', async () => {
    const dir = tempDir('ferbench-session-')
    writeFileSync(path.join(dir, 'a-file'), 'x')
    const unwritable = path.join(dir, 'a-file', 'out.json') // a folder that is a file
    const partialFile = path.join(dir, 'default.json')
    const { session, events } = recorded()
    const end = await session.run(fakeKind(partialFile, true), unwritable, async () => ({
      settled: 2,
      complete: false,
    }))
    expect(end.partialFile).toBe(partialFile)
    expect(read(partialFile)).toEqual({ settled: 2, complete: false })
    expect(events.filter((e) => e.includes('instead'))).toEqual([
      expect.stringMatching(
        new RegExp(`^note: ferbench eval: .*a-file.*; the partial result was written to ${partialFile} instead$`),
      ),
    ])

    const strictFile = path.join(dir, 'strict-default.json')
    const noFallBack = session.run(fakeKind(strictFile, false), unwritable, async () => ({
      settled: 2,
      complete: false,
    }))
    await expect(noFallBack).rejects.toBeInstanceOf(FerbenchError)
    expect(existsSync(strictFile)).toBe(false)
  })
})
