/**
 * The body of a runner worker thread (src/runners/onnxWorker.ts, src/runners/tfjsWorker.ts): creates
 * the runner with the ordinary factory on this thread (so every check and message is the same as on
 * the main thread), says ready or failed, then runs the batches posted to it one at a time, in
 * arrival order, until told to release.
 */
import { performance } from 'node:perf_hooks'
import { parentPort, workerData } from 'node:worker_threads'
import { pixelRequestBatch, serializeError, type WorkerReply, type WorkerRequest } from './onnxThreadMessages.js'
import type { Runner, RunnerOptions } from './types.js'

/** The worker's own runner, made from what its parent passed as workerData. */
export type CreateRunner = (modelPath: string, options: RunnerOptions) => Promise<Runner>

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

  port.on('message', async (request: WorkerRequest) => {
    if (request.kind === 'release') {
      await runner?.release()
      port.postMessage({ kind: 'released' } satisfies WorkerReply)
      port.close()
      return
    }
    const t0 = performance.now()
    try {
      const batch = request.kind === 'run' ? request.batch : pixelRequestBatch(request)
      const scores = await runner!.run(batch, request.dims)
      const busyMs = performance.now() - t0
      // The scores may view a larger engine buffer: send exactly these floats.
      const out = scores.byteOffset === 0 && scores.byteLength === scores.buffer.byteLength ? scores : scores.slice()
      port.postMessage({ kind: 'scores', id: request.id, scores: out, busyMs } satisfies WorkerReply, [
        out.buffer as ArrayBuffer,
      ])
    } catch (error) {
      port.postMessage({
        kind: 'error',
        id: request.id,
        error: serializeError(error),
        busyMs: performance.now() - t0,
      } satisfies WorkerReply)
    }
  })
}
