import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { messageOf } from '../base/errors.js'
import { loadOnnxRuntime, type OnnxRuntime } from './onnxModule.js'

const require = createRequire(import.meta.url)

/**
 * What to run to get the CUDA execution provider. package.json's allowScripts keeps onnxruntime-node's
 * install script (which downloads these binaries) from running; docs/runners.md "GPU" explains.
 */
export const CUDA_INSTALL_HINT =
  'ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js (in the folder holding node_modules; needs Linux x64, an NVIDIA GPU, CUDA 12 + cuDNN 9, and network; see docs/runners.md)'

/** The folder onnxruntime-node loads its native binding and provider libraries from. */
function onnxBinDir(): string {
  return path.join(
    path.dirname(require.resolve('onnxruntime-node/package.json')),
    'bin',
    'napi-v6',
    process.platform,
    process.arch,
  )
}

/** true when the CUDA provider's shared libraries are installed, else why not (checked before asking onnxruntime, which prints native errors). */
function cudaProviderInstalled(ort: OnnxRuntime): true | string {
  if (!ort.listSupportedBackends().some((b) => b.name === 'cuda'))
    return 'this onnxruntime-node build has no CUDA provider'
  if (process.platform !== 'linux' && process.platform !== 'win32') return `no CUDA provider for ${process.platform}`
  const lib = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so'
  const dir = onnxBinDir()
  return existsSync(path.join(dir, lib)) ? true : `CUDA provider binaries are not installed (${lib} not in ${dir})`
}

/**
 * true when the WebGPU provider can look for an adapter here, else why not. On Linux it runs on
 * Vulkan: without the Vulkan loader, asking onnxruntime prints a native "Couldn't load Vulkan"
 * warning on stderr and then fails, so the loader is looked up first with the system's dynamic
 * loader (process.dlopen: "did not self-register" means the library loaded, it is just not a Node addon).
 */
function webgpuPrerequisite(ort: OnnxRuntime): true | string {
  if (!ort.listSupportedBackends().some((b) => b.name === 'webgpu'))
    return 'this onnxruntime-node build has no WebGPU provider'
  if (process.platform !== 'linux') return true
  try {
    process.dlopen({ exports: {} }, 'libvulkan.so.1')
  } catch (error) {
    if (/cannot open shared object/.test(messageOf(error)))
      return 'the Vulkan loader (libvulkan.so.1) is not installed (WebGPU on Linux runs on Vulkan)'
  }
  return true
}

/** true when `provider` may be asked to start a session here, else why not (native errors avoided). */
export function providerPrerequisite(ort: OnnxRuntime, provider: 'cpu' | 'cuda' | 'webgpu'): true | string {
  if (provider === 'cuda') return cudaProviderInstalled(ort)
  if (provider === 'webgpu') return webgpuPrerequisite(ort)
  return true
}

/** A 1-node model used to ask whether an execution provider can start a session here (the ONNX writer is imported only for it). */
async function probeModel(): Promise<Uint8Array> {
  const { OnnxGraphBuilder } = await import('./onnxBuilder.js')
  const g = new OnnxGraphBuilder('ferbench_probe')
  const x = g.input('x', [1, 1])
  g.output(g.node('Relu', [x], {}, 'y'), [1, 1])
  return g.build('ferbench execution-provider probe')
}

/** Tries to start a session on one provider; true or the first line of why it cannot. */
export async function probeProvider(provider: 'cpu' | 'cuda' | 'webgpu'): Promise<true | string> {
  const ort = await loadOnnxRuntime()
  const ready = providerPrerequisite(ort, provider)
  if (ready !== true) return ready
  try {
    const session = await ort.InferenceSession.create(await probeModel(), { executionProviders: [provider] })
    await session.release()
    return true
  } catch (error) {
    const message = messageOf(error)
    return `${provider} execution provider failed to start: ${/Failed to get a WebGPU adapter[^.\n]*/.exec(message)?.[0] ?? message.split('\n')[0]}`
  }
}
