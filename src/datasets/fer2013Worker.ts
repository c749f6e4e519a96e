// Worker thread of src/datasets/fer2013Rows.ts: reads one split of a fer2013.csv with the adapter's
// own reader and posts its rows in chunks, never more than `chunksAhead` chunks ahead of the reader.
import { parentPort, workerData } from 'node:worker_threads'
import { FerbenchError } from '../base/errors.js'
import { textRecord } from '../base/textKeys.js'
import type { Emotion } from '../base/emotions.js'
import { fer2013SplitRowChunks } from './fer2013.js'
import type { RowsMessage, RowsStart } from './fer2013Rows.js'

const PIXELS = 48 * 48
const start = workerData as RowsStart
const port = parentPort!
let credit = start.chunksAhead
let wake: (() => void) | undefined
port.on('message', () => {
  credit += 1
  wake?.()
  wake = undefined
})

const post = (m: RowsMessage, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer)

async function send(rows: number[], labels: Emotion[], pixels: Uint8Array): Promise<void> {
  while (credit === 0)
    await new Promise<void>((resolve) => {
      wake = resolve
    })
  credit -= 1
  const out = pixels.slice(0, rows.length * PIXELS)
  post({ kind: 'rows', rows: Int32Array.from(rows), labels, pixels: out }, [out.buffer])
}

const found = textRecord<number>()
const timing = { decodeMs: 0 }
let rows: number[] = []
let labels: Emotion[] = []
const pixels = new Uint8Array(start.chunkRows * PIXELS)
try {
  for await (const chunk of fer2013SplitRowChunks(start.file, start.split, found, timing)) {
    for (const r of chunk) {
      pixels.set(r.pixels, rows.length * PIXELS)
      rows.push(r.row)
      labels.push(r.label)
      if (rows.length === start.chunkRows) {
        await send(rows, labels, pixels)
        rows = []
        labels = []
      }
    }
  }
  if (rows.length > 0) await send(rows, labels, pixels)
  post({ kind: 'end', found: { ...found }, decodeMs: timing.decodeMs })
} catch (error) {
  // the rows read before the error first, then the error, as the reader on the main thread would
  if (rows.length > 0) await send(rows, labels, pixels)
  post({
    kind: 'error',
    error:
      error instanceof FerbenchError
        ? { ferbench: error.kind, message: error.message }
        : { message: error instanceof Error ? error.message : String(error) },
    decodeMs: timing.decodeMs,
  })
}
port.unref()
