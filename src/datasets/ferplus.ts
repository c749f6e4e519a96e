import path from 'node:path'
import { dataError, usageError } from '../base/errors.js'
import { requireRegularFile } from '../base/inputFile.js'
import { EMOTIONS, type Emotion } from '../base/emotions.js'
import { checkUsage, FER2013_SPLITS, parseFer2013Pixels, readFer2013Rows } from './fer2013.js'
import { isDirectory, warnOnce } from './files.js'
import { csvRecords } from './lines.js'
import type { DatasetAdapter, DatasetInfo, DatasetOptions, Sample } from './types.js'
import type { RawImage } from '../base/image.js'

/** fer2013new.csv vote columns after `Usage,Image name`: the 8 emotions in FER+ order, then unknown and NF. */
const FERPLUS_VOTE_COLUMNS = [...EMOTIONS, 'unknown', 'NF'] as const
const FERPLUS_ALIASES: ReadonlyMap<string, string> = new Map([
  ['FER2013Train', 'Training'],
  ['FER2013Valid', 'PublicTest'],
  ['FER2013Test', 'PrivateTest'],
])

export const ferplusInfo: DatasetInfo = {
  name: 'ferplus',
  description:
    'FER+ votes fer2013new.csv read row by row with fer2013.csv; majority protocol of the FER+ paper; 8 classes',
  labels: EMOTIONS,
  splits: FER2013_SPLITS,
  dataHint: '--data fer2013.csv [--labels fer2013new.csv] (or --data the folder holding both)',
}

/**
 * The FER+ majority label of one row's 10 vote counts (8 emotions, unknown, NF), or undefined when
 * the row is dropped: counts ≤ 1 are zeroed; with s the sum and m the maximum of what remains, the
 * label is the first index holding m if m > s/2; no label, unknown or NF ⇒ dropped.
 */
export function ferplusMajority(votes: readonly number[]): Emotion | undefined {
  if (votes.length !== FERPLUS_VOTE_COLUMNS.length)
    throw new RangeError(`expected ${FERPLUS_VOTE_COLUMNS.length} vote counts, got ${votes.length}`)
  const kept = votes.map((v) => (v <= 1 ? 0 : v))
  const sum = kept.reduce((a, b) => a + b, 0)
  const max = Math.max(...kept)
  if (!(max > 0.5 * sum)) return undefined
  const index = kept.indexOf(max)
  return index < EMOTIONS.length ? EMOTIONS[index] : undefined
}

export interface FerplusRow {
  row: number
  usage: string
  imageName: string
  votes: number[]
}

/** Streams fer2013new.csv rows (1-based data rows, the header is row 0), columns matched by name. */
export async function* readFerplusRows(file: string): AsyncGenerator<FerplusRow> {
  const size = requireRegularFile(file, { what: 'FER+ fer2013new.csv; pass it with --labels', fail: dataError })
  if (size === 0) throw dataError(`${file}: file is empty (expected FER+ fer2013new.csv)`)
  let cols: number[] | undefined
  let usageCol = -1
  let nameCol = -1
  let row = 0
  for await (const record of csvRecords(file, 'one row of vote counts per image')) {
    if (!cols) {
      const names = record.map((h) => h.trim())
      usageCol = names.indexOf('Usage')
      nameCol = names.indexOf('Image name')
      cols = FERPLUS_VOTE_COLUMNS.map((c) => names.indexOf(c))
      const missing = [
        ...(usageCol < 0 ? ['Usage'] : []),
        ...(nameCol < 0 ? ['Image name'] : []),
        ...FERPLUS_VOTE_COLUMNS.filter((_, i) => cols![i]! < 0),
      ]
      if (missing.length > 0) {
        throw dataError(
          `${file}: header lacks ${missing.join(', ')} (got: ${record.join(',')}); expected 'Usage,Image name,${FERPLUS_VOTE_COLUMNS.join(',')}'`,
        )
      }
      continue
    }
    row += 1
    const votes = cols.map((c, i) => {
      const text = (record[c] ?? '').trim()
      const v = /^\d+$/.test(text) ? Number(text) : NaN
      if (!Number.isFinite(v))
        throw dataError(`${file} row ${row}: ${FERPLUS_VOTE_COLUMNS[i]} votes '${text}' is not a whole number`)
      return v
    })
    yield { row, usage: (record[usageCol] ?? '').trim(), imageName: (record[nameCol] ?? '').trim(), votes }
  }
  if (!cols) throw dataError(`${file}: no header row (expected 'Usage,Image name,${FERPLUS_VOTE_COLUMNS.join(',')}')`)
}

