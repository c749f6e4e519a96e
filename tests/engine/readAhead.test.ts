import { describe, expect, it } from 'vitest'
import type { RawImage } from '../../src/base/image.js'
import { dataError, FerbenchError } from '../../src/base/errors.js'
import type { Emotion } from '../../src/base/emotions.js'
import type { Sample } from '../../src/datasets/types.js'
import { ReadAhead, whileOpening } from '../../src/engine/readAhead.js'

/** A stream of `n` samples whose loads are counted per id; `failAt`: the stream throws instead of yielding that index; `warnAt`: pushes a warning before yielding it. */
function source(n: number, options: { failAt?: number; warnAt?: number; bytes?: number } = {}) {
  const loads = new Map<string, number>()
  const warnings: string[] = []
  const state = { pulled: 0, closed: false }
  const image = (i: number): RawImage => ({
    data: new Uint8Array(options.bytes ?? 4).fill(i),
    width: 2,
    height: 2,
    channels: 1,
  })
  async function* samples(): AsyncGenerator<Sample> {
    try {
      for (let i = 0; i < n; i++) {
        await Promise.resolve()
        if (i === options.failAt) throw dataError(`data.csv row ${i}: broken`)
        if (i === options.warnAt) warnings.push(`warning at ${i}`)
        state.pulled = i + 1
        const id = `s${i}`
        yield {
          id,
          label: 'neutral' as Emotion,
          source: `data.csv row ${i}`,
          load: async () => {
            loads.set(id, (loads.get(id) ?? 0) + 1)
            if (i % 5 === 4) throw new Error(`s${i}: undecodable`)
            return image(i)
          },
        }
      }
    } finally {
      state.closed = true
    }
  }
  return { samples, loads, warnings, state, image }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20))

async function drain(stream: AsyncIterable<Sample>, stopAfter = Infinity): Promise<Sample[]> {
  const out: Sample[] = []
  for await (const s of stream) {
    out.push(s)
    if (out.length >= stopAfter) break
  }
  return out
}

