import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { messageOf } from '../core/errors.js'
import { OnnxGraphBuilder } from '../models/onnxBuilder.js'
import { loadOnnxRuntime, type OnnxRuntime } from './onnxModule.js'

const require = createRequire(import.meta.url)

/** What to run to get the CUDA execution provider (the package skips the download by default here, see .npmrc). */
export const CUDA_INSTALL_HINT = 'npm rebuild onnxruntime-node --onnxruntime-node-install=cuda12 (needs an NVIDIA GPU, CUDA 12 + cuDNN 9, and network)'

/** The folder onnxruntime-node loads its native binding and provider libraries from. */
export function onnxBinDir(): string {
  return path.join(path.dirname(require.resolve('onnxruntime-node/package.json')), 'bin', 'napi-v6', process.platform, process.arch)
}

/** true when the CUDA provider's shared libraries are installed, else why not (checked before asking onnxruntime, which prints native errors). */
export function cudaProviderInstalled(ort: OnnxRuntime): true | string {
  if (!ort.listSupportedBackends().some((b) => b.name === 'cuda')) return 'this onnxruntime-node build has no CUDA provider'
  if (process.platform !== 'linux' && process.platform !== 'win32') return `no CUDA provider for ${process.platform}`
  const lib = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so'
  const dir = onnxBinDir()
  return existsSync(path.join(dir, lib)) ? true : `CUDA provider binaries are not installed (${lib} not in ${dir})`
}

/** A 1-node model used to ask whether an execution provider can start a session here. */
function probeModel(): Uint8Array {
  const g = new OnnxGraphBuilder('ferbench_probe')
  const x = g.input('x', [1, 1])
  g.output(g.node('Relu', [x], {}, 'y'), [1, 1])
  return g.build('ferbench execution-provider probe')
}

/** Tries to start a session on one provider; true or the first line of why it cannot. */
export async function probeProvider(provider: 'cpu' | 'cuda' | 'webgpu'): Promise<true | string> {
  const ort = await loadOnnxRuntime()
  if (provider === 'cuda') {
    const installed = cudaProviderInstalled(ort)
    if (installed !== true) return installed
  }
  if (provider === 'webgpu' && !ort.listSupportedBackends().some((b) => b.name === 'webgpu')) return 'this onnxruntime-node build has no WebGPU provider'
  try {
    const session = await ort.InferenceSession.create(probeModel(), { executionProviders: [provider] })
    await session.release()
    return true
  } catch (error) {
    const message = messageOf(error)
    return `${provider} execution provider failed to start: ${/Failed to get a WebGPU adapter[^.\n]*/.exec(message)?.[0] ?? message.split('\n')[0]}`
  }
}
