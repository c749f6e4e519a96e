import { performance } from 'node:perf_hooks'
import { type Fer2013Row, readFer2013RowChunks } from './fer2013Csv.js'
import { type Fer2013SplitRow, rowsOnWorker, useRowsWorker } from './fer2013Rows.js'
import { dataError, usageError } from '../base/errors.js'
import type { Emotion } from '../base/emotions.js'
import type { DatasetAdapter, DatasetInfo, Sample } from './types.js'
import type { RawImage } from '../base/image.js'
import { textRecord } from '../base/textKeys.js'

/** FER2013 emotion codes 0–6 in canonical names (docs/datasets.md). */
export const FER2013_LABELS: readonly Emotion[] = [
  'anger',
  'disgust',
  'fear',
  'happiness',
  'sadness',
  'surprise',
  'neutral',
]
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

export { readFer2013Rows } from './fer2013Csv.js'

/**
 * The common shape of a pixels field, parsed fast: exactly 2,304 values of 1–3 digits up to 255,
 * one space between each two. Returns false at anything else (other spaces, tabs, line ends, 4
 * digits, a value over 255, another character, another count), and the caller parses the field
 * again with the general loop, which reads any spacing and names the problem: both read the same
 * values from a field this accepts.
 */
function parsePlainPixels(b: Uint8Array, out: Uint8Array): boolean {
  const n = b.length
  let i = 0
  for (let count = 0; count < PIXELS; count++) {
    if (i >= n) return false
    let value = b[i]! - 48
    if (value < 0 || value > 9) return false
    i += 1
    if (i < n) {
      let d = b[i]! - 48
      if (d >= 0 && d <= 9) {
        value = value * 10 + d
        i += 1
        if (i < n) {
          d = b[i]! - 48
          if (d >= 0 && d <= 9) {
            value = value * 10 + d
            i += 1
            if (value > 255) return false
          }
        }
      }
    }
    out[count] = value
    // one space, then the next value (the last value ends the field)
    if (i < n) {
      if (b[i] !== 32 || count === PIXELS - 1) return false
      i += 1
    }
  }
  return i === n
}

/** Parses the 2,304 space-separated pixel values of one row (text or its ASCII bytes). */
export function parseFer2013Pixels(field: string | Uint8Array, where: string): Uint8Array {
  const bytes = typeof field === 'string' ? Buffer.from(field, 'latin1') : field
  const out = new Uint8Array(PIXELS)
  if (parsePlainPixels(bytes, out)) return out
  let count = 0
  let value = -1
  for (let i = 0; i <= bytes.length; i++) {
    const c = i < bytes.length ? bytes[i]! : 32
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
      throw dataError(`${where}: pixel ${count + 1} is not an integer 0–255 (found '${String.fromCharCode(c)}')`)
    }
  }
  if (count !== PIXELS) throw dataError(`${where}: expected ${PIXELS} pixel values (48×48), got ${count}`)
  return out
}

function fer2013Label(code: string, file: string, row: number): Emotion {
  // one digit, the common case, without the pattern; "03" is 3 as before
  const n = code.length === 1 ? code.charCodeAt(0) - 48 : /^\d+$/.test(code) ? Number(code) : Number.NaN
  const label = FER2013_LABELS[n]
  if (label === undefined) throw dataError(`${file} row ${row}: emotion '${code}' is not a FER2013 code 0–6`)
  return label
}

export function checkUsage(usage: string, where: string): void {
  if (!(FER2013_SPLITS as readonly string[]).includes(usage)) {
    throw dataError(`${where}: Usage '${usage}' is not one of ${FER2013_SPLITS.join(', ')}`)
  }
}

/**
 * The rows of one split of a fer2013.csv, in file order, each checked as the adapter checks it (a
 * Usage outside the three splits, an emotion outside 0–6, pixel text that is not 2,304 values 0–255:
 * a data error naming the file and row). Every row's Usage is counted in `found`; pixels of other
 * splits are never parsed. The time spent parsing pixel text is added to `timing.decodeMs`.
 */
export async function* fer2013SplitRows(
  file: string,
  split: string,
  found: Record<string, number>,
  timing: { decodeMs: number },
): AsyncGenerator<Fer2013SplitRow> {
  for await (const rows of fer2013SplitRowChunks(file, split, found, timing)) yield* rows
}

/**
 * fer2013SplitRows a read of the file at a time (see readFer2013RowChunks): one step of the async
 * generator per read, not per row. A row that fails ends the stream after the rows before it.
 */
export async function* fer2013SplitRowChunks(
  file: string,
  split: string,
  found: Record<string, number>,
  timing: { decodeMs: number },
): AsyncGenerator<Fer2013SplitRow[]> {
  for await (const rows of readFer2013RowChunks(file)) {
    const out: Fer2013SplitRow[] = []
    try {
      splitRowsOf(rows, split, found, file, out, timing)
    } catch (error) {
      if (out.length > 0) yield out // the rows before the one that failed, then the error
      throw error
    }
    if (out.length > 0) yield out
  }
}

/**
 * The rows of `split` among `rows`, checked and parsed, into `out`; every Usage counted in `found`,
 * the time spent parsing pixel text added to `timing.decodeMs`. A plain function: the hot loop.
 */
function splitRowsOf(
  rows: readonly Fer2013Row[],
  split: string,
  found: Record<string, number>,
  file: string,
  out: Fer2013SplitRow[],
  timing: { decodeMs: number },
): void {
  for (const r of rows) {
    if (!(FER2013_SPLITS as readonly string[]).includes(r.usage)) checkUsage(r.usage, `${file} row ${r.row}`)
    found[r.usage] = (found[r.usage] ?? 0) + 1
    if (r.usage !== split) continue // pixels of other splits are never parsed
    const label = fer2013Label(r.emotion, file, r.row)
    const t0 = performance.now()
    try {
      out.push({ row: r.row, label, pixels: parseFer2013Pixels(r.pixelBytes, `${file} row ${r.row}`) })
    } finally {
      timing.decodeMs += performance.now() - t0
    }
  }
}

export class Fer2013Adapter implements DatasetAdapter {
  readonly name = 'fer2013'
  readonly labels = FER2013_LABELS
  readonly defaultSplit = 'PrivateTest'
  readonly warnings: string[] = []
  private found: Record<string, number> | undefined
  decodeMs = 0

  /** `rowsOnWorker`: read and parse on a worker thread (src/datasets/fer2013Rows.ts) always, never, or for files of 8 MiB and more. */
  constructor(
    private readonly file: string,
    private readonly rowsOnWorker: 'auto' | 'always' | 'never' = 'auto',
  ) {}

  splitsFound(): Readonly<Record<string, number>> | undefined {
    return this.found
  }

  splits(): readonly string[] {
    return FER2013_SPLITS
  }

  async *samples(split: string): AsyncIterable<Sample> {
    if (!(FER2013_SPLITS as readonly string[]).includes(split)) {
      throw usageError(`--split ${split}: FER2013 splits are ${FER2013_SPLITS.join(', ')}`)
    }
    const found = textRecord<number>()
    const rows = useRowsWorker(this.file, this.rowsOnWorker)
      ? rowsOnWorker(this.file, split, found, this)
      : fer2013SplitRows(this.file, split, found, this)
    for await (const r of rows) {
      const image: RawImage = { data: r.pixels, width: SIDE_PX, height: SIDE_PX, channels: 1 }
      yield { id: `row-${r.row}`, label: r.label, source: `${this.file} row ${r.row}`, load: async () => image }
    }
    this.found = found
  }
}