describe('read-ahead: the split read while the model opens, handed over to the loop unchanged', () => {
  it('hands over the same samples in the same order, each image loaded once (ahead only where asked)', async () => {
    const src = source(12)
    const ahead = new ReadAhead(src.samples, (s) => Number(s.id.slice(1)) % 2 === 0, src.warnings)
    await settle()
    // read ahead before the loop asks: every sample listed, only the even ones loaded
    expect(src.state.pulled).toBe(12)
    expect([...src.loads.keys()].sort()).toEqual(['s0', 's10', 's2', 's4', 's6', 's8'])
    const taken = await drain(ahead)
    expect(taken.map((s) => s.id)).toEqual(Array.from({ length: 12 }, (_, i) => `s${i}`))
    expect(taken.map((s) => s.source)).toEqual(Array.from({ length: 12 }, (_, i) => `data.csv row ${i}`))
    for (const [i, s] of taken.entries()) {
      if (i % 5 === 4) await expect(s.load()).rejects.toThrow(`s${i}: undecodable`)
      else expect(await s.load()).toEqual(src.image(i))
    }
    // one decode per sample: the loads made ahead are the ones the loop got
    expect([...src.loads.values()]).toEqual(Array(12).fill(1))
    expect(src.state.closed).toBe(true)
    await ahead.close()
  })

  it('a stream error comes at its place, after the samples before it; a split error on the first read too', async () => {
    const src = source(10, { failAt: 6 })
    const ahead = new ReadAhead(src.samples, () => true, src.warnings)
    await settle()
    const taken: string[] = []
    let thrown: unknown
    try {
      for await (const s of ahead) taken.push(s.id)
    } catch (error) {
      thrown = error
    }
    expect(taken).toEqual(['s0', 's1', 's2', 's3', 's4', 's5'])
    expect(thrown).toBeInstanceOf(FerbenchError)
    expect((thrown as FerbenchError).message).toBe('data.csv row 6: broken')

    const badSplit = new ReadAhead(
      () => {
        throw dataError('--split nope: no such split')
      },
      () => true,
      [],
    )
    await expect(drain(badSplit)).rejects.toThrow('--split nope: no such split')
  })

  it('reads at most `samples` ahead, then the loop reads the rest as it comes', async () => {
    const src = source(40)
    const ahead = new ReadAhead(src.samples, () => true, src.warnings, { samples: 8, bytes: 1 << 20 })
    await settle()
    expect(src.state.pulled).toBe(8)
    expect(src.loads.size).toBe(8)
    const taken = await drain(ahead)
    expect(taken.map((s) => s.id)).toEqual(Array.from({ length: 40 }, (_, i) => `s${i}`))
    for (const s of taken) await s.load().catch(() => undefined)
    expect([...src.loads.values()]).toEqual(Array(40).fill(1))
  })

  it('stops loading ahead once the byte budget is spent (the rest load when the loop asks)', async () => {
    const src = source(12, { bytes: 100 })
    // 250 bytes: three images of 100 bytes are loaded ahead (the third crosses it), no more
    const ahead = new ReadAhead(src.samples, () => true, src.warnings, { samples: 64, bytes: 250 })
    await settle()
    expect([...src.loads.keys()]).toEqual(['s0', 's1', 's2'])
    const taken = await drain(ahead)
    for (const s of taken) await s.load().catch(() => undefined)
    expect([...src.loads.values()]).toEqual(Array(12).fill(1))
  })

  it('close() before the loop takes over ends the stream; errors nobody reached stay unreported', async () => {
    const src = source(30, { failAt: 20 })
    const ahead = new ReadAhead(src.samples, () => true, src.warnings, { samples: 10, bytes: 1 << 20 })
    await settle()
    expect(src.state.closed).toBe(false)
    await ahead.close()
    expect(src.state.closed).toBe(true)
    expect(src.state.pulled).toBe(10)
    await ahead.close() // twice is fine

    // a stream that already failed while read ahead, and loads that failed, then the model fails: nothing surfaces
    const failing = source(8, { failAt: 6 })
    const dropped = new ReadAhead(failing.samples, () => true, failing.warnings)
    await settle()
    await dropped.close()
    await settle() // an unhandled rejection would fail this test file
    expect(failing.loads.get('s4')).toBe(1) // its load failed ahead, unread
  })

  it('a loop stopped early reports the adapter warnings only as far as it read', async () => {
    const src = source(12, { warnAt: 7 })
    const ahead = new ReadAhead(src.samples, () => true, src.warnings)
    await settle()
    expect(src.warnings).toEqual(['warning at 7'])
    await drain(ahead, 5) // stops after s4: s7 was only read ahead
    expect(ahead.warningsTaken()).toEqual([])
    expect(src.state.closed).toBe(true)

    const all = source(12, { warnAt: 7 })
    const whole = new ReadAhead(all.samples, () => true, all.warnings)
    await drain(whole, 8) // took s7
    expect(whole.warningsTaken()).toEqual(['warning at 7'])
  })

  it('whileOpening reads ahead only when the model is still opening after a moment, and closes it when opening fails', async () => {
    const fast = source(5)
    let started = 0
    const quick = await whileOpening(
      async () => 'ready',
      () => {
        started += 1
        return new ReadAhead(fast.samples, () => true, fast.warnings)
      },
    )
    // a model that opens at once (an idle machine, the runner already started): nothing read twice
    expect(quick).toEqual({ opened: 'ready', readAhead: undefined })
    expect(started).toBe(0)
    expect(fast.state.pulled).toBe(0)

    const slow = source(5)
    const waited = await whileOpening(
      () => new Promise((resolve) => setTimeout(() => resolve('ready'), 200)),
      () => new ReadAhead(slow.samples, () => true, slow.warnings),
    )
    expect(waited.opened).toBe('ready')
    expect(waited.readAhead).toBeInstanceOf(ReadAhead)
    expect(slow.state.pulled).toBe(5) // read while the model opened
    expect((await drain(waited.readAhead!)).map((s) => s.id)).toEqual(['s0', 's1', 's2', 's3', 's4'])

    const failing = source(50)
    const modelError = new FerbenchError('model', 'm.onnx: not an ONNX model')
    await expect(
      whileOpening(
        () => new Promise((_, reject) => setTimeout(() => reject(modelError), 200)),
        () => new ReadAhead(failing.samples, () => true, failing.warnings, { samples: 10, bytes: 1 << 20 }),
      ),
    ).rejects.toBe(modelError)
    expect(failing.state.pulled).toBe(10)
    expect(failing.state.closed).toBe(true) // the stream (a reader thread) was ended
  })
})
