import type { ModelInputInfo } from '../card/resolve.js'
import type { PixelScale } from '../card/pixelTensor.js'
import { FerbenchError } from '../base/errors.js'
import { deserializeError, type WorkerReply, type WorkerRequest } from './onnxThreadMessages.js'
import type { Runner, RunnerInfo } from './types.js'

/** Where the ONNX session runs: a worker thread (src/runners/onnxThread.ts) or a child process (src/runners/onnxProcess.ts). */
export interface SessionHost {
  /** Sends a request; `transfer` lists buffers the host may take over (a worker) or copy (a process). */
  post(request: WorkerRequest, transfer: ArrayBuffer[]): void
  /**
   * true when post() has copied the request's typed arrays by the time it returns (a process's IPC
   * channel serializes the message at once): run() then sends the caller's batch as it is, without
   * a copy of its own.
   */
  readonly copiesOnPost?: boolean
  onReply(listener: (reply: WorkerReply) => void): void
  offReply(listener: (reply: WorkerReply) => void): void
  /** Called once when the host ends or fails on its own. */
  onFailure(listener: (error: Error) => void): void
  /** Whether requests are outstanding: a child process keeps the event loop alive only then. */
  busy(waiting: boolean): void
  /** Ends the host at once, even while it is inside native code where it can be (a process: SIGKILL). */
  kill(): void
  /** Ends the host after a clean release. */
  close(): Promise<void>
  /** Words for messages: `onnxruntime child process 1234`, `tfjs worker thread 1 of 2`. */
  readonly name: string
}

/** The words of the limit in messages: `--batch-timeout 600 s`. */
export function batchTimeoutText(ms: number): string {
  return `--batch-timeout ${ms / 1000} s`
}

/**
 * The ONNX runner whose session runs elsewhere (src/runners/onnxWorker.ts owns it there): run()
 * copies the batch to the host and returns at once, so the caller can prepare the next batch while
 * this one runs; batches run in the order given. With a per-batch timeout, a batch that has been
 * at the head of the queue longer than the limit ends the host (its calls reject with a model
 * error naming the call and the limit); abandon() ends it at once.
 */
export class RemoteOnnxRunner implements Runner {
  private nextId = 0
  private readonly waiting = new Map<
    number,
    {
      resolve: (scores: Float32Array) => void
      reject: (error: Error) => void
      dims: number[]
      /** Inference calls in the message: its timer allows each of them the limit. */
      calls: number
      batchRows?: number
    }
  >()
  /** runPixels takes batchRows (src/runners/serveRunner.ts runs the group). */
  readonly groupsBatches = true
  private failure: Error | undefined
  private timer: NodeJS.Timeout | undefined
  /** Called once when the host fails or is abandoned (a release waiting for its reply ends then). */
  private readonly onFail: Array<() => void> = []
  /** Milliseconds the host spent in session.run so far (summed over its engines). */
  busyMs = 0
  /** The call whose timer runs (the oldest in flight), if any. */
  private timedId: number | undefined

  constructor(
    private readonly host: SessionHost,
    readonly info: RunnerInfo,
    readonly input: ModelInputInfo,
    readonly outputs: ReadonlyArray<{ name: string; shape: ReadonlyArray<number | string> }>,
    private readonly modelPath: string,
    private readonly batchTimeoutMs: number | undefined,
    /** Calls the host runs side by side (its engines). */
    readonly parallelCalls = 1,
  ) {
    host.onReply((reply) => {
      if (reply.kind !== 'scores' && reply.kind !== 'error') return
      this.busyMs += reply.busyMs
      const waiter = this.waiting.get(reply.id)
      this.waiting.delete(reply.id)
      this.armTimer()
      if (reply.kind === 'scores') waiter?.resolve(reply.scores)
      else waiter?.reject(deserializeError(reply.error))
    })
    host.onFailure((error) => this.fail(error))
  }

  /** Rejects every call in flight and every later one with `error`; the host is gone. */
  private fail(error: Error): void {
    if (this.failure) return
    this.failure = error
    clearTimeout(this.timer)
    this.timer = undefined
    this.timedId = undefined
    for (const waiter of this.waiting.values()) waiter.reject(error)
    this.waiting.clear()
    this.host.busy(false)
    for (const listener of this.onFail.splice(0)) listener()
  }

