import { open } from 'node:fs/promises'
import { dataError } from '../base/errors.js'
import { requireRegularFile } from '../base/inputFile.js'

/**
 * Streaming reader of fer2013.csv-shaped files (one image per line). The hot path splits lines
 * and fields on the raw bytes, because a full CSV tokenizer costs several seconds on the 290 MB
 * file; any line holding a quote character (or a header holding a quote or a carriage return)
 * goes through csv-parse, so quoted fields are read exactly as CSV defines them; csv-parse is loaded
 * only when such a line comes. Pixel text stays bytes until a caller asks for it.
 */
export interface Fer2013Row {
  /** 1-based data row number (the header is row 0). */
  row: number
  emotion: string
  usage: string
  /** The pixels field as raw bytes (ASCII digits and spaces). */
  pixelBytes: Uint8Array
  /** The pixels field as text (decoded on demand). */
  readonly pixels: string
}

interface Columns {
  emotion: number
  pixels: number
  usage: number
  width: number
}

const NEWLINE = 10
const CR = 13
const COMMA = 44
const QUOTE = 34
/**
 * The longest line read: a FER2013 row is about 9 KB (2,304 values of up to 3 digits), so a line
 * of 1 MiB without a line end is not a row; it is an error after reading at most about 2 MiB.
 */
export const MAX_ROW_BYTES = 1 << 20
/** Bytes read at a time. */
const READ_BYTES = 1 << 20

type CsvParse = typeof import('csv-parse/sync')['parse']
let csvParse: CsvParse | undefined
/** csv-parse's synchronous parser, imported the first time a line needs it. */
async function loadCsvParse(): Promise<CsvParse> {
  csvParse ??= (await import('csv-parse/sync')).parse
  return csvParse
}

/** Whether csv-parse must read the header: it holds a quote, or a carriage return (a record end to csv-parse). */
const headerNeedsCsv = (headerLine: string): boolean => headerLine.includes('"') || headerLine.includes('\r')

function columnsOf(headerLine: string, file: string, parseCsvLine: CsvParse | undefined): Columns {
  let header: string[]
  try {
    // Without quotes or carriage returns, CSV fields are the text between commas (csv-parse's reading too).
    header = parseCsvLine
      ? ((parseCsvLine(headerLine, { bom: true, relax_column_count: true }) as string[][])[0] ?? [])
      : headerLine.replace(/^\uFEFF/, '').split(',')
  } catch (error) {
    throw dataError(`${file}: malformed CSV header (${(error as Error).message}); expected 'emotion,pixels,Usage'`)
  }
  const names = header.map((h) =>
    h
      .trim()
      .replace(/^\uFEFF/, '')
      .toLowerCase(),
  )
  const find = (name: string): number => {
    const at = names.indexOf(name)
    if (at >= 0) return at
    const delimiter = [';', '\t', '|'].find((d) => headerLine.includes(d) && !headerLine.includes(','))
    const hint = delimiter
      ? `; the file seems to use '${delimiter === '\t' ? '\\t' : delimiter}' as delimiter, FER2013 uses ','`
      : ''
    throw dataError(
      `${file}: header has no '${name}' column (got: ${headerLine.slice(0, 80)}); expected 'emotion,pixels,Usage'${hint}`,
    )
  }
  const emotion = find('emotion')
  const pixels = find('pixels')
  const usage = find('usage')
  return { emotion, pixels, usage, width: Math.max(emotion, pixels, usage) + 1 }
}

class Row implements Fer2013Row {
  constructor(
    readonly row: number,
    readonly emotion: string,
    readonly usage: string,
    readonly pixelBytes: Uint8Array,
  ) {}
  get pixels(): string {
    return Buffer.from(this.pixelBytes.buffer, this.pixelBytes.byteOffset, this.pixelBytes.byteLength).toString(
      'latin1',
    )
  }
}

/** Splits one line (bytes start..end, no newline) into fields; quoted lines go through csv-parse. */
function fieldsOf(
  buf: Buffer,
  start: number,
  end: number,
  file: string,
  row: number,
  parseCsvLine: CsvParse | undefined,
): Array<Uint8Array> {
  if (parseCsvLine) {
    let record: string[]
    try {
      record = (parseCsvLine(buf.toString('utf8', start, end), { relax_column_count: true }) as string[][])[0] ?? []
    } catch (error) {
      throw dataError(`${file} row ${row}: malformed CSV: ${(error as Error).message}`)
    }
    return record.map((f) => Buffer.from(f, 'utf8'))
  }
  const fields: Uint8Array[] = []
  let from = start
  for (;;) {
    const comma = buf.indexOf(COMMA, from)
    if (comma < 0 || comma >= end) {
      fields.push(buf.subarray(from, end))
      return fields
    }
    fields.push(buf.subarray(from, comma))
    from = comma + 1
  }
}

const text = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8').trim()

/** Streams the data rows of a fer2013.csv-shaped file; the header decides the column order. */
export async function* readFer2013Rows(file: string): AsyncGenerator<Fer2013Row> {
  for await (const rows of readFer2013RowChunks(file)) yield* rows
}

/** Where the reading of a file stands between two reads (readFer2013RowChunks). */
interface ReadState {
  file: string
  /** The columns, once the header has been read. */
  cols: Columns | undefined
  /** Data rows read so far (the next is row + 1). */
  row: number
  /** \n (with \r\n stripped to the line) unless the first read holds a \r and no \n: an old Mac file, lines end in \r. */
  lineEnd: number
  /**
   * The first quote at or after the line being read (-1: none in the rest of this buffer, -2: not
   * searched yet), found once per quote: searching from every line to the buffer's end cost a scan
   * of half a MiB per row.
   */
  nextQuote: number
  /** The unfinished last line of the read before, read again at the start of the next. */
  carry: Buffer
}

