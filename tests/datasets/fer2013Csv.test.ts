import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { seededRandom } from '../../src/base/prng.js'
import { Fer2013Adapter, parseFer2013Pixels } from '../../src/datasets/fer2013.js'
import { readFer2013Rows } from '../../src/datasets/fer2013Csv.js'
import { tempDir } from '../helpers/cli.js'

const pixels = (seed: number): number[] => Array.from({ length: 2304 }, (_, i) => (i * 7 + seed * 13) % 256)

function write(text: string): string {
  const file = path.join(tempDir(), 'fer2013.csv')
  writeFileSync(file, text)
  return file
}

async function collect(file: string, split: string): Promise<Array<{ id: string; label: string; first: number[] }>> {
  const out: Array<{ id: string; label: string; first: number[] }> = []
  for await (const s of new Fer2013Adapter(file).samples(split)) {
    const image = await s.load()
    out.push({ id: s.id, label: s.label, first: Array.from(image.data.subarray(0, 4)) })
  }
  return out
}

describe('fer2013.csv reader', () => {
  it('reads BOM + CRLF + quoted pixel fields + blank lines exactly like the plain file', async () => {
    const plain = write(
      `emotion,pixels,Usage\n3,${pixels(1).join(' ')},PrivateTest\n0,${pixels(2).join(' ')},Training\n6,${pixels(3).join(' ')},PrivateTest\n`,
    )
    const messy = write(
      `\uFEFFemotion,pixels,Usage\r\n3,"${pixels(1).join(' ')}",PrivateTest\r\n\r\n0,${pixels(2).join(' ')},Training\r\n"6",${pixels(3).join(' ')},"PrivateTest"`,
    )
    const a = await collect(plain, 'PrivateTest')
    expect(a).toEqual([
      { id: 'row-1', label: 'happiness', first: pixels(1).slice(0, 4) },
      { id: 'row-3', label: 'neutral', first: pixels(3).slice(0, 4) },
    ])
    expect(await collect(messy, 'PrivateTest')).toEqual(a)
  })

  it('matches columns by trimmed name (icml_face_data.csv order) and keeps pixel text as bytes until asked', async () => {
    const file = write(`emotion, Usage, pixels\n5,PublicTest,${pixels(4).join(' ')}\n`)
    const rows = []
    for await (const r of readFer2013Rows(file)) rows.push(r)
    expect(rows).toHaveLength(1)
    expect(rows[0]!.usage).toBe('PublicTest')
    expect(rows[0]!.emotion).toBe('5')
    expect(rows[0]!.pixels).toBe(pixels(4).join(' '))
  })

  it('a bad row ends the stream after every row before it, read on this thread and on the worker thread', async () => {
    // 40 rows (in one read), every 4th Training; row 23 (PrivateTest) has a pixel of 300; row 31 a bad Usage
    const lines = ['emotion,pixels,Usage']
    for (let r = 1; r <= 40; r++) {
      const values = pixels(r)
      if (r === 23) values[100] = 300
      lines.push(`${r % 7},${values.join(' ')},${r === 31 ? 'Validation' : r % 4 === 0 ? 'Training' : 'PrivateTest'}`)
    }
    const file = write(`${lines.join('\n')}\n`)
    const expected = Array.from({ length: 22 }, (_, i) => i + 1)
      .filter((r) => r % 4 !== 0)
      .map((r) => `row-${r}`)
    for (const mode of ['never', 'always'] as const) {
      const seen: string[] = []
      let failure: unknown
      try {
        for await (const s of new Fer2013Adapter(file, mode).samples('PrivateTest')) seen.push(s.id)
      } catch (error) {
        failure = error
      }
      expect(seen, mode).toEqual(expected)
      expect(String(failure), mode).toContain(`${file} row 23: pixel 101 is above 255`)
    }
    const rows: number[] = []
    await expect(
      (async () => {
        for await (const r of readFer2013Rows(file)) rows.push(r.row)
      })(),
    ).resolves.toBeUndefined() // the reader itself checks columns and line lengths only
    expect(rows).toHaveLength(40)
  })

  it('reads lines across its 1 MiB reads, quoted ones among plain ones, blank lines and a last line without an end', async () => {
    // ~2.7 MB: 300 rows of about 9 KB with CRLF ends; every 37th row quoted, every 50th line blank
    const random = seededRandom(77)
    const expected: Array<[number, string, string, string]> = []
    const lines = ['emotion,pixels,Usage']
    for (let r = 1; r <= 300; r++) {
      const values = Array.from({ length: 2304 }, () => Math.floor(random() * 256)).join(' ')
      const usage = ['Training', 'PublicTest', 'PrivateTest'][r % 3]!
      expected.push([r, String(r % 7), usage, values])
      lines.push(r % 37 === 0 ? `"${r % 7}","${values}",${usage}` : `${r % 7},${values},${usage}`)
      if (r % 50 === 0) lines.push('')
    }
    const file = write(lines.join('\r\n')) // no line end after the last row
    const got: Array<[number, string, string, string]> = []
    for await (const r of readFer2013Rows(file)) got.push([r.row, r.emotion, r.usage, r.pixels])
    expect(got.length).toBe(300)
    expect(got).toEqual(expected)
  })

  it('says when the delimiter is not a comma', async () => {
    const file = write(`emotion;pixels;Usage\n3;1 2 3;PrivateTest\n`)
    await expect(collect(file, 'PrivateTest')).rejects.toThrow(/seems to use ';' as delimiter/)
  })

  it('names the row of a short line and of an unterminated quote', async () => {
    const short = write(`emotion,pixels,Usage\n3,${pixels(1).join(' ')},PrivateTest\n3,${pixels(1).join(' ')}\n`)
    await expect(collect(short, 'PrivateTest')).rejects.toThrow(/row 2: expected 3 comma-separated columns/)
    const quote = write(`emotion,pixels,Usage\n3,"${pixels(1).join(' ')},PrivateTest\n`)
    await expect(collect(quote, 'PrivateTest')).rejects.toThrow(/row 1: malformed CSV/)
  })

  it('does not parse the pixels of rows outside the requested split', async () => {
    // a Training row with garbage pixels must not stop a PrivateTest evaluation
    const file = write(`emotion,pixels,Usage\n3,not pixels at all,Training\n4,${pixels(5).join(' ')},PrivateTest\n`)
    expect(await collect(file, 'PrivateTest')).toEqual([
      { id: 'row-2', label: 'sadness', first: pixels(5).slice(0, 4) },
    ])
    await expect(collect(file, 'Training')).rejects.toThrow(/row 1: pixel 1 is not an integer/)
  })
})

