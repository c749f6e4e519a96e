/**
 * The body of a runner worker thread (src/runners/onnxWorker.ts, src/runners/tfjsWorker.ts): creates
 * the runner with the ordinary factory on this thread (so every check and message is the same as on
 * the main thread), says ready or failed, then runs the batches posted to it one at a time, in
 * arrival order, until told to release.
 */
import { performance } from 'node:perf_hooks'
import { parentPort, workerData } from 'node:worker_threads'
import {
  batchFloats,
  pixelRequestBatch,
  serializeError,
  type WorkerReply,
  type WorkerRequest,
} from './onnxThreadMessages.js'
import { concatFloats } from '../base/floatArrays.js'
import { readPixelFile } from './pixelFile.js'
import type { Runner, RunnerOptions } from './types.js'

/** The worker's own runner, made from what its parent passed as workerData. */
export type CreateRunner = (modelPath: string, options: RunnerOptions) => Promise<Runner>

/** The batch a `run` request asked to have back (`recycle`), when this thread owns its buffer whole. */
function returned(request: WorkerRequest): Float32Array | undefined {
  if (request.kind !== 'run' || request.recycle !== true) return undefined
  const { batch } = request
  return batch.byteOffset === 0 && batch.byteLength === batch.buffer.byteLength ? batch : undefined
}

export async function serveRunner(create: CreateRunner): Promise<void> {
  const { modelPath, options } = workerData as { modelPath: string; options: RunnerOptions }
  const port = parentPort!
  let runner: Runner | undefined
  try {
    runner = await create(modelPath, options)
    port.postMessage({
      kind: 'ready',
      info: runner.info,
      input: runner.input,
      outputs: runner.outputs,
    } satisfies WorkerReply)
  } catch (error) {
    port.postMessage({ kind: 'failed', error: serializeError(error) } satisfies WorkerReply)
  }

  /**
   * The pixels and floats of the `runPixelFile` calls, reused from call to call (requests are served
   * one at a time, and a batch is free again once its call has returned): memory the cache still holds.
   */
  let filePixels = new Uint8Array(0)
  let fileFloats: Float32Array | undefined
  const fileBatch = (request: Extract<WorkerRequest, { kind: 'runPixelFile' }>): Float32Array => {
    if (filePixels.length < request.bytes) filePixels = new Uint8Array(request.bytes)
    readPixelFile(request.offset, request.bytes, filePixels)
    const floats = batchFloats(request.dims)
    if (fileFloats?.length !== floats) fileFloats = new Float32Array(floats)
    return pixelRequestBatch({ ...request, pixels: filePixels.subarray(0, request.bytes) }, fileFloats)
  }

  // Requests are served one after another: a request that arrives while another runs waits here,
  // outside its timing (busyMs is the engine's own time, not its queue's).
  let previous: Promise<void> = Promise.resolve()
  port.on('message', (request: WorkerRequest) => {
    previous = previous.then(() => serve(request))
  })

  async function serve(request: WorkerRequest): Promise<void> {
    if (request.kind === 'release') {
      await runner?.release()
      port.postMessage({ kind: 'released' } satisfies WorkerReply)
      port.close()
      return
    }
    const t0 = performance.now()
    try {
      const batch =
        request.kind === 'run'
          ? request.batch
          : request.kind === 'runPixelFile'
            ? fileBatch(request)
            : pixelRequestBatch(request)
      const scores = await runGroup(runner!, batch, request.dims, request.batchRows)
      const busyMs = performance.now() - t0
      // The scores may view a larger engine buffer: send exactly these floats.
      const out = scores.byteOffset === 0 && scores.byteLength === scores.buffer.byteLength ? scores : scores.slice()
      const back = returned(request)
      port.postMessage(
        { kind: 'scores', id: request.id, scores: out, busyMs, ...(back ? { batch: back } : {}) } satisfies WorkerReply,
        back ? [out.buffer as ArrayBuffer, back.buffer as ArrayBuffer] : [out.buffer as ArrayBuffer],
      )
    } catch (error) {
      const back = returned(request)
      port.postMessage(
        {
          kind: 'error',
          id: request.id,
          error: serializeError(error),
          busyMs: performance.now() - t0,
          ...(back ? { batch: back } : {}),
        } satisfies WorkerReply,
        back ? [back.buffer as ArrayBuffer] : [],
      )
    }
  }
}

/**
 * Runs `batch` as one inference call, or, with `batchRows` fewer than its rows, as consecutive calls
 * of `batchRows` rows (the last may have fewer), each exactly the call it would have been on its own:
 * their scores one after another (the caller checks their number, as for one call).
 */
export async function runGroup(
  runner: Runner,
  batch: Float32Array,
  dims: readonly number[],
  batchRows: number | undefined,
): Promise<Float32Array> {
  const rows = dims[0]!
  if (batchRows === undefined || rows <= batchRows) return runner.run(batch, dims)
  const rowFloats = batchFloats(dims.slice(1))
  const parts: Float32Array[] = []
  for (let first = 0; first < rows; first += batchRows) {
    const n = Math.min(batchRows, rows - first)
    // copied: a runner may hand back a view of a buffer its next call reuses
    parts.push(
      (await runner.run(batch.subarray(first * rowFloats, (first + n) * rowFloats), [n, ...dims.slice(1)])).slice(),
    )
  }
  return concatFloats(parts)
}
