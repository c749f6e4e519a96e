/**
 * Worker-thread entry of the tfjs worker pool (src/runners/tfjsPool.ts): owns one backend and one
 * copy of the model (created by the ordinary tfjs runner on this thread, so every check and
 * message is the same) and runs the batches posted to it, one at a time, in arrival order.
 */
import { performance } from 'node:perf_hooks'
import { parentPort, workerData } from 'node:worker_threads'
import { serializeError, type WorkerReply, type WorkerRequest } from './onnxThreadMessages.js'
import { tfjsRunnerFactory } from './tfjs.js'
import type { Runner, RunnerOptions } from './types.js'

const { modelPath, options } = workerData as { modelPath: string; options: RunnerOptions }
const port = parentPort!

let runner: Runner | undefined
try {
  runner = await tfjsRunnerFactory.create(modelPath, { ...options, workers: 0 })
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
    const scores = await runner!.run(request.batch, request.dims)
    const busyMs = performance.now() - t0
    // The scores may view a larger backend buffer: send exactly these floats.
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