describe('fer2013.csv reader: quoted lines among many plain ones', () => {
  it('reads quoted lines anywhere in a file of several read chunks exactly like the plain file', async () => {
    // 300 rows of about 9 KB: about 2.6 MiB, so lines cross the reader's 1 MiB chunks; every 37th
    // row (and the last) quotes its pixels or Usage field
    const rows = Array.from({ length: 300 }, (_, i) => ({
      emotion: String(i % 7),
      pixels: Array.from({ length: 2304 }, (_, k) => (k * 31 + i * 17) % 256).join(' '),
      usage: i % 3 === 0 ? 'PrivateTest' : 'Training',
    }))
    const plain = write(`emotion,pixels,Usage\n${rows.map((r) => `${r.emotion},${r.pixels},${r.usage}`).join('\n')}\n`)
    const quoted = write(
      `emotion,pixels,Usage\n${rows
        .map((r, i) =>
          i % 37 === 5 || i === 299
            ? `${r.emotion},"${r.pixels}",${r.usage}`
            : i % 37 === 20
              ? `${r.emotion},${r.pixels},"${r.usage}"`
              : `${r.emotion},${r.pixels},${r.usage}`,
        )
        .join('\n')}\n`,
    )
    const read = async (file: string) => {
      const out: Array<[number, string, string, string]> = []
      for await (const r of readFer2013Rows(file)) out.push([r.row, r.emotion, r.usage, r.pixels])
      return out
    }
    const expected = rows.map((r, i): [number, string, string, string] => [i + 1, r.emotion, r.usage, r.pixels])
    expect(await read(plain)).toEqual(expected)
    expect(await read(quoted)).toEqual(expected)
  })
})

/**
 * An independent reading of a pixels field: tokens between blanks (space, tab, CR, LF), each read
 * digit by digit; the first problem in field order is the one named.
 */
function referencePixels(field: string): number[] | string {
  const values: number[] = []
  for (const token of field.split(/[ \t\r\n]+/).filter((t) => t.length > 0)) {
    let value = 0
    for (const ch of token) {
      if (ch < '0' || ch > '9') return `pixel ${values.length + 1} is not an integer 0–255 (found '${ch}')`
      value = value * 10 + Number(ch)
      if (value > 255) return `pixel ${values.length + 1} is above 255`
    }
    if (values.length === 2304) return 'expected 2304 pixel values (48×48), got more'
    values.push(value)
  }
  return values.length === 2304 ? values : `expected 2304 pixel values (48×48), got ${values.length}`
}

describe('FER2013 pixel text', () => {
  it('reads every shape of field as an independent reading does: values, or the first problem named', () => {
    const random = seededRandom(25)
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!
    const shapes = ['plain', 'blanks', 'zeros', 'tab', 'crlf', 'four', 'over', 'letter', 'short', 'long'] as const
    let plain = 0
    for (let n = 0; n < 400; n++) {
      const shape = pick(shapes)
      const values = Array.from({ length: shape === 'short' ? 2303 : shape === 'long' ? 2305 : 2304 }, () =>
        Math.floor(random() * 256),
      )
      const tokens = values.map(String)
      const at = Math.floor(random() * tokens.length)
      if (shape === 'zeros') tokens[at] = `00${tokens[at]}`.slice(-3)
      if (shape === 'four') tokens[at] = `0${tokens[at]!.padStart(3, '0')}`
      if (shape === 'over') tokens[at] = String(256 + Math.floor(random() * 744))
      if (shape === 'letter') tokens[at] = `${tokens[at]}${pick(['x', '.', '-', ','])}`
      let field = tokens.join(' ')
      if (shape === 'blanks') field = ` ${tokens.join('  ')} `
      if (shape === 'tab') field = tokens.join(random() < 0.5 ? '\t' : ' \t')
      if (shape === 'crlf') field = `${field}\r\n`
      if (shape === 'plain') plain += 1
      const expected = referencePixels(field)
      for (const input of [field, Buffer.from(field, 'latin1')]) {
        if (typeof expected === 'string') {
          expect(() => parseFer2013Pixels(input, 'f.csv row 9')).toThrow(`f.csv row 9: ${expected}`)
        } else {
          expect(Array.from(parseFer2013Pixels(input, 'f.csv row 9'))).toEqual(expected)
        }
      }
    }
    expect(plain).toBeGreaterThan(20)
  })
})