const NO_BYTES = Buffer.alloc(0)

function tooLong(state: ReadState): Error {
  return dataError(
    `${state.file} ${state.cols ? `row ${state.row + 1}` : 'header'}: a line longer than ${MAX_ROW_BYTES} bytes (a FER2013 row is about 9 KB); ` +
      "expected one 'emotion,pixels,Usage' row per line",
  )
}

/** Where the line starting at `start` ends (its line-end byte, or the buffer's end for a last line without one); -1: it continues in the next read. */
function lineEndAt(buf: Buffer, start: number, last: boolean, state: ReadState): number {
  const nl = buf.indexOf(state.lineEnd, start)
  if (nl >= 0) {
    if (nl - start > MAX_ROW_BYTES) throw tooLong(state)
    return nl
  }
  if (buf.length - start > MAX_ROW_BYTES) throw tooLong(state)
  return last ? buf.length : -1
}

/** One data row of a line with no quote (fields between commas), checked for its column count. */
function rowOf(buf: Buffer, start: number, end: number, state: ReadState, parseCsvLine?: CsvParse): Fer2013Row {
  const cols = state.cols!
  const fields = fieldsOf(buf, start, end, state.file, state.row, parseCsvLine)
  if (fields.length < cols.width) {
    throw dataError(
      `${state.file} row ${state.row}: expected ${cols.width} comma-separated columns (emotion, pixels, Usage), got ${fields.length}`,
    )
  }
  return new Row(state.row, text(fields[cols.emotion]!), text(fields[cols.usage]!), fields[cols.pixels]!)
}

/**
 * The rows of the lines of `buf` from `start` on, into `rows`, up to the end of the buffer (returns
 * -1, the unfinished last line kept as state.carry) or up to a line that needs csv-parse, loaded on
 * first use, or the header (returns that line's start). A plain function, apart from the async
 * generator that calls it once per read: the hot loop of reading a 290 MB file.
 */
function scanLines(buf: Buffer, start: number, last: boolean, state: ReadState, rows: Fer2013Row[]): number {
  for (let at = start; at < buf.length; ) {
    const nl = lineEndAt(buf, at, last, state)
    if (nl < 0) {
      state.carry = buf.subarray(at)
      return -1
    }
    const end = nl > at && buf[nl - 1] === CR ? nl - 1 : nl
    if (!state.cols) return at
    if (end > at) {
      if (state.nextQuote !== -1 && state.nextQuote < at) state.nextQuote = buf.indexOf(QUOTE, at)
      if (state.nextQuote >= 0 && state.nextQuote < end) return at
      state.row += 1
      rows.push(rowOf(buf, at, end, state))
    }
    at = nl + 1
  }
  state.carry = NO_BYTES
  return -1
}

/**
 * readFer2013Rows a read at a time: the rows of each read (up to 1 MiB of text), in file order. A
 * row that fails (a line over the limit, a malformed line) ends the stream after the rows before it
 * have been yielded, as readFer2013Rows yields them one by one. For readers that take rows by the
 * hundred (src/datasets/fer2013.ts): one step of the async generator per read, not per row.
 */
export async function* readFer2013RowChunks(file: string): AsyncGenerator<Fer2013Row[]> {
  const size = requireRegularFile(file, { what: "FER2013's fer2013.csv", fail: dataError })
  if (size === 0)
    throw dataError(`${file}: file is empty (expected FER2013's fer2013.csv with header 'emotion,pixels,Usage')`)
  const state: ReadState = { file, cols: undefined, row: 0, lineEnd: -1, nextQuote: -2, carry: NO_BYTES }
  const handle = await open(file, 'r')
  let done = false
  try {
    while (!done) {
      // The unread end of the last read, then the next read, in one buffer: only the carried part is
      // copied (joining each read to it cost a copy of the whole file, and a stream its own buffers).
      const read = Buffer.allocUnsafe(state.carry.length + READ_BYTES)
      state.carry.copy(read)
      const { bytesRead } = await handle.read(read, state.carry.length, READ_BYTES, null)
      done = bytesRead === 0
      const buf = read.subarray(0, state.carry.length + bytesRead)
      if (state.lineEnd < 0) state.lineEnd = buf.indexOf(NEWLINE) < 0 && buf.indexOf(CR) >= 0 ? CR : NEWLINE
      state.nextQuote = -2
      const rows: Fer2013Row[] = []
      try {
        // Plain lines in scanLines; the header and quoted lines here, where csv-parse can be loaded.
        for (let at = scanLines(buf, 0, done, state, rows); at >= 0; at = scanLines(buf, at, done, state, rows)) {
          const nl = lineEndAt(buf, at, done, state)
          const end = nl > at && buf[nl - 1] === CR ? nl - 1 : nl
          if (!state.cols) {
            const headerLine = buf.toString('utf8', at, end)
            state.cols = columnsOf(headerLine, file, headerNeedsCsv(headerLine) ? await loadCsvParse() : undefined)
          } else {
            state.row += 1
            rows.push(rowOf(buf, at, end, state, await loadCsvParse()))
          }
          if (nl >= buf.length) {
            state.carry = NO_BYTES
            break
          }
          at = nl + 1
        }
      } catch (error) {
        if (rows.length > 0) yield rows // the rows before the one that failed, then the error
        throw error
      }
      if (rows.length > 0) yield rows
    }
  } finally {
    await handle.close() // an error part-way (a line over the limit) stops reading the file
  }
  const cols = state.cols
  if (!cols) throw dataError(`${file}: no header row (expected 'emotion,pixels,Usage')`)
}
