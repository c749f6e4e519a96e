import type * as tf from '@tensorflow/tfjs-core'
import type * as tfconv from '@tensorflow/tfjs-converter'
import type * as tfl from '@tensorflow/tfjs-layers'
import { messageOf, modelError } from '../base/errors.js'
import { fileLoadHandler, isTfjsModelPath, readTfjsModelJson, type TfjsModelKind } from './tfjsModelFile.js'
import { chooseTfjsBackend, packageVersion, tfjsBackendCandidates } from './tfjsBackends.js'
import { loadTfjs, loadTfjsGraph, type Tfjs } from './tfjsModule.js'
import { createTfjsPool, defaultTfjsWorkers } from './tfjsPool.js'
import type { Runner, RunnerFactory, RunnerInfo, RunnerOptions } from './types.js'

type Dim = number | string

/** tfjs marks an unknown dimension as null or -1; ferbench keeps -1 ("dynamic"). */
function tfjsShape(shape: ReadonlyArray<number | null> | undefined): Dim[] {
  return (shape ?? []).map((d) => (typeof d === 'number' && d >= 0 ? d : -1))
}

interface LoadedModel {
  kind: TfjsModelKind
  inputs: Array<{ name: string; shape: Dim[]; dtype: string }>
  outputs: Array<{ name: string; shape: Dim[]; dtype: string }>
  /** Runs the model on one input tensor and returns its first output (inside the caller's tidy). */
  forward(x: tf.Tensor): tf.Tensor
  dispose(): void
}

function firstTensor(core: Tfjs['core'], out: tf.Tensor | tf.Tensor[] | tf.NamedTensorMap): tf.Tensor {
  if (out instanceof core.Tensor) return out
  if (Array.isArray(out)) return out[0]!
  return Object.values(out)[0]!
}

interface SignatureEntry {
  name?: string
  dtype?: string
  tensorShape?: { dim?: Array<{ size?: string | number }> }
}

/** Node name → shape and dtype from a graph model's `signature` (TensorFlow SignatureDef JSON). */
function signatureTensors(signature: unknown): Map<string, { shape: Dim[]; dtype: string }> {
  const out = new Map<string, { shape: Dim[]; dtype: string }>()
  const sig = signature as
    | { inputs?: Record<string, SignatureEntry>; outputs?: Record<string, SignatureEntry> }
    | undefined
  for (const entry of [...Object.values(sig?.inputs ?? {}), ...Object.values(sig?.outputs ?? {})]) {
    if (!entry.name) continue
    const shape = (entry.tensorShape?.dim ?? []).map((d) => Number(d.size ?? -1)).map((d) => (d >= 0 ? d : -1))
    const dtype =
      entry.dtype === 'DT_FLOAT'
        ? 'float32'
        : entry.dtype === 'DT_INT32'
          ? 'int32'
          : (entry.dtype ?? 'unknown').toLowerCase()
    out.set(entry.name.replace(/:\d+$/, ''), { shape, dtype })
  }
  return out
}

/** Loads a graph or layers model.json and its shards from disk with ferbench's file IOHandler. */
export async function loadTfjsModel(modelPath: string): Promise<LoadedModel> {
  const { kind } = readTfjsModelJson(modelPath)
  const { core, converter: tfconv } = await loadTfjsGraph()
  if (kind === 'graph') {
    let model: tfconv.GraphModel
    try {
      model = await tfconv.loadGraphModel(fileLoadHandler(modelPath))
    } catch (error) {
      if (error instanceof Error && error.name === 'FerbenchError') throw error
      throw modelError(`${modelPath}: tfjs could not load it as a graph model: ${messageOf(error).split('\n')[0]}`)
    }
    // GraphDef nodes carry no shapes except on placeholders; the converter's signature has them.
    const signature = signatureTensors(readTfjsModelJson(modelPath).json.signature)
    const info = (t: tfconv.GraphModel['inputs'][number]) => {
      const fromSignature = signature.get(t.name)
      return {
        name: t.name,
        shape: t.shape ? tfjsShape(t.shape) : (fromSignature?.shape ?? []),
        dtype: t.dtype ? String(t.dtype) : (fromSignature?.dtype ?? 'unknown'),
      }
    }
    return {
      kind,
      inputs: model.inputs.map(info),
      outputs: model.outputs.map(info),
      forward: (x) => firstTensor(core, model.execute(x)),
      dispose: () => model.dispose(),
    }
  }
  const tfl = (await loadTfjs()).layers
  let model: tfl.LayersModel
  try {
    model = await tfl.loadLayersModel(fileLoadHandler(modelPath))
  } catch (error) {
    if (error instanceof Error && error.name === 'FerbenchError') throw error
    throw modelError(`${modelPath}: tfjs could not load it as a layers model: ${messageOf(error).split('\n')[0]}`)
  }
  return {
    kind,
    inputs: model.inputs.map((t) => ({ name: t.name, shape: tfjsShape(t.shape), dtype: String(t.dtype) })),
    outputs: model.outputs.map((t) => ({ name: t.name, shape: tfjsShape(t.shape), dtype: String(t.dtype) })),
    forward: (x) => firstTensor(core, model.predict(x, { batchSize: x.shape[0] ?? 1 })),
    dispose: () => model.dispose(),
  }
}

