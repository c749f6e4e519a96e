import { Flags } from '@oclif/core'
import { LIMITS } from '../../base/limits.js'
import { DEFAULT_BATCH } from '../../engine/spec.js'
import { DEFAULT_DEVICE, DEFAULT_TFJS_WORKERS_MAX, DEVICES, RUNNER_NAMES } from '../../runners/types.js'

/** --device: cpu (default) or gpu; typed `Device` by its options. */
export const deviceFlag = Flags.option({ description: 'device to run on', options: DEVICES, default: DEFAULT_DEVICE })

/** --runner: onnx or tfjs; absent = chosen from the model file type. */
export const runnerFlag = Flags.option({
  description: 'runner (default: chosen from the model file type)',
  options: RUNNER_NAMES,
})

/** --batch (-b): samples per inference call, 1–LIMITS.batch, default 32. */
export function batchFlag(description = `samples per inference call (1–${LIMITS.batch})`) {
  return Flags.integer({ char: 'b', description, default: DEFAULT_BATCH, min: 1, max: LIMITS.batch })
}

/** --threads: the runner's intra-op threads, 1–LIMITS.threads; absent = the engine decides. */
export function threadsFlag(
  description = `intra-op threads for the runner, 1–${LIMITS.threads} (default: engine decides)`,
) {
  return Flags.integer({ description, min: 1, max: LIMITS.threads })
}

/** Seconds one inference call may run when --batch-timeout is not given (generous: a large model and batch on a slow CPU). */
export const DEFAULT_BATCH_TIMEOUT_S = 600

/** --batch-timeout: seconds one inference call (one batch) may run, 1–LIMITS.batchTimeoutS. */
export const batchTimeoutFlag = Flags.integer({
  description:
    `seconds one inference call (one batch) may run before the run stops with exit 4 naming the call (1–${LIMITS.batchTimeoutS}); ` +
    'ONNX on the CPU and tfjs on worker threads, where the model runs in a child process or worker thread that can be stopped',
  default: DEFAULT_BATCH_TIMEOUT_S,
  min: 1,
  max: LIMITS.batchTimeoutS,
})

/** --workers: tfjs on the CPU, worker threads each running its own copy of the model; absent = one per core. */
export const workersFlag = Flags.integer({
  description:
    `tfjs runner on the CPU: worker threads, each with its own backend and copy of the model, batches dealt in turn (0 = the main thread, max ${LIMITS.workers}; default: one per core, at most ${DEFAULT_TFJS_WORKERS_MAX}); ` +
    'results are identical for every value; the ONNX runner ignores it (--threads)',
  min: 0,
  max: LIMITS.workers,
})

/** How the model runs, as eval and robust take it: batch, threads, device, runner, batch timeout, workers. */
export const runnerFlags = {
  batch: batchFlag(),
  threads: threadsFlag(),
  device: deviceFlag(),
  runner: runnerFlag(),
  'batch-timeout': batchTimeoutFlag,
  workers: workersFlag,
}
