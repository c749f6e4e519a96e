import { FerbenchError } from '../base/errors.js'
import type { ExitCodeName } from '../base/exitCodes.js'
import type { ModelInputInfo } from '../card/resolve.js'
import { type PixelScale, pixelsToBatch } from '../card/pixelTensor.js'
import type { RunnerInfo } from './types.js'

/**
 * Messages between the off-thread ONNX runner and its worker (src/runners/onnxWorker.ts). `runPixels`
 * is a batch given as 8-bit pixels and the scale that makes them floats (src/card/pixelTensor.ts):
 * the runner process or worker writes the floats (pixelsToBatch) and runs them as `run` would;
 * `runPixelFile` is the same call with its pixels in the pixel file (src/runners/pixelFile.ts).
 * A run call with `batchRows` is a group of inference calls in one message: its rows are run as
 * consecutive calls of `batchRows` rows (the last may have fewer) and the scores come back together
 * (src/runners/serveRunner.ts, runGroup).
 */
export type WorkerRequest =
  | {
      kind: 'run'
      id: number
      batch: Float32Array
      dims: number[]
      /** The worker hands the batch's buffer back in its reply (`batch`), for the sender to reuse. */
      recycle?: boolean
      batchRows?: number
    }
  | {
      kind: 'runPixels'
      id: number
      pixels: Uint8Array
      rows: number
      scale: PixelScale
      dims: number[]
      batchRows?: number
    }
  /** A `runPixels` call whose pixels are `bytes` bytes at `offset` of the pixel file (src/runners/pixelFile.ts). */
  | {
      kind: 'runPixelFile'
      id: number
      offset: number
      bytes: number
      rows: number
      scale: PixelScale
      dims: number[]
      batchRows?: number
    }
  | { kind: 'release' }

/** What the runner process's IPC channel carries (src/runners/onnxProcess.ts): a request, or several run calls in one message, in call order. */
export type ProcessRequest = WorkerRequest | { kind: 'calls'; requests: WorkerRequest[] }

/** The float batch of a `runPixels` request, as a `run` request would carry it. */
export function pixelRequestBatch(
  request: {
    pixels: Uint8Array
    rows: number
    scale: PixelScale
    dims: number[]
  },
  into?: Float32Array,
): Float32Array {
  return pixelsToBatch(request.pixels, request.rows, request.scale, batchFloats(request.dims), into)
}

/** The values of a batch of these dimensions. */
export const batchFloats = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1)

export interface SerializedError {
  ferbench?: ExitCodeName
  message: string
}

export type WorkerReply =
  | {
      kind: 'ready'
      info: RunnerInfo
      input: ModelInputInfo
      outputs: ReadonlyArray<{ name: string; shape: ReadonlyArray<number | string> }>
      /** Sessions that run calls side by side (the runner process's engines, src/runners/onnxEngines.ts); absent: 1. */
      engines?: number
    }
  | { kind: 'failed'; error: SerializedError }
  | { kind: 'scores'; id: number; scores: Float32Array; busyMs: number; batch?: Float32Array }
  | { kind: 'error'; id: number; error: SerializedError; busyMs: number; batch?: Float32Array }
  | { kind: 'released' }

export function serializeError(error: unknown): SerializedError {
  if (error instanceof FerbenchError) return { ferbench: error.kind, message: error.message }
  return { message: error instanceof Error ? error.message : String(error) }
}

/** The error as the main thread throws it: a FerbenchError keeps its kind (and so its exit code). */
export function deserializeError(error: SerializedError): Error {
  return error.ferbench ? new FerbenchError(error.ferbench, error.message) : new Error(error.message)
}
