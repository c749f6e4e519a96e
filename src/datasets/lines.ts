import { closeSync, openSync, readSync } from 'node:fs'
import { dataError } from '../core/errors.js'

/** The longest line a list file (manifest, RAF-DB list) may hold: a path, a label, a subject, a split. */
export const MAX_LIST_LINE_BYTES = 64 * 1024

/**
 * Reads a text file's lines synchronously in 64 KiB chunks: memory stays flat for any file size,
 * and a line longer than `maxLineBytes` is a data error after reading at most that much more.
 * Line ends \n, \r\n and a lone \r (old Mac files) all end a line.
 */
export function forEachLineSync(file: string, onLine: (line: string, lineNo: number) => void, maxLineBytes = MAX_LIST_LINE_BYTES): void {
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
        throw dataError(`${file} line ${lineNo + 1}: longer than ${maxLineBytes} bytes without a line end (expected one short CSV row per line)`)
      }
    }
    const last = rest.replace(/\r$/, '')
    if (last !== '') onLine(last, ++lineNo)
  } finally {
    closeSync(fd)
  }
}
