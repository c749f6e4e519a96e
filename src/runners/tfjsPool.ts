import { availableParallelism } from 'node:os'
import path from 'node:path'
import { Worker } from 'node:worker_threads'
import { FerbenchError, messageOf } from '../base/errors.js'
import { builtSibling } from './onnxThread.js'
import { packageVersion } from './tfjsBackends.js'
import { deserializeError, type WorkerReply } from './onnxThreadMessages.js'
import { RemoteOnnxRunner, type SessionHost } from './onnxRemote.js'
import { DEFAULT_TFJS_WORKERS_MAX, type Runner, type RunnerInfo, type RunnerOptions } from './types.js'
import type { PixelScale } from '../card/pixelTensor.js'

/** Worker threads when --workers is not given: one per core this process may use, at most DEFAULT_TFJS_WORKERS_MAX. */
export function defaultTfjsWorkers(): number {
  return Math.min(availableParallelism(), DEFAULT_TFJS_WORKERS_MAX)
}

function threadHost(worker: Worker, name: string): SessionHost {
  let killed = false
  return {
    name,
    post: (request, transfer) => worker.postMessage(request, transfer),
    onReply: (listener) => worker.on('message', listener),
    offReply: (listener) => worker.off('message', listener),
    onFailure: (listener) => {
      worker.once('error', (error) => listener(new Error(`${name} failed: ${error.message}`)))
      worker.once('exit', (code) => listener(new Error(`${name} exited (code ${code}) while a batch was running`)))
    },
    // An idle worker must not keep ferbench alive; one with a batch in flight must.
    busy: (waiting) => (waiting ? worker.ref() : worker.unref()),
    kill: () => {
      if (killed) return
      killed = true
      void worker.terminate()
    },
    close: async () => {
      worker.removeAllListeners('exit')
      worker.removeAllListeners('error')
      await worker.terminate()
    },
  }
}

type StartedWorker = { worker: Worker; first: WorkerReply }

/** Starts one worker (src/runners/tfjsWorker.ts) and waits for its first reply: ready, or the error that stopped it. */
async function startWorker(
  modelPath: string,
  options: RunnerOptions,
  name: string,
  onCreated?: (worker: Worker) => void,
): Promise<StartedWorker> {
  // What the worker's own (main-thread style) runner needs; the rest is this side's.
  const engine: RunnerOptions = {
    device: options.device,
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
  }
  const worker = new Worker(builtSibling('tfjsWorker.js'), { workerData: { modelPath, options: engine } })
  onCreated?.(worker)
  const first = await new Promise<WorkerReply>((resolve) => {
    worker.once('message', resolve)
    worker.once('error', (error) => resolve({ kind: 'failed', error: { message: `${name} failed: ${error.message}` } }))
    worker.once('exit', (code) =>
      resolve({ kind: 'failed', error: { message: `${name} exited (code ${code}) before its model was loaded` } }),
    )
  })
  worker.removeAllListeners('message')
  worker.removeAllListeners('error')
  worker.removeAllListeners('exit')
  return { worker, first }
}

const workerNames = (workers: number): string[] =>
  Array.from({ length: workers }, (_, i) => `tfjs worker thread ${i + 1} of ${workers}`)

const keyOf = (modelPath: string, options: RunnerOptions, workers: number): string =>
  JSON.stringify([path.resolve(modelPath), options.device, options.threads ?? null, workers])

let early: { key: string; workers: Worker[]; started: Array<Promise<StartedWorker>> } | undefined

/**
 * `ferbench eval` on a tfjs model on the CPU starts its worker threads before the command's modules
 * load (bin/run.js), so each worker's tfjs import and model load overlap them. They do not keep
 * ferbench alive until the eval takes them; a run that asks for another model, other options or
 * another number of workers ends them and starts its own, so the result never depends on this.
 */
