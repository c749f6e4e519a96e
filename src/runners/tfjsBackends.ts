import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { messageOf, runnerError } from '../base/errors.js'
import { loadTfjsGraph } from './tfjsModule.js'
import type { Device } from './types.js'

const require = createRequire(import.meta.url)

/** The tfjs backends ferbench knows, fastest first. `tensorflow` is libtensorflow through tfjs-node(-gpu). */
export type TfjsBackendName = 'tensorflow' | 'wasm' | 'cpu'

export interface TfjsBackendCandidate {
  name: TfjsBackendName
  /** The npm package that provides it. */
  packageName: string
  /** What `runner.backend` says when it runs. */
  label: string
  device: Device
}

/** Candidates in priority order for a device (onnxruntime js/common style: first that initialises wins). */
export function tfjsBackendCandidates(device: Device): TfjsBackendCandidate[] {
  if (device === 'gpu')
    return [{ name: 'tensorflow', packageName: '@tensorflow/tfjs-node-gpu', label: 'tfjs/tensorflow-gpu', device }]
  return [
    { name: 'tensorflow', packageName: '@tensorflow/tfjs-node', label: 'tfjs/tensorflow', device },
    { name: 'wasm', packageName: '@tensorflow/tfjs-backend-wasm', label: 'tfjs/wasm', device },
    { name: 'cpu', packageName: '@tensorflow/tfjs-backend-cpu', label: 'tfjs/cpu', device },
  ]
}

function resolvable(pkg: string): boolean {
  try {
    require.resolve(`${pkg}/package.json`)
    return true
  } catch {
    return false
  }
}

export function packageVersion(pkg: string): string | undefined {
  try {
    return (require(`${pkg}/package.json`) as { version: string }).version
  } catch {
    return undefined
  }
}

/** The folder holding the tfjs wasm binaries (setWasmPaths needs it in Node: they are not fetched from a CDN). */
function wasmDistDir(): string {
  return path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')
}

/** Loads the package that registers `candidate` and makes it tfjs's backend; returns why not when it cannot. */
async function initialise(candidate: TfjsBackendCandidate, threads: number | undefined): Promise<true | string> {
  if (!resolvable(candidate.packageName)) return `${candidate.packageName} is not installed`
  try {
    if (candidate.name === 'tensorflow') {
      // Optional dependency: a variable specifier keeps TypeScript and bundlers from requiring it.
      const specifier: string = candidate.packageName
      await import(specifier)
    } else if (candidate.name === 'wasm') {
      const wasm = await import('@tensorflow/tfjs-backend-wasm')
      const dir = wasmDistDir()
      if (!existsSync(path.join(dir, 'tfjs-backend-wasm.wasm'))) return `tfjs-backend-wasm.wasm is missing from ${dir}`
      wasm.setWasmPaths(`${dir}${path.sep}`)
      if (threads !== undefined) wasm.setThreadsCount(threads)
    } else {
      await import('@tensorflow/tfjs-backend-cpu')
    }
  } catch (error) {
    return `${candidate.packageName} failed to load: ${messageOf(error).split('\n')[0]}`
  }
  const tf = (await loadTfjsGraph()).core
  if (tf.findBackendFactory(candidate.name) === null)
    return `${candidate.packageName} loaded but registered no '${candidate.name}' backend`
  try {
    const ok = await tf.setBackend(candidate.name)
    if (!ok) return `backend '${candidate.name}' failed to initialise`
  } catch (error) {
    return `backend '${candidate.name}' failed to initialise: ${messageOf(error).split('\n')[0]}`
  }
  return true
}

export interface ChosenBackend {
  candidate: TfjsBackendCandidate
  /** Threads the backend actually uses, where it says. */
  threads?: number
  /** Faster candidates that could not run, each with its reason (→ result warnings). */
  notes: string[]
}

/** Tries each candidate for the device in order and keeps the first that initialises; fails naming every reason. */
export async function chooseTfjsBackend(device: Device, threads?: number): Promise<ChosenBackend> {
  const failures: string[] = []
  for (const candidate of tfjsBackendCandidates(device)) {
    const ok = await initialise(candidate, threads)
    if (ok !== true) {
      failures.push(`${candidate.label}: ${ok}`)
      continue
    }
    const notes =
      failures.length > 0
        ? [`tfjs: faster backend(s) unavailable (${failures.join('; ')}); running on ${candidate.label}`]
        : []
    let used: number | undefined
    if (candidate.name === 'wasm') {
      const wasm = await import('@tensorflow/tfjs-backend-wasm')
      used = wasm.getThreadsCount()
    } else if (candidate.name === 'cpu') used = 1
    if (threads !== undefined && used !== threads) {
      notes.push(`--threads ${threads}: ${candidate.label} runs ${used ?? 'an engine-chosen number of'} thread(s) here`)
    }
    return { candidate, notes, ...(used !== undefined ? { threads: used } : {}) }
  }
  const install =
    device === 'gpu'
      ? 'install `@tensorflow/tfjs-node-gpu` (needs CUDA and cuDNN; its install downloads libtensorflow), or use --device cpu'
      : 'reinstall the dependencies (`npm install`)'
  throw runnerError(`tfjs runner, --device ${device}: no backend could start (${failures.join('; ')}); ${install}`)
}

/** Availability of every candidate for the `runners` listing, without changing the active backend for long. */
export async function probeTfjsBackends(
  device: Device,
): Promise<Array<{ candidate: TfjsBackendCandidate; available: true | string }>> {
  const out: Array<{ candidate: TfjsBackendCandidate; available: true | string }> = []
  for (const candidate of tfjsBackendCandidates(device))
    out.push({ candidate, available: await initialise(candidate, undefined) })
  return out
}
