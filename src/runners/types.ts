import type { ModelInputInfo } from '../card/resolve.js'
import type { PixelScale } from '../card/pixelTensor.js'

/** The devices a runner can be asked for (`--device`). */
export const DEVICES = ['cpu', 'gpu'] as const
export type Device = (typeof DEVICES)[number]
/** Every command that runs a model runs it on the CPU unless told otherwise. */
export const DEFAULT_DEVICE: Device = 'cpu'

/** The most tfjs worker threads started when --workers is not given (one per core up to this): each holds its own copy of the model. */
export const DEFAULT_TFJS_WORKERS_MAX = 8

/** The runners by name (`--runner`): `onnx` (onnxruntime-node), `tfjs` (TensorFlow.js). */
export const RUNNER_NAMES = ['onnx', 'tfjs'] as const

export interface RunnerOptions {
  device: Device
  /** Intra-op threads; undefined lets the engine choose. */
  threads?: number
  /** Engine graph optimisation level, recorded in results. */
  graphOptimization?: 'disabled' | 'basic' | 'extended' | 'all'
  /**
   * Run the engine off the main thread where the runner can (ONNX: in a child process, on a worker
   * thread there), so run() returns while the batch runs, and a batch stuck in native code can be
   * ended (batchTimeoutMs, abandon()).
   */
  offThread?: boolean
  /** Off the main thread: a batch running longer than this ends the engine and fails with a model error (exit 4). */
  batchTimeoutMs?: number
  /** false: the engine's idle threads sleep instead of spinning (set by the off-thread ONNX runner). */
  spinning?: boolean
  /**
   * tfjs on the CPU, off the main thread: worker threads, each with its own backend and copy of the
   * model, batches dealt round-robin (src/runners/tfjsPool.ts); 0 = on the main thread. Absent: one
   * per core. The other runners ignore it (their engines use the cores through --threads).
   */
  workers?: number
}

export interface RunnerInfo {
  /** `onnx`, `tfjs`. */
  name: string
  /** The engine that actually ran: `onnxruntime-node/cpu`, `tfjs/wasm`, ... */
  backend: string
  device: Device
  version: string
  threads?: number
  /** Worker threads that ran the model side by side, each with its own engine (tfjs); absent: one engine. */
  workers?: number
  graphOptimization?: string
  /** Fallbacks taken while creating the runner, each said out loud. */
  notes: string[]
}

export interface Runner {
  readonly info: RunnerInfo
  /** The model's image input (name and shape, symbolic dims as strings). */
  readonly input: ModelInputInfo
  /** The model's output names and shapes. */
  readonly outputs: ReadonlyArray<{ name: string; shape: ReadonlyArray<number | string> }>
  /** Runs one batch: `batch` holds dims.reduce(*) floats; returns the first output, row-major [N, classes]. */
  run(batch: Float32Array, dims: readonly number[]): Promise<Float32Array>
  /**
   * run() for a batch given as 8-bit pixels (`rows` images of the model's input size, one after
   * another) and the scale that makes them floats (src/card/pixelTensor.ts), where the runner makes
   * the floats itself, off this thread: the same scores as run() on pixelsToBatch(...). Absent:
   * the caller writes the floats and calls run().
   */
  runPixels?(
    pixels: Uint8Array,
    rows: number,
    scale: PixelScale,
    dims: readonly number[],
    batchRows?: number,
  ): Promise<Float32Array>
  /**
   * true where runPixels takes `batchRows`: the rows then run as consecutive inference calls of
   * `batchRows` rows (the last may have fewer), sent as one message and answered with their scores one
   * after another, the same as that many calls. Each message to an engine off the main thread costs its
   * threads wake-ups and its cache; robust sends its batches in groups (src/robust/robustLoop.ts).
   */
  readonly groupsBatches?: boolean
  release(): Promise<void>
  /**
   * Where the engine runs off the main thread: ends it at once, even inside native code; every call
   * in flight, and every later one, rejects with `reason`. Absent where the runner cannot.
   */
  abandon?(reason: Error): void
  /** Milliseconds the engine itself spent running batches so far, where it runs off the main thread (waits in its queue excluded; summed over its workers). */
  readonly busyMs?: number
  /** Calls the runner runs at the same time (its worker threads); a caller keeps that many in flight. Absent: 1. */
  readonly parallelCalls?: number
}

export interface RunnerFactory {
  name: string
  devices: Device[]
  /** Whether this runner can load this file at all (by format). */
  accepts(modelPath: string): boolean
  /** true, or the reason it cannot run here. */
  available(device: Device): Promise<true | string>
  /**
   * Whether create() finds out itself, elsewhere, if the engine runs (the ONNX runner process on the
   * CPU loads onnxruntime there): createRunner then skips available(), which would load the engine
   * on this thread too.
   */
  availableOnCreate?(options: RunnerOptions): boolean
  create(modelPath: string, options: RunnerOptions): Promise<Runner>
}
