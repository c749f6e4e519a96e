import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { deserializeError, type WorkerReply } from './onnxThreadMessages.js'
import { RemoteOnnxRunner, type SessionHost } from './onnxRemote.js'
import type { Runner, RunnerOptions } from './types.js'

/** A compiled module beside this one; from the TypeScript sources (tests), the built one in dist/. */
export function builtSibling(file: string): URL {
  const sibling = new URL(`./${file}`, import.meta.url)
  return existsSync(fileURLToPath(sibling)) ? sibling : new URL(`../../dist/runners/${file}`, import.meta.url)
}

/**
 * A worker thread as the host of the session. A worker stuck in native code cannot be ended from
 * JavaScript (terminate() waits for it, and so does process.exit), so `kill` only asks: the eval
 * runs its session in a child process instead (src/runners/onnxProcess.ts), which hosts this one.
 */
function workerHost(worker: Worker): SessionHost {
  return {
    name: 'worker thread',
    post: (request, transfer) => worker.postMessage(request, transfer),
    onReply: (listener) => worker.on('message', listener),
    offReply: (listener) => worker.off('message', listener),
    onFailure: (listener) => {
      worker.on('error', (error) => listener(new Error(`ONNX worker thread failed: ${error.message}`)))
      worker.on('exit', (code) => listener(new Error(`ONNX worker thread exited (code ${code})`)))
    },
    busy: () => undefined,
    kill: () => void worker.terminate(),
    close: async () => {
      worker.removeAllListeners('exit')
      await worker.terminate()
    },
  }
}

/**
 * The ONNX runner with its session on a worker thread (src/runners/onnxWorker.ts): run() copies the
 * batch to the worker and returns at once, so the caller can prepare the next batch while this one
 * runs; batches run in the order given. Same session options, checks, messages and results as the
 * main-thread runner (the worker creates exactly that runner). Resolves when its session is ready
 * (or rejects with its error).
 */
export async function createOnnxThreadRunner(modelPath: string, options: RunnerOptions): Promise<Runner> {
  const worker = new Worker(builtSibling('onnxWorker.js'), { workerData: { modelPath, options } })
  const first = await new Promise<WorkerReply>((resolve, reject) => {
    worker.once('message', resolve)
    worker.once('error', reject)
    worker.once('exit', (code) =>
      reject(new Error(`ONNX worker thread exited (code ${code}) before its session was ready`)),
    )
  })
  worker.removeAllListeners('error')
  worker.removeAllListeners('exit')
  if (first.kind === 'ready')
    return new RemoteOnnxRunner(
      workerHost(worker),
      first.info,
      first.input,
      first.outputs,
      modelPath,
      options.batchTimeoutMs,
    )
  await worker.terminate()
  throw first.kind === 'failed'
    ? deserializeError(first.error)
    : new Error(`ONNX worker thread: unexpected first reply '${first.kind}'`)
}
