import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { FerbenchError } from '../../src/base/errors.js'
import { Fer2013Adapter } from '../../src/datasets/fer2013.js'
import { tempDir } from '../helpers/cli.js'

// The FER2013 reader on a worker thread (src/datasets/fer2013Rows.ts) against the same reader on
// this thread: the same samples in the same order, the same counts, the same error at the same place.

const SPLITS = ['Training', 'PublicTest', 'PrivateTest']

/** Row i: emotion i mod 7, split by a fixed pattern, pixels from i (so every row differs). */
function csvOf(rows: number, bad: ReadonlyMap<number, string> = new Map()): string {
  const lines = ['emotion,pixels,Usage']
  for (let i = 1; i <= rows; i++) {
    const pixels = Array.from({ length: 2304 }, (_, k) => (k * 31 + i * 17) % 256).join(' ')
    lines.push(bad.get(i) ?? `${i % 7},${pixels},${SPLITS[(i * 5) % 3]}`)
  }
  return `${lines.join('\n')}\n`
}

function write(text: string): string {
  const file = path.join(tempDir('ferbench-rows-'), 'fer2013.csv')
  writeFileSync(file, text)
  return file
}

interface Read {
  samples: Array<{ id: string; label: string; source: string; sha256: string }>
  found: Readonly<Record<string, number>> | undefined
  decodeMs: number
  error?: { kind: string; message: string }
}

async function read(file: string, split: string, mode: 'always' | 'never', stopAfter = Infinity): Promise<Read> {
  const adapter = new Fer2013Adapter(file, mode)
  const samples: Read['samples'] = []
  try {
    for await (const s of adapter.samples(split)) {
      const image = await s.load()
      expect([image.width, image.height, image.channels, image.data.length]).toEqual([48, 48, 1, 2304])
      samples.push({
        id: s.id,
        label: s.label,
        source: s.source,
        sha256: createHash('sha256').update(image.data).digest('hex'),
      })
      if (samples.length >= stopAfter) break
    }
  } catch (error) {
    expect(error).toBeInstanceOf(FerbenchError)
    const e = error as FerbenchError
    return {
      samples,
      found: adapter.splitsFound(),
      decodeMs: adapter.decodeMs,
      error: { kind: e.kind, message: e.message },
    }
  }
  return { samples, found: adapter.splitsFound(), decodeMs: adapter.decodeMs }
}

describe('FER2013 rows read on a worker thread', () => {
  it('give the samples, Usage counts and order of the reader on this thread, across several chunks', async () => {
    const file = write(csvOf(900))
    for (const split of SPLITS) {
      const here = await read(file, split, 'never')
      const worker = await read(file, split, 'always')
      expect(here.samples).toHaveLength(300) // every third row: more than one 256-row chunk
      expect(here.samples[0]!.source).toBe(`${file} row ${here.samples[0]!.id.slice(4)}`)
      expect(worker.samples).toEqual(here.samples)
      expect(worker.found).toEqual({ Training: 300, PublicTest: 300, PrivateTest: 300 })
      expect(worker.found).toEqual(here.found)
      expect(worker.decodeMs).toBeGreaterThan(0)
    }
  })

  it('stop at a bad row with the same error (kind, message) after the same samples', async () => {
    // row 700 is in PrivateTest ((700 × 5) mod 3 = 2) with a pixel over 255; row 800 has an unknown Usage
    const pixels = Array.from({ length: 2304 }, () => '7')
    pixels[10] = '300'
    const bad = new Map([
      [700, `3,${pixels.join(' ')},PrivateTest`],
      [800, `3,${pixels.slice(0, 5).join(' ')},Validation`],
    ])
    const file = write(csvOf(900, bad))
    const here = await read(file, 'PrivateTest', 'never')
    const worker = await read(file, 'PrivateTest', 'always')
    expect(here.error).toEqual({ kind: 'data', message: `${file} row 700: pixel 11 is above 255` })
    expect(worker.error).toEqual(here.error)
    expect(worker.samples).toEqual(here.samples)
    expect(here.samples.at(-1)!.id).toBe('row-697') // the PrivateTest row before 700
    // another split reaches the bad Usage first (row 700 is not parsed there)
    const training = await read(file, 'Training', 'always')
    expect(training.error).toEqual({
      kind: 'data',
      message: `${file} row 800: Usage 'Validation' is not one of Training, PublicTest, PrivateTest`,
    })
    const { decodeMs: workerMs, ...workerRead } = training
    const { decodeMs: hereMs, ...hereRead } = await read(file, 'Training', 'never')
    expect(workerRead).toEqual(hereRead)
    expect(workerMs).toBeGreaterThan(0) // the parse time before the error is still counted
    expect(hereMs).toBeGreaterThan(0)
  })

  it('a reader that stops early ends the worker; the file can be read again', async () => {
    const file = write(csvOf(900))
    const first = await read(file, 'Training', 'always', 5)
    expect(first.samples.map((s) => s.id)).toEqual(['row-3', 'row-6', 'row-9', 'row-12', 'row-15'])
    expect(first.found).toBeUndefined() // not a complete read
    const again = await read(file, 'Training', 'always')
    expect(again.samples.slice(0, 5)).toEqual(first.samples)
    expect(again.samples).toHaveLength(300)
  })

  it('a missing or empty file is the same data error both ways', async () => {
    const dir = tempDir('ferbench-rows-')
    for (const file of [path.join(dir, 'missing.csv'), write('')]) {
      const here = await read(file, 'PrivateTest', 'never')
      expect(here.error?.kind).toBe('data')
      expect(here.samples).toEqual([])
      expect(await read(file, 'PrivateTest', 'always')).toEqual(here) // no row parsed: decodeMs 0 both ways
    }
  })
})
