import { statSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import type { RunnerOptions } from './types.js'

/** Sessions the ONNX runner process runs side by side at most (each on its own worker thread). */
const MAX_ENGINES = 4
/** Above this model size the runner process holds one session only (each engine holds its own copy of the weights). */
export const MAX_SPLIT_MODEL_BYTES = 32 * 2 ** 20

/**
 * How the ONNX runner process (src/runners/onnxProcessEntry.ts) lays out its sessions: `engines`
 * sessions on their own worker threads, each with `threads` intra-op threads (undefined: onnxruntime's
 * default, every core). A small CPU model without --threads runs as one session per core (at most
 * MAX_ENGINES, the cores shared out among them): batches of a small CNN are too small to split well
 * across threads inside one call, and whole batches side by side keep every core busy without that
 * overhead. The scores do not depend on it (onnxruntime's CPU kernels give the same floats whatever
 * their thread count; tests/runners/onnxEngines.test.ts compares them). --threads, a GPU, a model
 * over MAX_SPLIT_MODEL_BYTES or a one-core machine keep one session as asked.
 */
export function engineLayout(
  modelPath: string,
  options: RunnerOptions,
  cores = availableParallelism(),
): { engines: number; threads: number | undefined } {
  const one = { engines: 1, threads: options.threads }
  if (options.device !== 'cpu' || options.threads !== undefined || cores < 2) return one
  let bytes: number
  try {
    bytes = statSync(modelPath).size
  } catch {
    return one // the session's own creation names the problem
  }
  if (bytes > MAX_SPLIT_MODEL_BYTES) return one
  const engines = Math.min(cores, MAX_ENGINES)
  return { engines, threads: Math.floor(cores / engines) }
}

/** When the other engines of a layout start (extraEnginesDue). */
export interface ExtraEnginesRule {
  /** Engine 0's busy time after which they start while its backlog is at least `backlog` calls. */
  afterBusyMs: number
  /** Engine 0's busy time after which they start whatever its backlog. */
  afterLoneBusyMs: number
  /** Calls waiting behind the one engine 0 runs that make a backlog. */
  backlog: number
}

/**
 * Each extra engine costs a worker thread, a session and its first batches' memory (about a tenth
 * of a second of CPU for a small CNN), paid back only by a run long enough to use it. A caller that
 * queues many calls ahead (robust) gets them once engine 0 has been busy 100 ms; one that keeps only
 * a few in flight (eval: one or two per engine) once engine 0 has been busy 600 ms, since an eval of
 * a few thousand small images ends sooner, and with less CPU, on one engine than on two
 * (docs/performance.md).
 */
export const EXTRA_ENGINES: ExtraEnginesRule = { afterBusyMs: 100, afterLoneBusyMs: 600, backlog: 4 }

/** Whether the other engines start now: engine 0 has been busy `firstBusyMs` and has `queued` calls waiting. */
export function extraEnginesDue(firstBusyMs: number, queued: number, rule: ExtraEnginesRule = EXTRA_ENGINES): boolean {
  return firstBusyMs >= (queued >= rule.backlog ? rule.afterBusyMs : rule.afterLoneBusyMs)
}
