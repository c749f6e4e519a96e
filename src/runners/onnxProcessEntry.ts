/**
 * Child-process entry of the ONNX runner used by eval on the CPU (src/runners/onnxProcess.ts). It
 * relays messages between its parent (IPC) and a worker thread that owns the session
 * (src/runners/onnxWorker.ts), so this process's main thread stays free while the session runs:
 * when the parent goes away (its IPC channel closes, even when it was killed), this process kills
 * itself at once, also while the worker is stuck inside onnxruntime's native code. Signals sent to
 * the whole process group (Ctrl-C in a terminal) are left to the parent, which decides.
 */
import { Worker } from 'node:worker_threads'
import { engineLayout } from './onnxEngines.js'
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

/** The engines of the current start (src/runners/onnxEngines.ts): one worker thread and session each. */
let workers: Worker[] = []
/** Calls sent to each engine and not answered yet (a call goes to the engine with the fewest). */
let outstanding: number[] = []
/** The engine of each call in flight. */
const engineOf = new Map<number, number>()

/** Posts a call to the least busy engine (the first of those tied). */
function dispatch(request: WorkerRequest & { id: number }, transfer: ArrayBuffer[]): void {
  let engine = 0
  for (let e = 1; e < workers.length; e++) if (outstanding[e]! < outstanding[engine]!) engine = e
  outstanding[engine]! += 1
  engineOf.set(request.id, engine)
  workers[engine]?.postMessage(request, transfer)
}

process.on('message', (message: StartRequest | WorkerRequest) => {
  if (message.kind === 'start') {
    try {
      process.chdir(message.cwd)
    } catch {
      // the parent's folder is gone too: the worker's start says what failed
    }
    const { engines, threads } = engineLayout(message.modelPath, message.options)
    const options = { ...message.options, ...(threads !== undefined ? { threads } : {}) }
    const started = Array.from(
      { length: engines },
      () => new Worker(builtSibling('onnxWorker.js'), { workerData: { modelPath: message.modelPath, options } }),
    )
    workers = started
    outstanding = started.map(() => 0)
    engineOf.clear()
    let ready = 0
    let released = 0
    let failed = false
    for (const worker of started) {
      worker.on('message', (reply: WorkerReply) => {
        if (failed) return
        if (reply.kind === 'ready') {
          // every engine answers alike: the last one's words, once all are ready, with the threads
          // the run asked for (the layout is this process's own, as its results do not depend on it)
          ready += 1
          if (ready < engines) return
          const { threads: _engineThreads, ...asked } = reply.info
          send({ ...reply, info: engines > 1 ? asked : reply.info, engines })
          return
        }
        if (reply.kind === 'failed') {
          failed = true
          send(reply)
          return
        }
        if (reply.kind === 'scores' || reply.kind === 'error') {
          const engine = engineOf.get(reply.id)
          engineOf.delete(reply.id)
          if (engine !== undefined) outstanding[engine]! -= 1
          send(reply)
          return
        }
        // 'released': once every engine has released its session
        released += 1
        if (released < engines) return
        if (message.keep) {
          void Promise.all(started.map((w) => w.terminate())).then(() => send(reply))
          return
        }
        send(reply)
        process.disconnect()
      })
      worker.on('error', (error) => {
        send({ kind: 'failed', error: { message: `ONNX worker thread failed: ${error.message}` } })
        dieNow()
      })
    }
    return
  }
  if (message.kind === 'release') {
    for (const worker of workers) worker.postMessage(message)
    return
  }
  // A batch of pixels becomes floats here, on this process's main thread, in a buffer of its own,
  // handed over to the worker without a copy.
  if (message.kind === 'runPixels') {
    const batch = pixelRequestBatch(message)
    dispatch({ kind: 'run', id: message.id, batch, dims: message.dims }, [batch.buffer as ArrayBuffer])
    return
  }
  // Copied, never transferred: a typed array read from the IPC channel may view the channel's own buffer.
  dispatch(message, [])
})