  /**
   * The timer of the oldest call in flight (running now), started when it reaches the head and kept
   * while it stays there (with several engines, younger calls may return first).
   */
  private armTimer(): void {
    const head = this.waiting.entries().next()
    this.host.busy(!head.done)
    if (!head.done && head.value[0] === this.timedId && this.timer !== undefined) return
    clearTimeout(this.timer)
    this.timer = undefined
    this.timedId = undefined
    if (head.done || this.batchTimeoutMs === undefined) return
    const [id, { dims, calls, batchRows }] = head.value
    this.timedId = id
    const limitMs = this.batchTimeoutMs * calls
    this.timer = setTimeout(() => {
      this.host.kill()
      this.fail(
        new FerbenchError(
          'model',
          `${this.modelPath}: inference call ${id + 1} (input [${dims.join(', ')}]${batchRows ? ` in ${calls} calls of up to ${batchRows} rows` : ''}) did not return within ${batchTimeoutText(limitMs)}; ` +
            `the ${this.host.name} running it was stopped. The model may loop without end on this batch, ` +
            'or the batch is too slow for this machine: lower --batch or raise --batch-timeout',
        ),
      )
    }, limitMs)
  }

  run(batch: Float32Array, dims: readonly number[]): Promise<Float32Array> {
    return this.send(dims, (id, copy) => {
      if (!copy) return [{ kind: 'run', id, batch, dims: [...dims] }, []]
      const sent = batch.slice()
      return [{ kind: 'run', id, batch: sent, dims: [...dims] }, [sent.buffer]]
    })
  }

  runPixels(
    pixels: Uint8Array,
    rows: number,
    scale: PixelScale,
    dims: readonly number[],
    batchRows?: number,
  ): Promise<Float32Array> {
    const group = batchRows !== undefined && dims[0]! > batchRows ? { batchRows } : {}
    return this.send(
      dims,
      (id, copy) => {
        if (!copy) return [{ kind: 'runPixels', id, pixels, rows, scale, dims: [...dims], ...group }, []]
        const sent = pixels.slice()
        return [{ kind: 'runPixels', id, pixels: sent, rows, scale, dims: [...dims], ...group }, [sent.buffer]]
      },
      group.batchRows,
    )
  }

  /** Queues one call; `request` builds its message, copying the caller's buffer when `copy` (the host does not copy on post). */
  private send(
    dims: readonly number[],
    request: (id: number, copy: boolean) => [WorkerRequest, ArrayBuffer[]],
    batchRows?: number,
  ): Promise<Float32Array> {
    if (this.failure) return Promise.reject(this.failure)
    const id = this.nextId++
    const calls = batchRows === undefined ? 1 : Math.ceil(dims[0]! / batchRows)
    return new Promise<Float32Array>((resolve, reject) => {
      this.waiting.set(id, {
        resolve,
        reject,
        dims: [...dims],
        calls,
        ...(batchRows === undefined ? {} : { batchRows }),
      })
      if (this.waiting.size === 1) this.armTimer()
      // The batch is copied now (by the host, or here and the copy handed over): the caller may refill its buffer at once.
      this.host.post(...request(id, !this.host.copiesOnPost))
    })
  }

  abandon(reason: Error): void {
    if (this.failure) return
    this.host.kill()
    this.fail(reason)
  }

  async release(): Promise<void> {
    if (this.failure) return
    // Released after the calls in flight have run (their timer still applies), or when the host fails meanwhile.
    const released = await new Promise<boolean>((resolve) => {
      const onReply = (reply: WorkerReply): void => {
        if (reply.kind !== 'released') return
        this.host.offReply(onReply)
        resolve(true)
      }
      this.onFail.push(() => resolve(false))
      this.host.onReply(onReply)
      this.host.busy(true)
      this.host.post({ kind: 'release' }, [])
    })
    if (!released) return
    this.failure = new Error('ONNX runner released')
    clearTimeout(this.timer)
    await this.host.close()
  }
}
