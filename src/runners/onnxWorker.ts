/**
 * Worker-thread entry of the off-thread ONNX runner (src/runners/onnxThread.ts): owns the
 * onnxruntime session (created by the ordinary ONNX runner, so every check and message is the
 * same) and runs the batches posted to it, one at a time, in arrival order. onnxruntime-node's
 * session.run is synchronous on its calling thread; here it blocks this thread only, so the main
 * thread keeps reading and preprocessing the next batch meanwhile.
 */
import { performance } from 'node:perf_hooks'
import { parentPort, workerData } from 'node:worker_threads'
import { onnxRunnerFactory } from './onnx.js'
import type { Runner, RunnerOptions } from './types.js'
import { serializeError, type WorkerReply, type WorkerRequest } from './onnxThreadMessages.js'

const { modelPath, options } = workerData as { modelPath: string; options: RunnerOptions }
const port = parentPort!

let runner: Runner | undefined
try {
  runner = await onnxRunnerFactory.create(modelPath, options)
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
