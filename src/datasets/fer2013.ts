import { createReadStream, statSync } from 'node:fs'
import { parse } from 'csv-parse'
import { dataError, usageError } from '../core/errors.js'
import type { Emotion } from '../labels/emotions.js'
import type { DatasetAdapter, DatasetInfo, RawImage, Sample } from './types.js'

/** FER2013 emotion codes 0–6 in canonical names (FORMATS.md). */
export const FER2013_LABELS: readonly Emotion[] = ['anger', 'disgust', 'fear', 'happiness', 'sadness', 'surprise', 'neutral']
export const FER2013_SPLITS = ['Training', 'PublicTest', 'PrivateTest'] as const
const SIDE_PX = 48
const PIXELS = SIDE_PX * SIDE_PX

export const fer2013Info: DatasetInfo = {
  name: 'fer2013',
  description: 'FER2013 fer2013.csv (or icml_face_data.csv): 48×48 gray, 7 classes, Usage column gives the split',
  labels: FER2013_LABELS,
  splits: FER2013_SPLITS,
  canonicalCounts: { Training: 28709, PublicTest: 3589, PrivateTest: 3589 },
}

export interface Fer2013Row {
  /** 1-based data row number (the header is row 0), as a user counts rows after the header. */
  row: number
  emotion: string
  pixels: string
  usage: string
}

/** Column positions found by trimmed header name, so both `emotion,pixels,Usage` and `emotion, Usage, pixels` work. */
function columnsOf(header: string[], file: string): { emotion: number; pixels: number; usage: number } {
  const names = header.map((h) => h.trim().replace(/^\uFEFF/, '').toLowerCase())
  const find = (name: string): number => {
    const at = names.indexOf(name)
    if (at < 0) {
      throw dataError(`${file}: header has no '${name}' column (got: ${header.join(',')}); expected 'emotion,pixels,Usage'`)
    }
    return at
  }
  return { emotion: find('emotion'), pixels: find('pixels'), usage: find('usage') }
}

/** Streams the rows of fer2013.csv without interpreting them; row numbers are 1-based data rows. */
export async function* readFer2013Rows(file: string): AsyncGenerator<Fer2013Row> {
  let size: number
  try {
    size = statSync(file).size
  } catch {
    throw dataError(`${file}: no such file (expected FER2013's fer2013.csv)`)
  }
  if (size === 0) throw dataError(`${file}: file is empty (expected FER2013's fer2013.csv with header 'emotion,pixels,Usage')`)
  const parser = createReadStream(file).pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true }))
  let cols: { emotion: number; pixels: number; usage: number } | undefined
  let row = 0
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (!cols) {
        cols = columnsOf(record, file)
        continue
      }
      row += 1
      const width = Math.max(cols.emotion, cols.pixels, cols.usage) + 1
      if (record.length < width) {
        throw dataError(`${file} row ${row}: expected ${width} columns (emotion, pixels, Usage), got ${record.length}`)
      }
      yield { row, emotion: record[cols.emotion]!.trim(), pixels: record[cols.pixels]!, usage: record[cols.usage]!.trim() }
    }
  } catch (error) {
    if (error instanceof Error && 'code' in error && typeof error.code === 'string' && error.code.startsWith('CSV_')) {
      throw dataError(`${file}: malformed CSV near data row ${row + 1}: ${error.message}`)
    }
    throw error
  }
  if (!cols) throw dataError(`${file}: no header row (expected 'emotion,pixels,Usage')`)
}

/** Parses the 2,304 space-separated pixel values of one row. */
export function parseFer2013Pixels(text: string, where: string): Uint8Array {
  const out = new Uint8Array(PIXELS)
  let count = 0
  let value = -1
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 32
    if (c >= 48 && c <= 57) {
      value = value < 0 ? c - 48 : value * 10 + (c - 48)
      if (value > 255) throw dataError(`${where}: pixel ${count + 1} is above 255`)
    } else if (c === 32 || c === 9 || c === 13 || c === 10) {
      if (value >= 0) {
        if (count >= PIXELS) throw dataError(`${where}: expected ${PIXELS} pixel values (48×48), got more`)
        out[count++] = value
        value = -1
      }
    } else {
      throw dataError(`${where}: pixel ${count + 1} is not an integer 0–255 (found '${text[i]}')`)
    }
  }
  if (count !== PIXELS) throw dataError(`${where}: expected ${PIXELS} pixel values (48×48), got ${count}`)
  return out
}

export function fer2013Label(code: string, where: string): Emotion {
  const n = /^\d+$/.test(code) ? Number(code) : NaN
  const label = FER2013_LABELS[n]
  if (label === undefined) throw dataError(`${where}: emotion '${code}' is not a FER2013 code 0–6`)
  return label
}

export function checkUsage(usage: string, where: string): void {
  if (!(FER2013_SPLITS as readonly string[]).includes(usage)) {
    throw dataError(`${where}: Usage '${usage}' is not one of ${FER2013_SPLITS.join(', ')}`)
  }
}

export class Fer2013Adapter implements DatasetAdapter {
  readonly name = 'fer2013'
  readonly labels = FER2013_LABELS
  readonly defaultSplit = 'PrivateTest'
  readonly warnings: string[] = []

  constructor(private readonly file: string) {}

  splits(): readonly string[] {
    return FER2013_SPLITS
  }

  async *samples(split: string): AsyncIterable<Sample> {
    if (!(FER2013_SPLITS as readonly string[]).includes(split)) {
      throw usageError(`--split ${split}: FER2013 splits are ${FER2013_SPLITS.join(', ')}`)
    }
    for await (const r of readFer2013Rows(this.file)) {
      const where = `${this.file} row ${r.row}`
      checkUsage(r.usage, where)
      if (r.usage !== split) continue // pixels of other splits are never parsed
      const label = fer2013Label(r.emotion, where)
      const pixels = parseFer2013Pixels(r.pixels, where)
      const image: RawImage = { data: pixels, width: SIDE_PX, height: SIDE_PX, channels: 1 }
      yield { id: `row-${r.row}`, label, source: where, load: async () => image }
    }
  }
}
