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
    partialOf: (error) => (error instanceof PartialResultError ? (error.partial as Fake) : undefined),
    settled: (r, by) => `${r.settled} sample(s) (${by})`,
  }
}

/** A session whose notes are recorded in order in `events`. */
function recorded(): { session: EvalSession; events: string[] } {
  const events: string[] = []
  const session = new EvalSession({
    batchTimeoutMs: 5000,
    workers: 2,
    note: (line) => events.push(`note: ${line}`),
  })
  return { session, events }
}

const read = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'))

describe('EvalSession: run, interrupt, partial result', () => {
  it('a run gets its stop signal and the command line’s settings; a finished run writes nothing', async () => {
    const dir = tempDir('ferbench-session-')
    const { session, events } = recorded()
    const output = path.join(dir, 'out.json')
    const signal = new AbortController().signal
    let seen: unknown
    const result = await session.run(fakeKind(path.join(dir, 'default.json'), true), { signal, output }, async (c) => {
      seen = c
      return { settled: 5, complete: true }
    })
    expect(result).toEqual({ settled: 5, complete: true })
    expect(seen).toEqual({ signal, batchTimeoutMs: 5000, workers: 2 })
    expect(events).toEqual([])
    expect(existsSync(output)).toBe(false)
  })

  it('an interrupted run returns its partial result; keepInterrupted writes it to --output and says how to continue', async () => {
    const dir = tempDir('ferbench-session-')
    const { session, events } = recorded()
    const output = path.join(dir, 'out.json')
    const kind = fakeKind(path.join(dir, 'default.json'), true)
    const partial = await session.run(kind, { output }, async () => ({ settled: 3, complete: false }))
    expect(existsSync(output)).toBe(false) // the caller keeps it, once its progress line is gone
    expect(session.keepInterrupted(kind, partial, output)).toBe(
      `ferbench eval: interrupted after 3 sample(s) (interrupt); partial result (complete:false) written to ${output}; continue with: ferbench eval --resume ${output}`,
    )
    expect(read(output)).toEqual({ settled: 3, complete: false })
    expect(events).toEqual([])
  })

  it('without --output the partial result goes to the kind’s file', () => {
    const dir = tempDir('ferbench-session-')
    const { session } = recorded()
    const partialFile = path.join(dir, 'default.json')
    expect(session.keepInterrupted(fakeKind(partialFile, true), { settled: 1, complete: false }, undefined)).toContain(
      `written to ${partialFile}; continue with: ferbench eval --resume ${partialFile}`,
    )
    expect(read(partialFile)).toEqual({ settled: 1, complete: false })
  })

  it('an error carrying a partial result: written and named, then the error goes on up; other errors write nothing', async () => {
    const dir = tempDir('ferbench-session-')
    const { session, events } = recorded()
    const output = path.join(dir, 'out.json')
    const kind = fakeKind(path.join(dir, 'default.json'), true)
    const cause = dataError('row 7: bad pixel')
    const thrown = session.run(kind, { output }, async () => {
      throw new PartialResultError<Fake>(cause, { settled: 6, complete: false })
    })
    await expect(thrown).rejects.toThrow('row 7: bad pixel')
    expect(read(output)).toEqual({ settled: 6, complete: false })
    expect(events).toEqual([
      `note: ferbench eval: stopped by an error after 6 sample(s) (error); partial result (complete:false) written to ${output}; fix the input, then continue with: ferbench eval --resume ${output}`,
    ])
    const other = path.join(dir, 'other.json')
    await expect(
      session.run(kind, { output: other }, async () => {
        throw cause
      }),
    ).rejects.toBe(cause)
    expect(existsSync(other)).toBe(false)
    expect(events).toHaveLength(1)
  })

  it('--output that cannot be written: the partial result goes to the kind’s file when it falls back (eval), else the write fails (robust)', () => {
    const dir = tempDir('ferbench-session-')
    writeFileSync(path.join(dir, 'a-file'), 'x')
    const unwritable = path.join(dir, 'a-file', 'out.json') // a folder that is a file
    const partialFile = path.join(dir, 'default.json')
    const { session, events } = recorded()
    const note = session.keepInterrupted(fakeKind(partialFile, true), { settled: 2, complete: false }, unwritable)
    expect(note).toContain(`written to ${partialFile};`)
    expect(read(partialFile)).toEqual({ settled: 2, complete: false })
    expect(events).toEqual([
      expect.stringMatching(
        new RegExp(`^note: ferbench eval: .*a-file.*; the partial result was written to ${partialFile} instead$`),
      ),
    ])

    const strictFile = path.join(dir, 'strict-default.json')
    expect(() =>
      session.keepInterrupted(fakeKind(strictFile, false), { settled: 2, complete: false }, unwritable),
    ).toThrow(FerbenchError)
    expect(existsSync(strictFile)).toBe(false)
  })
})
