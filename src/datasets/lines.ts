import { closeSync, createReadStream, openSync, readSync } from 'node:fs'
import { parse } from 'csv-parse'
import { dataError, FerbenchError, messageOf } from '../base/errors.js'

/** The longest line a list file (manifest, RAF-DB list) may hold: a path, a label, a subject, a split. */
const MAX_LIST_LINE_BYTES = 64 * 1024

/**
 * Reads a text file's lines synchronously in 64 KiB chunks: memory stays flat for any file size,
 * and a line longer than `maxLineBytes` is a data error after reading at most that much more.
 * Line ends \n, \r\n and a lone \r (old Mac files) all end a line.
 */
export function forEachLineSync(
  file: string,
  onLine: (line: string, lineNo: number) => void,
  maxLineBytes = MAX_LIST_LINE_BYTES,
): void {
  const fd = openSync(file, 'r')
  try {
    const chunk = Buffer.alloc(1 << 16)
    let rest = ''
    let lineNo = 0
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null)
      if (n === 0) break
      let text = rest + chunk.toString('utf8', 0, n)
      // a \r at the very end may be the first half of \r\n: keep it for the next chunk
      const heldCr = text.endsWith('\r')
      if (heldCr) text = text.slice(0, -1)
      const lines = text.split(/\r\n|\r|\n/)
      rest = lines.pop()! + (heldCr ? '\r' : '')
      for (const l of lines) onLine(l, ++lineNo)
      if (Buffer.byteLength(rest) > maxLineBytes) {
        throw dataError(
          `${file} line ${lineNo + 1}: longer than ${maxLineBytes} bytes without a line end (expected one short CSV row per line)`,
        )
      }
    }
    const last = rest.replace(/\r$/, '')
    if (last !== '') onLine(last, ++lineNo)
  } finally {
    closeSync(fd)
  }
}

/**
 * The records of a CSV list (AffectNet lists, FER+ votes) through csv-parse, each line at most
 * MAX_LIST_LINE_BYTES: a longer line, or a broken quote, is a data error naming the file after a
 * bounded read. `expected` says what a row should be, for the message.
 */
export async function* csvRecords(file: string, expected: string): AsyncGenerator<string[]> {
  const stream = createReadStream(file)
  const parser = stream.pipe(
    parse({ bom: true, relax_column_count: true, skip_empty_lines: true, max_record_size: MAX_LIST_LINE_BYTES }),
  )
  try {
    for await (const record of parser as AsyncIterable<string[]>) yield record
  } catch (error) {
    if (error instanceof FerbenchError) throw error
    throw dataError(
      `${file}: malformed CSV (${messageOf(error)}); expected ${expected}, each line under ${MAX_LIST_LINE_BYTES} bytes`,
    )
  } finally {
    stream.destroy()
  }
}
