/**
 * Child-process entry of the ONNX runner used by eval on the CPU (src/runners/onnxProcess.ts). It
 * relays messages between its parent (IPC) and a worker thread that owns the session
 * (src/runners/onnxWorker.ts), so this process's main thread stays free while the session runs:
 * when the parent goes away (its IPC channel closes, even when it was killed), this process kills
 * itself at once, also while the worker is stuck inside onnxruntime's native code. Signals sent to
 * the whole process group (Ctrl-C in a terminal) are left to the parent, which decides.
 */
import { Worker } from 'node:worker_threads'
import { EXTRA_ENGINES, type ExtraEnginesRule, engineLayout, extraEnginesDue } from './onnxEngines.js'
import { builtSibling } from './onnxThread.js'
import {
  batchFloats,
  pixelRequestBatch,
  type ProcessRequest,
  type WorkerReply,
  type WorkerRequest,
} from './onnxThreadMessages.js'
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

/**
 * When the other engines of the layout start: src/runners/onnxEngines.ts (extraEnginesDue). Test
 * hook: FERBENCH_DEBUG_ENGINES_AFTER_MS sets both its busy times (tests/runners/onnxEngines.test.ts).
 * Not a user setting.
 */
const DEBUG_ENGINES_AFTER_MS = process.env.FERBENCH_DEBUG_ENGINES_AFTER_MS
const EXTRA_ENGINES_RULE: ExtraEnginesRule =
  DEBUG_ENGINES_AFTER_MS === undefined
    ? EXTRA_ENGINES
    : { ...EXTRA_ENGINES, afterBusyMs: Number(DEBUG_ENGINES_AFTER_MS), afterLoneBusyMs: Number(DEBUG_ENGINES_AFTER_MS) }

/** The engines of the current start (src/runners/onnxEngines.ts): one worker thread and session each. */
let workers: Array<Worker | undefined> = []
/** Engines whose session is ready: the ones calls go to. */
let active: number[] = []
/** Calls sent to each engine and not answered yet (a call goes to the ready engine with the fewest). */
let outstanding: number[] = []
/** The engine of each call in flight. */
const engineOf = new Map<number, number>()

/**
 * Float batches the engines handed back (`recycle`), to be written again: a batch in new memory
 * each time costs the kernel a page fault per 4 KiB written. At most BATCH_POOL_SIZE are kept.
 */
const batchPool: Float32Array[] = []
const BATCH_POOL_SIZE = 8

/** A pooled batch of exactly `floats` values, if one is free. */
function takeBatchBuffer(floats: number): Float32Array | undefined {
  const at = batchPool.findIndex((b) => b.length === floats)
  return at < 0 ? undefined : batchPool.splice(at, 1)[0]
}

/** Keeps a batch an engine handed back, unless the pool is full. */
function recycleBatch(batch: Float32Array | undefined): void {
  if (batch === undefined) return
  if (batchPool.length >= BATCH_POOL_SIZE) batchPool.shift()
  batchPool.push(batch)
}

/** Posts a call to the least busy ready engine (the first of those tied). */
function dispatch(request: WorkerRequest & { id: number }, transfer: ArrayBuffer[]): void {
  let engine = active[0] ?? 0
  for (const e of active) if (outstanding[e]! < outstanding[engine]!) engine = e
  outstanding[engine]! += 1
  engineOf.set(request.id, engine)
  workers[engine]?.postMessage(request, transfer)
}

process.on('message', onMessage)

function onMessage(message: StartRequest | ProcessRequest): void {
  if (message.kind === 'calls') {
    for (const request of message.requests) onMessage(request)
    return
  }
  if (message.kind === 'start') {
    try {
      process.chdir(message.cwd)
    } catch {
      // the parent's folder is gone too: the worker's start says what failed
    }
    const { engines, threads } = engineLayout(message.modelPath, message.options)
    const options = { ...message.options, ...(threads !== undefined ? { threads } : {}) }
    workers = []
    active = []
    outstanding = []
    engineOf.clear()
    let released = 0
    let failed = false
    let firstBusyMs = 0
    const running = (): Worker[] => workers.filter((w): w is Worker => w !== undefined)
    /** Answers the release once every engine still there has released its session. */
    const settleRelease = (reply: WorkerReply): void => {
      if (released < running().length) return
      if (message.keep) {
        void Promise.all(running().map((w) => w.terminate())).then(() => send(reply))
        return
      }
      send(reply)
      process.disconnect()
    }
    /** Starts engine `e`; engine 0's answer is the runner's, another's only adds it to the ready ones. */
    const startEngine = (e: number): void => {
      const worker = new Worker(builtSibling('onnxWorker.js'), {
        workerData: { modelPath: message.modelPath, options },
      })
      workers[e] = worker
      outstanding[e] = 0
      worker.on('message', (reply: WorkerReply) => {
        if (failed) return
        if (reply.kind === 'ready') {
          active.push(e)
          if (e > 0) return
          // the threads the run asked for: the layout is this process's own, as its results do not depend on it
          const { threads: _engineThreads, ...asked } = reply.info
          send({ ...reply, info: engines > 1 ? asked : reply.info, engines })
          return
        }
        if (reply.kind === 'failed') {
          if (e > 0) {
            // an extra engine that cannot start is left out: the others run every call, with the same scores
            workers[e] = undefined
            void worker.terminate()
            if (released > 0) settleRelease({ kind: 'released' })
            return
          }
          failed = true
          send(reply)
          return
        }
        if (reply.kind === 'scores' || reply.kind === 'error') {
          const { batch, ...forward } = reply
          recycleBatch(batch)
          const engine = engineOf.get(reply.id)
          engineOf.delete(reply.id)
          if (engine !== undefined) outstanding[engine]! -= 1
          if (e === 0 && engines > 1 && workers.length === 1) {
            firstBusyMs += reply.busyMs
            if (extraEnginesDue(firstBusyMs, outstanding[0]!, EXTRA_ENGINES_RULE))
              for (let x = 1; x < engines; x++) startEngine(x)
          }
          send(forward)
          return
        }
        // 'released': once every engine started has released its session
        released += 1
        settleRelease(reply)
      })
      worker.on('error', (error) => {
        send({ kind: 'failed', error: { message: `ONNX worker thread failed: ${error.message}` } })
        dieNow()
      })
    }
    startEngine(0)
    return
  }
  if (message.kind === 'release') {
    for (const worker of workers) worker?.postMessage(message)
    return
  }
  // A batch of pixels becomes floats here, on this process's main thread, in a buffer of its own,
  // handed over to the worker without a copy.
  if (message.kind === 'runPixels') {
    const batch = pixelRequestBatch(message, takeBatchBuffer(batchFloats(message.dims)))
    const { batchRows } = message
    dispatch(
      { kind: 'run', id: message.id, batch, dims: message.dims, recycle: true, ...(batchRows ? { batchRows } : {}) },
      [batch.buffer as ArrayBuffer],
    )
    return
  }
  // Copied, never transferred: a typed array read from the IPC channel may view the channel's own buffer.
  // A `runPixelFile` call carries none: the engine's worker thread reads its pixels from the pixel file
  // itself (src/runners/pixelFile.ts).
  dispatch(message, [])
}