class TfjsRunner implements Runner {
  constructor(
    private readonly core: Tfjs['core'],
    private readonly model: LoadedModel,
    readonly info: RunnerInfo,
    private readonly modelPath: string,
  ) {}

  get input(): { name: string; shape: Dim[] } {
    return this.model.inputs[0]!
  }

  get outputs(): Array<{ name: string; shape: Dim[] }> {
    return this.model.outputs
  }

  async run(batch: Float32Array, dims: readonly number[]): Promise<Float32Array> {
    let y: tf.Tensor
    try {
      y = this.core.tidy(() => this.model.forward(this.core.tensor(batch, [...dims], 'float32')))
    } catch (error) {
      throw modelError(
        `${this.modelPath}: inference failed for input '${this.input.name}' with shape [${dims.join(', ')}] ` +
          `(model expects [${this.input.shape.join(', ')}]): ${messageOf(error).split('\n')[0]}`,
      )
    }
    try {
      if (y.dtype !== 'float32')
        throw modelError(`${this.modelPath}: output '${this.outputs[0]?.name}' is ${y.dtype}, expected float32 scores`)
      return (await y.data()) as Float32Array
    } finally {
      y.dispose()
    }
  }

  async release(): Promise<void> {
    this.model.dispose()
  }
}

export function tfjsVersion(): string {
  return packageVersion('@tensorflow/tfjs-core') ?? 'unknown'
}

export const tfjsRunnerFactory: RunnerFactory = {
  name: 'tfjs',
  devices: ['cpu', 'gpu'],
  accepts: (modelPath) => isTfjsModelPath(modelPath),
  async available(device) {
    const packages = tfjsBackendCandidates(device).map((c) => c.packageName)
    const present = packages.filter((p) => packageVersion(p) !== undefined)
    return present.length > 0 ? true : `none of ${packages.join(', ')} is installed`
  },
  async create(modelPath: string, options: RunnerOptions) {
    // Read the JSON first so a bad file is a model error (exit 4) before any backend question.
    readTfjsModelJson(modelPath)
    const pool = await poolOrWhyNot(modelPath, options)
    if (pool !== undefined && typeof pool !== 'string') return pool
    const chosen = await chooseTfjsBackend(options.device, options.threads)
    const model = await loadTfjsModel(modelPath)
    if (model.inputs.length !== 1) {
      model.dispose()
      throw modelError(
        `${modelPath}: expected one image input, found ${model.inputs.length} (${model.inputs.map((i) => i.name).join(', ')})`,
      )
    }
    const info: RunnerInfo = {
      name: 'tfjs',
      backend: chosen.candidate.label,
      device: options.device,
      version: tfjsVersion(),
      notes: typeof pool === 'string' ? [pool, ...chosen.notes] : chosen.notes,
      ...(chosen.threads !== undefined ? { threads: chosen.threads } : {}),
    }
    return new TfjsRunner((await loadTfjsGraph()).core, model, info, modelPath)
  },
}

/**
 * Off the main thread on the CPU (eval, robust): the worker pool (src/runners/tfjsPool.ts), as
 * many workers as --workers says (default one per core). Returns undefined where the main thread
 * runs as asked, or the note announcing why the pool could not be used.
 */
async function poolOrWhyNot(modelPath: string, options: RunnerOptions): Promise<Runner | string | undefined> {
  const asked = options.workers
  if (asked === 0 || (asked === undefined && !options.offThread)) return undefined
  const workers = asked ?? defaultTfjsWorkers()
  if (options.device !== 'cpu')
    return asked === undefined
      ? undefined
      : `--workers ${asked}: the tfjs runner uses worker threads on the CPU only; --device ${options.device} runs on the main thread`
  if (packageVersion('@tensorflow/tfjs-node') !== undefined)
    return asked === undefined
      ? undefined
      : `--workers ${asked}: tfjs/tensorflow (@tensorflow/tfjs-node) uses every core itself; running it on the main thread`
  const pool = await createTfjsPool(modelPath, options, workers)
  if ('unavailable' in pool)
    return `tfjs: ${workers} worker thread(s) could not start (${pool.unavailable}); running on the main thread`
  return pool
}
