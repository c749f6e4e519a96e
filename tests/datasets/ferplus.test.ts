import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { FerplusAdapter, ferplusMajority } from '../../src/datasets/ferplus.js'
import { FIXTURES, tempDir } from '../helpers/cli.js'

const CANON = ['neutral', 'happiness', 'surprise', 'sadness', 'anger', 'disgust', 'fear', 'contempt']
const FER = path.join(FIXTURES, 'fer2013', 'fer2013.csv')
const NEW = path.join(FIXTURES, 'ferplus', 'fer2013new.csv')

/** The protocol as docs/datasets.md writes it, re-implemented here. */
function expectedLabel(votes: number[]): string | undefined {
  const v = votes.map((x) => (x <= 1 ? 0 : x))
  const s = v.reduce((a, b) => a + b, 0)
  const m = Math.max(...v)
  if (!(m > s / 2)) return undefined
  const i = v.indexOf(m)
  return i < 8 ? CANON[i] : undefined
}

async function collect(adapter: FerplusAdapter, split: string) {
  const out: Array<{ id: string; label: string }> = []
  for await (const s of adapter.samples(split)) out.push({ id: s.id, label: s.label })
  return out
}

describe('FER+ majority protocol', () => {
  it('zeroes single votes before the majority test', () => {
    // 5 of 10 is not > 5, but after zeroing the five 1s, 5 > 2.5
    expect(ferplusMajority([5, 1, 1, 1, 1, 1, 0, 0, 0, 0])).toBe('neutral')
  })
  it('needs more than half of the remaining votes', () => {
    expect(ferplusMajority([0, 4, 4, 0, 0, 0, 0, 0, 0, 2])).toBeUndefined()
    expect(ferplusMajority([0, 0, 6, 4, 0, 0, 0, 0, 0, 0])).toBe('surprise')
  })
  it('drops unknown and NF majorities, keeps contempt', () => {
    expect(ferplusMajority([3, 0, 0, 0, 0, 0, 0, 0, 7, 0])).toBeUndefined()
    expect(ferplusMajority([0, 0, 0, 0, 0, 0, 0, 0, 0, 10])).toBeUndefined()
    expect(ferplusMajority([0, 0, 0, 0, 4, 0, 0, 6, 0, 0])).toBe('contempt')
  })
  it('takes the first index holding the maximum', () => {
    expect(ferplusMajority([0, 0, 0, 0, 0, 0, 0, 0, 0, 0])).toBeUndefined()
  })
})

describe('ferplus adapter on the fixture', () => {
  const lines = readFileSync(NEW, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','))
  for (const split of ['Training', 'PublicTest', 'PrivateTest']) {
    it(`${split}: labels follow the protocol, empty Image names are skipped`, async () => {
      const expected: Array<{ id: string; label: string }> = []
      lines.forEach((f, i) => {
        if (f[0] !== split || f[1] === '') return
        const label = expectedLabel(f.slice(2).map(Number))
        if (label) expected.push({ id: `row-${i + 1}`, label })
      })
      const adapter = new FerplusAdapter({ data: FER, labels: NEW })
      expect(await collect(adapter, split)).toEqual(expected)
      expect(adapter.warnings.some((w) => w.includes('empty Image name'))).toBe(
        lines.some((f) => f[0] === split && f[1] === ''),
      )
    })
  }
  it('accepts the FER+ split names and a folder holding both files', async () => {
    const dir = tempDir()
    writeFileSync(path.join(dir, 'fer2013.csv'), readFileSync(FER))
    writeFileSync(path.join(dir, 'fer2013new.csv'), readFileSync(NEW))
    const a = await collect(new FerplusAdapter({ data: dir }), 'FER2013Test')
    const b = await collect(new FerplusAdapter({ data: FER, labels: NEW }), 'PrivateTest')
    expect(a).toEqual(b)
  })
  it('a row-count mismatch names both files and the first differing row', async () => {
    const dir = tempDir()
    const all = readFileSync(NEW, 'utf8').trim().split('\n')
    const short = path.join(dir, 'short.csv')
    writeFileSync(short, `${all.slice(0, -2).join('\n')}\n`)
    const rows = all.length - 1
    await expect(collect(new FerplusAdapter({ data: FER, labels: short }), 'Training')).rejects.toThrow(
      new RegExp(
        `${short.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*${FER.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*first differing row: ${rows - 1}`,
      ),
    )
  })
  it('a Usage mismatch names both files and the row', async () => {
    const dir = tempDir()
    const all = readFileSync(NEW, 'utf8').trim().split('\n')
    const row = 5
    const f = all[row]!.split(',')
    f[0] = f[0] === 'Training' ? 'PublicTest' : 'Training'
    all[row] = f.join(',')
    const bad = path.join(dir, 'bad.csv')
    writeFileSync(bad, `${all.join('\n')}\n`)
    const error = await collect(new FerplusAdapter({ data: FER, labels: bad }), 'PrivateTest').catch((e: Error) => e)
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).message).toContain(FER)
    expect((error as Error).message).toContain(bad)
    expect((error as Error).message).toContain(`first differing row: ${row}`)
  })
})
