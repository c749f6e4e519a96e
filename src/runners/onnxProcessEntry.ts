/**
 * Child-process entry of the ONNX runner used by eval on the CPU (src/runners/onnxProcess.ts). It
 * relays messages between its parent (IPC) and a worker thread that owns the session
 * (src/runners/onnxWorker.ts), so this process's main thread stays free while the session runs:
 * when the parent goes away (its IPC channel closes, even when it was killed), this process kills
 * itself at once, also while the worker is stuck inside onnxruntime's native code. Signals sent to
 * the whole process group (Ctrl-C in a terminal) are left to the parent, which decides.
 */
import { Worker } from 'node:worker_threads'
import { builtSibling } from './onnxThread.js'
import { pixelRequestBatch, type WorkerReply, type WorkerRequest } from './onnxThreadMessages.js'
import type { RunnerOptions } from './types.js'

/**
 * `keep`: after a release, end the worker thread only and wait for the next start (a test seam,
 * src/runners/onnxPrestart.ts). `cwd`: the parent's working directory at this start; a kept process
 * may have been forked in a folder that is gone since (a test's temp folder), where starting a worker
 * thread fails (uv_cwd: ENOENT), so it moves to the folder of the run it now serves.
 */
export type StartRequest = { kind: 'start'; modelPath: string; options: RunnerOptions; keep?: boolean; cwd: string }

const send = (reply: WorkerReply): void => {
  process.send?.(reply)
}
const dieNow = (): void => {
  process.kill(process.pid, 'SIGKILL')
}

process.on('SIGINT', () => undefined)
process.on('SIGTERM', () => undefined)
process.on('disconnect', dieNow)

let worker: Worker | undefined
process.on('message', (message: StartRequest | WorkerRequest) => {
  if (message.kind === 'start') {
    try {
      process.chdir(message.cwd)
    } catch {
      // the parent's folder is gone too: the worker's start says what failed
    }
    worker = new Worker(builtSibling('onnxWorker.js'), {
      workerData: { modelPath: message.modelPath, options: message.options },
    })
    const started = worker
    worker.on('message', (reply: WorkerReply) => {
      if (reply.kind === 'released' && message.keep) {
        void started.terminate().then(() => send(reply))
        return
      }
      send(reply)
      if (reply.kind === 'released') process.disconnect()
    })
    worker.on('error', (error) => {
      send({ kind: 'failed', error: { message: `ONNX worker thread failed: ${error.message}` } })
      dieNow()
    })
    return
  }
  // A batch of pixels becomes floats here, on this process's main thread, in a buffer of its own,
  // handed over to the worker without a copy.
  if (message.kind === 'runPixels') {
    const batch = pixelRequestBatch(message)
    worker?.postMessage({ kind: 'run', id: message.id, batch, dims: message.dims } satisfies WorkerRequest, [
      batch.buffer as ArrayBuffer,
    ])
    return
  }
  // Copied, never transferred: a typed array read from the IPC channel may view the channel's own buffer.
  worker?.postMessage(message)
})
