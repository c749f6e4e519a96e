import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { Fer2013Adapter } from '../../src/datasets/fer2013.js'
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
