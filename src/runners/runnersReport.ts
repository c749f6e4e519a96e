import { onnxRuntimeVersion } from './onnx.js'
import { CUDA_INSTALL_HINT, probeProvider } from './onnxDevices.js'
import { runnerFactories } from './registry.js'
import { tfjsVersion } from './tfjs.js'
import { probeTfjsBackends } from './tfjsBackends.js'
import type { Device } from './types.js'

export interface BackendStatus {
  /** What `runner.backend` says when this one runs. */
  backend: string
  device: Device
  available: boolean
  /** Why not, and what to install, when unavailable. */
  reason?: string
}

export interface RunnerStatus {
  name: string
  version: string
  /** The model files it reads. */
  accepts: string
  /** Backends in the order the runner tries them, per device. */
  backends: BackendStatus[]
}

const RUNNERS_SCHEMA = 'ferbench/runners@1'

export interface RunnersReport {
  schema: typeof RUNNERS_SCHEMA
  runners: RunnerStatus[]
}

const status = (backend: string, device: Device, ok: true | string, hint?: string): BackendStatus =>
  ok === true
    ? { backend, device, available: true }
    : { backend, device, available: false, reason: hint ? `${ok}; ${hint}` : ok }

/** Every runner, backend and device, each tried for real (a session or backend start), with the reason when unavailable. */
export async function runnersReport(): Promise<RunnersReport> {
  const runners: RunnerStatus[] = []
  for (const factory of runnerFactories()) {
    if (factory.name === 'onnx') {
      runners.push({
        name: 'onnx',
        version: `onnxruntime-node ${onnxRuntimeVersion()}`,
        accepts: '*.onnx',
        backends: [
          status('onnxruntime-node/cpu', 'cpu', await probeProvider('cpu')),
          status('onnxruntime-node/cuda', 'gpu', await probeProvider('cuda'), `install: ${CUDA_INSTALL_HINT}`),
          status(
            'onnxruntime-node/webgpu',
            'gpu',
            await probeProvider('webgpu'),
            'needs a GPU driver with Vulkan (Linux) or D3D12/Metal',
          ),
        ],
      })
    } else if (factory.name === 'tfjs') {
      const backends: BackendStatus[] = []
      for (const device of ['cpu', 'gpu'] as const) {
        for (const probe of await probeTfjsBackends(device)) {
          const hint = probe.candidate.packageName.startsWith('@tensorflow/tfjs-node')
            ? `install with \`npm install ${probe.candidate.packageName}\`${device === 'gpu' ? ' (needs CUDA and cuDNN)' : ''}; its install downloads libtensorflow`
            : undefined
          backends.push(status(probe.candidate.label, device, probe.available, hint))
        }
      }
      runners.push({
        name: 'tfjs',
        version: `@tensorflow/tfjs-core ${tfjsVersion()}`,
        accepts: 'model.json (graph or layers model) + weight shards',
        backends,
      })
    } else {
      const backends: BackendStatus[] = []
      for (const device of factory.devices)
        backends.push(status(`${factory.name}/${device}`, device, await factory.available(device)))
      runners.push({ name: factory.name, version: 'unknown', accepts: 'see the runner', backends })
    }
  }
  return { schema: RUNNERS_SCHEMA, runners }
}
