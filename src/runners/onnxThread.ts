import type { Worker } from 'node:worker_threads'
import type { ModelInputInfo } from '../card/resolve.js'
import { deserializeError, type WorkerReply, type WorkerRequest } from './onnxThreadMessages.js'
import type { Runner, RunnerInfo, RunnerOptions } from './types.js'
import { startOnnxWorker, takePrestartedWorker } from './onnxPrestart.js'

/**
 * The ONNX runner with its session on a worker thread (src/runners/onnxWorker.ts): run() copies the
 * batch to the worker and returns at once, so the caller can prepare the next batch while this one
 * runs; batches run in the order given. Same session options, checks, messages and results as the
 * main-thread runner (the worker creates exactly that runner).
 */
class OnnxThreadRunner implements Runner {
  private nextId = 0
  private readonly waiting = new Map<
    number,
    { resolve: (scores: Float32Array) => void; reject: (error: Error) => void }
  >()
  private failure: Error | undefined
  /** Milliseconds the worker spent in session.run so far. */
  busyMs = 0

  constructor(
    private readonly worker: Worker,
    readonly info: RunnerInfo,
    readonly input: ModelInputInfo,
    readonly outputs: ReadonlyArray<{ name: string; shape: ReadonlyArray<number | string> }>,
  ) {
    worker.on('message', (reply: WorkerReply) => {
      if (reply.kind !== 'scores' && reply.kind !== 'error') return
      this.busyMs += reply.busyMs
      const waiter = this.waiting.get(reply.id)
      this.waiting.delete(reply.id)
      if (reply.kind === 'scores') waiter?.resolve(reply.scores)
      else waiter?.reject(deserializeError(reply.error))
    })
    const fail = (error: Error): void => {
      this.failure = error
      for (const waiter of this.waiting.values()) waiter.reject(error)
      this.waiting.clear()
    }
    worker.on('error', (error) => fail(new Error(`ONNX worker thread failed: ${error.message}`)))
    worker.on('exit', (code) => fail(new Error(`ONNX worker thread exited (code ${code})`)))
  }

  run(batch: Float32Array, dims: readonly number[]): Promise<Float32Array> {
    if (this.failure) return Promise.reject(this.failure)
    const id = this.nextId++
    return new Promise<Float32Array>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject })
      // The batch is copied now and the copy moved to the worker: the caller may refill its buffer at once.
      const copy = batch.slice()
      this.worker.postMessage({ kind: 'run', id, batch: copy, dims: [...dims] } satisfies WorkerRequest, [copy.buffer])
    })
  }

  async release(): Promise<void> {
    if (this.failure) return
    await new Promise<void>((resolve) => {
      const onReply = (reply: WorkerReply): void => {
        if (reply.kind !== 'released') return
        this.worker.off('message', onReply)
        resolve()
      }
      this.worker.on('message', onReply)
      this.worker.postMessage({ kind: 'release' } satisfies WorkerRequest)
    })
    this.worker.removeAllListeners('exit')
    await this.worker.terminate()
  }
}

/** Starts the worker, which creates the ONNX runner; resolves when its session is ready (or rejects with its error). */
export async function createOnnxThreadRunner(modelPath: string, options: RunnerOptions): Promise<Runner> {
  const { worker, first: firstReply } = takePrestartedWorker(modelPath, options) ?? startOnnxWorker(modelPath, options)
  const first = await firstReply
  worker.removeAllListeners('error')
  worker.removeAllListeners('exit')
  if (first.kind === 'ready') return new OnnxThreadRunner(worker, first.info, first.input, first.outputs)
  await worker.terminate()
  throw first.kind === 'failed'
    ? deserializeError(first.error)
    : new Error(`ONNX worker thread: unexpected first reply '${first.kind}'`)
}