function resolveFiles(options: DatasetOptions): { images: string; votes: string } {
  if (isDirectory(options.data)) {
    return {
      images: path.join(options.data, 'fer2013.csv'),
      votes: options.labels ?? path.join(options.data, 'fer2013new.csv'),
    }
  }
  return { images: options.data, votes: options.labels ?? path.join(path.dirname(options.data), 'fer2013new.csv') }
}

export class FerplusAdapter implements DatasetAdapter {
  readonly name = 'ferplus'
  readonly labels = EMOTIONS
  readonly defaultSplit = 'PrivateTest'
  readonly warnings: string[] = []
  private readonly images: string
  private readonly votes: string

  constructor(options: DatasetOptions) {
    const files = resolveFiles(options)
    this.images = files.images
    this.votes = files.votes
  }

  splits(): readonly string[] {
    return FER2013_SPLITS
  }

  async *samples(requested: string): AsyncIterable<Sample> {
    const split = FERPLUS_ALIASES.get(requested) ?? requested
    if (!(FER2013_SPLITS as readonly string[]).includes(split)) {
      throw usageError(
        `--split ${requested}: FER+ splits are ${FER2013_SPLITS.join(', ')} (or FER2013Train, FER2013Valid, FER2013Test)`,
      )
    }
    const votes = readFerplusRows(this.votes)[Symbol.asyncIterator]()
    let unnamed = 0
    let dropped = 0
    let lastRow = 0
    for await (const r of readFer2013Rows(this.images)) {
      const v = await votes.next()
      if (v.done) {
        throw dataError(
          `${this.votes} ends after ${r.row - 1} data rows but ${this.images} has a row ${r.row}: the files must be row-aligned (first differing row: ${r.row})`,
        )
      }
      const f = v.value
      lastRow = r.row
      checkUsage(r.usage, `${this.images} row ${r.row}`)
      if (f.usage !== r.usage) {
        throw dataError(
          `${this.images} row ${r.row} has Usage '${r.usage}' but ${this.votes} row ${f.row} has Usage '${f.usage}': the files must be row-aligned (first differing row: ${r.row})`,
        )
      }
      if (r.usage !== split) continue
      if (f.imageName === '') {
        unnamed += 1
        continue
      }
      const label = ferplusMajority(f.votes)
      if (label === undefined) {
        dropped += 1
        continue
      }
      const where = `${this.images} row ${r.row} (${f.imageName})`
      const pixels = parseFer2013Pixels(r.pixels, where)
      const image: RawImage = { data: pixels, width: 48, height: 48, channels: 1 }
      yield { id: `row-${r.row}`, label, source: where, load: async () => image }
    }
    const extra = await votes.next()
    if (!extra.done) {
      throw dataError(
        `${this.votes} has a data row ${extra.value.row} but ${this.images} ends after ${lastRow} data rows: the files must be row-aligned (first differing row: ${lastRow + 1})`,
      )
    }
    warnOnce(
      this.warnings,
      unnamed > 0
        ? `ferplus ${split}: ${unnamed} row(s) with an empty Image name skipped (dropped by FER+)`
        : undefined,
    )
    warnOnce(
      this.warnings,
      dropped > 0
        ? `ferplus ${split}: ${dropped} row(s) dropped by the majority protocol (no majority, or unknown/NF)`
        : undefined,
    )
  }
}
