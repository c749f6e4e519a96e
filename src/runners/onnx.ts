import { createRequire } from 'node:module'
import type * as ort from 'onnxruntime-node'
import { modelError, runnerError, messageOf } from '../base/errors.js'
import { requireModelFile } from '../base/inputFile.js'
import { CUDA_INSTALL_HINT, providerPrerequisite } from './onnxDevices.js'
import { loadOnnxRuntime, type OnnxRuntime } from './onnxModule.js'
import { createOnnxProcessRunner } from './onnxProcess.js'
import type { Runner, RunnerFactory, RunnerInfo, RunnerOptions } from './types.js'

const require = createRequire(import.meta.url)

export function onnxRuntimeVersion(): string {
  return (require('onnxruntime-node/package.json') as { version: string }).version
}

type Dim = number | string

function tensorShape(meta: ort.InferenceSession.ValueMetadata): Dim[] {
  if (!meta.isTensor) return []
  return meta.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : String(d)))
}

class OnnxRunner implements Runner {
  constructor(
    private readonly runtime: OnnxRuntime,
    private readonly session: ort.InferenceSession,
    readonly info: RunnerInfo,
    readonly input: { name: string; shape: Dim[] },
    readonly outputs: Array<{ name: string; shape: Dim[] }>,
    private readonly modelPath: string,
  ) {}

  async run(batch: Float32Array, dims: readonly number[]): Promise<Float32Array> {
    const tensor = new this.runtime.Tensor('float32', batch, dims)
    let result: ort.InferenceSession.OnnxValueMapType
    try {
      result = await this.session.run({ [this.input.name]: tensor })
    } catch (error) {
      throw modelError(
        `${this.modelPath}: inference failed for input '${this.input.name}' with shape [${dims.join(', ')}] ` +
          `(model expects [${this.input.shape.join(', ')}]): ${messageOf(error)}`,
      )
    }
    const first = result[this.outputs[0]!.name] as ort.Tensor
    if (first.type !== 'float32')
      throw modelError(`${this.modelPath}: output '${this.outputs[0]!.name}' is ${first.type}, expected float32 scores`)
    return first.data as Float32Array
  }

  async release(): Promise<void> {
    await this.session.release()
  }
}

async function createSession(
  modelPath: string,
  options: RunnerOptions,
): Promise<{ session: ort.InferenceSession; backend: string; notes: string[] }> {
  const base: ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: options.graphOptimization ?? 'all',
    // Off the main thread, idle engine threads sleep instead of spinning: the main thread needs the cores meanwhile.
    ...(options.spinning === false
      ? { extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } } }
      : {}),
    ...(options.threads !== undefined ? { intraOpNumThreads: options.threads } : {}),
  }
  const ort = await loadOnnxRuntime()
  const notes: string[] = []
  if (options.device === 'cpu') {
    return {
      session: await ort.InferenceSession.create(modelPath, { ...base, executionProviders: ['cpu'] }),
      backend: 'onnxruntime-node/cpu',
      notes,
    }
  }
  const failures: string[] = []
  for (const provider of ['cuda', 'webgpu'] as const) {
    // Checked first: asking onnxruntime for a provider that cannot start prints native errors on stderr.
    const ready = providerPrerequisite(ort, provider)
    if (ready !== true) {
      failures.push(`${provider}: ${ready}`)
      continue
    }
    try {
      const session = await ort.InferenceSession.create(modelPath, { ...base, executionProviders: [provider] })
      if (failures.length > 0) notes.push(`GPU: ${failures.join('; ')}; using ${provider}`)
      return { session, backend: `onnxruntime-node/${provider}`, notes }
    } catch (error) {
      const message = messageOf(error)
      failures.push(
        `${provider}: ${/Failed to get a WebGPU adapter[^.\n]*/.exec(message)?.[0] ?? message.split('\n')[0]}`,
      )
    }
  }
  throw runnerError(
    `--device gpu: no GPU execution provider could start (${failures.join('; ')}). ` +
      `To run on an NVIDIA GPU install the CUDA provider: ${CUDA_INSTALL_HINT}; ` +
      'or make a WebGPU adapter available (GPU driver with Vulkan), or use --device cpu.',
  )
}

export const onnxRunnerFactory: RunnerFactory = {
  name: 'onnx',
  devices: ['cpu', 'gpu'],
  accepts: (modelPath) => /\.onnx$/i.test(modelPath),
  async available(device) {
    const backends = (await loadOnnxRuntime()).listSupportedBackends().map((b) => b.name)
    if (device === 'cpu') return backends.includes('cpu') ? true : 'onnxruntime-node has no cpu backend in this build'
    const gpu = backends.filter((b) => b === 'cuda' || b === 'webgpu')
    return gpu.length > 0 ? true : `no GPU provider in this onnxruntime-node build (has: ${backends.join(', ')})`
  },
  // The runner process loads onnxruntime (every build has the CPU provider) and says why when it cannot.
  availableOnCreate: (options) => options.offThread === true && options.device === 'cpu',
  async create(modelPath, options) {
    requireModelFile(modelPath, 'an ONNX model file')
    if (options.offThread) return createOnnxProcessRunner(modelPath, { ...options, offThread: false, spinning: false })
    let created: Awaited<ReturnType<typeof createSession>>
    try {
      created = await createSession(modelPath, options)
    } catch (error) {
      if (error instanceof Error && error.name === 'FerbenchError') throw error
      throw modelError(
        `${modelPath}: onnxruntime could not load it as an ONNX model: ${messageOf(error).split('\n')[0]}`,
      )
    }
    const { session, backend, notes } = created
    const inputs = session.inputMetadata.filter((m) => m.isTensor)
    if (inputs.length !== 1) {
      throw modelError(
        `${modelPath}: expected one image input, found ${inputs.length} (${session.inputNames.join(', ')})`,
      )
    }
    const inputMeta = inputs[0]!
    const outputs = session.outputMetadata.map((m) => ({ name: m.name, shape: tensorShape(m) }))
    const info: RunnerInfo = {
      name: 'onnx',
      backend,
      device: options.device,
      version: onnxRuntimeVersion(),
      graphOptimization: options.graphOptimization ?? 'all',
      notes,
      ...(options.threads !== undefined ? { threads: options.threads } : {}),
    }
    return new OnnxRunner(
      await loadOnnxRuntime(),
      session,
      info,
      { name: inputMeta.name, shape: tensorShape(inputMeta) },
      outputs,
      modelPath,
    )
  },
}
