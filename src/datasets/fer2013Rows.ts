import { existsSync, statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { FerbenchError } from '../base/errors.js'
import type { ExitCodeName } from '../base/exitCodes.js'
import type { Emotion } from '../base/emotions.js'

/** One row of the split asked for, its pixels parsed. */
export interface Fer2013SplitRow {
  /** 1-based data row number (the header is row 0). */
  row: number
  label: Emotion
  pixels: Uint8Array
}

/** Files this large or larger are read on a worker thread: about 900 rows; below it the thread's start costs more than it saves. */
export const ROWS_WORKER_MIN_BYTES = 8 * 1024 * 1024
/**
 * Rows per message, and messages the worker may send ahead of the reader (memory: 16 × 256 × 2,304
 * bytes, 9.4 MB): a 3,589-row test split is read whole while the command's modules load.
 */
const CHUNK_ROWS = 256
const CHUNKS_AHEAD = 16
const PIXELS = 48 * 48

export interface RowsStart {
  file: string
  split: string
  chunkRows: number
  chunksAhead: number
}

/** Worker → reader: parsed rows (pixels back to back), the end (Usage counts, parse time), or the error that ended the read. */
export type RowsMessage =
  | { kind: 'rows'; rows: Int32Array; labels: Emotion[]; pixels: Uint8Array }
  | { kind: 'end'; found: Record<string, number>; decodeMs: number }
  | { kind: 'error'; error: { ferbench?: ExitCodeName; message: string }; decodeMs: number }

/**
 * Whether to read this file on a worker thread. Test hook: FERBENCH_DEBUG_ROWS_WORKER=always|never
 * decides for every file, so tests can compare whole documents read both ways on small files. Not a
 * user setting.
 */
export function useRowsWorker(file: string, mode: 'auto' | 'always' | 'never'): boolean {
  const debug = process.env.FERBENCH_DEBUG_ROWS_WORKER
  if (mode === 'auto' && (debug === 'always' || debug === 'never')) return debug === 'always'
  if (mode !== 'auto') return mode === 'always'
  try {
    return statSync(file).isFile() && statSync(file).size >= ROWS_WORKER_MIN_BYTES
  } catch {
    return false // the reader names the problem
  }
}

function workerUrl(): URL {
  const sibling = new URL('./fer2013Worker.js', import.meta.url)
  return existsSync(fileURLToPath(sibling)) ? sibling : new URL('../../dist/datasets/fer2013Worker.js', import.meta.url)
}

/** The worker reading one split of one file, started at once; its messages wait in order until read. */
class RowsWorker {
  readonly worker: Worker
  private readonly queue: RowsMessage[] = []
  private failure: Error | undefined
  private wake: (() => void) | undefined

  constructor(
    readonly file: string,
    readonly split: string,
  ) {
    const start: RowsStart = { file, split, chunkRows: CHUNK_ROWS, chunksAhead: CHUNKS_AHEAD }
    this.worker = new Worker(workerUrl(), { workerData: start })
    this.worker.on('message', (m: RowsMessage) => {
      this.queue.push(m)
      this.notify()
    })
    this.worker.on('error', (error) => {
      this.failure = error
      this.notify()
    })
    this.worker.on('exit', (code) => {
      this.failure ??= new Error(`the FER2013 reader thread exited (code ${code}) before the end of ${file}`)
      this.notify()
    })
  }

  private notify(): void {
    this.wake?.()
    this.wake = undefined
  }

  /** The next message, in the order sent; the thread's own failure once every message is read. */
  async next(): Promise<RowsMessage> {
    for (;;) {
      const m = this.queue.shift()
      if (m) return m
      if (this.failure) throw this.failure
      await new Promise<void>((resolve) => {
        this.wake = resolve
      })
    }
  }

  async end(): Promise<void> {
    this.worker.removeAllListeners('exit')
    await this.worker.terminate()
  }
}

/**
 * fer2013SplitRows (src/datasets/fer2013.ts) run on a worker thread (src/datasets/fer2013Worker.ts):
 * the file is read, split into rows and its pixel text parsed there while this thread prepares and
 * scores the rows before, so reading overlaps the rest of the eval. The same rows in the same order,
 * the same errors at the same place in the stream (the rows before a bad row are yielded first); at
 * most CHUNKS_AHEAD messages wait unread. Leaving the loop early ends the worker. Takes the worker
 * bin/run.js started for this file and split, if any.
 */
export async function* rowsOnWorker(
  file: string,
  split: string,
  found: Record<string, number>,
  timing: { decodeMs: number },
): AsyncGenerator<Fer2013SplitRow> {
  const reader = takePrestartedRows(file, split) ?? new RowsWorker(file, split)
  try {
    for (;;) {
      const m = await reader.next()
      if (m.kind === 'error') {
        timing.decodeMs += m.decodeMs
        throw m.error.ferbench ? new FerbenchError(m.error.ferbench, m.error.message) : new Error(m.error.message)
      }
      if (m.kind === 'end') {
        for (const [usage, n] of Object.entries(m.found)) found[usage] = n
        timing.decodeMs += m.decodeMs
        return
      }
      reader.worker.postMessage('more') // this chunk is taken: the worker may read one more
      for (let i = 0; i < m.rows.length; i++) {
        yield { row: m.rows[i]!, label: m.labels[i]!, pixels: m.pixels.subarray(i * PIXELS, (i + 1) * PIXELS) }
      }
    }
  } finally {
    await reader.end()
  }
}

let early: RowsWorker | undefined

/**
 * `ferbench eval` of a fer2013.csv of 8 MiB or more starts reading its split before the command's
 * modules load (bin/run.js), so reading and parsing overlap them. The thread does not keep ferbench
 * alive until the adapter takes it; an adapter reading another file or split ends it and starts its
 * own, so no result depends on this. A count of the samples run beside the eval (the progress bar)
 * may take it first: the rows are the same either way.
 */
export function prestartRows(file: string, split: string): void {
  if (!useRowsWorker(file, 'auto')) return
  early = new RowsWorker(file, split)
  early.worker.unref()
}

function takePrestartedRows(file: string, split: string): RowsWorker | undefined {
  const found = early
  early = undefined
  if (!found) return undefined
  if (found.file !== file || found.split !== split) {
    void found.end()
    return undefined
  }
  found.worker.ref()
  return found
}