export function prestartTfjsPool(modelPath: string, options: RunnerOptions, workers = defaultTfjsWorkers()): void {
  if (packageVersion('@tensorflow/tfjs-node') !== undefined) return // tfjs/tensorflow runs on the main thread
  const created: Worker[] = []
  const started = workerNames(workers).map((name) =>
    startWorker(modelPath, options, name, (worker) => {
      worker.unref()
      created.push(worker)
    }),
  )
  for (const s of started) s.catch(() => undefined) // read (and thrown) by whoever takes them
  early = { key: keyOf(modelPath, options, workers), workers: created, started }
}

/** The workers started early for exactly this model, these options and this many workers, if any (once); any others are ended. */
function takePrestarted(
  modelPath: string,
  options: RunnerOptions,
  workers: number,
): Array<Promise<StartedWorker>> | undefined {
  const found = early
  early = undefined
  if (!found) return undefined
  if (found.key !== keyOf(modelPath, options, workers)) {
    for (const w of found.workers) void w.terminate()
    return undefined
  }
  for (const w of found.workers) w.ref()
  return found.started
}

/**
 * The tfjs runner on N worker threads, each with its own backend and copy of the model: run()
 * copies the batch to the next worker in turn (round-robin) and returns at once, so N batches run
 * at the same time (tfjs's wasm backend runs on one thread in Node, so this is how it uses several
 * cores). Each call's scores come from the one worker that ran it, so the scores of a batch do not
 * depend on N. busyMs sums the workers' engine time.
 */
class TfjsPoolRunner implements Runner {
  private next = 0

  constructor(
    private readonly members: RemoteOnnxRunner[],
    readonly info: RunnerInfo,
  ) {}

  get input(): Runner['input'] {
    return this.members[0]!.input
  }

  get outputs(): Runner['outputs'] {
    return this.members[0]!.outputs
  }

  get parallelCalls(): number {
    return this.members.length
  }

  get busyMs(): number {
    return this.members.reduce((sum, m) => sum + m.busyMs, 0)
  }

  run(batch: Float32Array, dims: readonly number[]): Promise<Float32Array> {
    const member = this.members[this.next]!
    this.next = (this.next + 1) % this.members.length
    return member.run(batch, dims)
  }

  runPixels(pixels: Uint8Array, rows: number, scale: PixelScale, dims: readonly number[]): Promise<Float32Array> {
    const member = this.members[this.next]!
    this.next = (this.next + 1) % this.members.length
    return member.runPixels(pixels, rows, scale, dims)
  }

  abandon(reason: Error): void {
    for (const m of this.members) m.abandon(reason)
  }

  async release(): Promise<void> {
    await Promise.all(this.members.map((m) => m.release()))
  }
}

/**
 * Creates the tfjs worker pool, or returns why it could not start (the caller then runs on the
 * main thread and says so). A model or runner error of a worker (a bad model.json, no backend) is
 * thrown as it is: the main thread would fail the same way.
 */
export async function createTfjsPool(
  modelPath: string,
  options: RunnerOptions,
  workers: number,
): Promise<Runner | { unavailable: string }> {
  const names = workerNames(workers)
  let started: StartedWorker[]
  try {
    started = await Promise.all(
      takePrestarted(modelPath, options, workers) ?? names.map((name) => startWorker(modelPath, options, name)),
    )
  } catch (error) {
    return { unavailable: `worker threads could not start: ${messageOf(error).split('\n')[0]}` }
  }
  const failed = started.find((s) => s.first.kind !== 'ready')
  if (failed) {
    await Promise.all(started.map((s) => s.worker.terminate()))
    const error = failed.first.kind === 'failed' ? deserializeError(failed.first.error) : new Error('no ready reply')
    if (error instanceof FerbenchError) throw error
    return { unavailable: messageOf(error).split('\n')[0]! }
  }
  const members = started.map(({ worker, first }, i) => {
    if (first.kind !== 'ready') throw new Error('unreachable: every worker replied ready')
    const host = threadHost(worker, names[i]!)
    host.busy(false)
    return new RemoteOnnxRunner(host, first.info, first.input, first.outputs, modelPath, options.batchTimeoutMs)
  })
  const first = members[0]!.info
  // Every worker announces the same fallbacks: say each once.
  const notes = [...new Set(members.flatMap((m) => m.info.notes))]
  return new TfjsPoolRunner(members, { ...first, notes, workers })
}
