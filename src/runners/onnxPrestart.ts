import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { WorkerReply } from './onnxThreadMessages.js'
import type { RunnerOptions } from './types.js'

/** The compiled worker entry beside this module; from the TypeScript sources (tests), the built one in dist/. */
export function onnxWorkerEntry(): URL {
  const sibling = new URL('./onnxWorker.js', import.meta.url)
  return existsSync(fileURLToPath(sibling)) ? sibling : new URL('../../dist/runners/onnxWorker.js', import.meta.url)
}

/** A worker thread and its first reply ('ready' with the session, or 'failed'), listened for from its start. */
export interface StartedWorker {
  worker: Worker
  first: Promise<WorkerReply>
}

/** Starts the ONNX worker for a model: it loads onnxruntime and creates the session at once. */
export function startOnnxWorker(modelPath: string, options: RunnerOptions): StartedWorker {
  const worker = new Worker(onnxWorkerEntry(), { workerData: { modelPath, options } })
  const first = new Promise<WorkerReply>((resolve, reject) => {
    worker.once('message', resolve)
    worker.once('error', reject)
    worker.once('exit', (code) =>
      reject(new Error(`ONNX worker thread exited (code ${code}) before its session was ready`)),
    )
  })
  first.catch(() => undefined) // read (and thrown) by whoever takes the worker
  return { worker, first }
}

const keyOf = (modelPath: string, o: RunnerOptions): string =>
  JSON.stringify([
    path.resolve(modelPath),
    o.device,
    o.threads ?? null,
    o.graphOptimization ?? null,
    o.spinning ?? null,
  ])

let early: { key: string; started: StartedWorker } | undefined

/**
 * `ferbench eval` on an ONNX model on the CPU starts its worker before the command's modules load
 * (bin/run.js), so onnxruntime's load and the session's creation overlap them. The worker does not
 * keep the process alive until the eval takes it; a run that asks for another model or other
 * options ends it and starts its own, so the result never depends on this.
 */
export function prestartOnnxWorker(modelPath: string, options: RunnerOptions): void {
  const started = startOnnxWorker(modelPath, options)
  started.worker.unref()
  early = { key: keyOf(modelPath, options), started }
}

/** The worker started early for exactly this model and these options, if any (once); any other is ended. */
export function takePrestartedWorker(modelPath: string, options: RunnerOptions): StartedWorker | undefined {
  const found = early
  early = undefined
  if (!found) return undefined
  if (found.key !== keyOf(modelPath, options)) {
    void found.started.worker.terminate()
    return undefined
  }
  found.started.worker.ref()
  return found.started
}
