import { FerbenchError, messageOf, runnerError, usageError } from '../base/errors.js'
import { onnxRunnerFactory } from './onnx.js'
import { isTfjsModelPath } from './tfjsModelFile.js'
import type { Device, Runner, RunnerFactory, RunnerOptions } from './types.js'

/** The tfjs runner (src/runners/tfjs.ts), whose modules load only when it is asked whether it can run or to run. */
const tfjs = async (): Promise<RunnerFactory> => (await import('./tfjs.js')).tfjsRunnerFactory
export const lazyTfjsRunnerFactory: RunnerFactory = {
  name: 'tfjs',
  devices: ['cpu', 'gpu'],
  accepts: (modelPath) => isTfjsModelPath(modelPath),
  available: async (device) => (await tfjs()).available(device),
  create: async (modelPath, options) => (await tfjs()).create(modelPath, options),
}

const FACTORIES: readonly RunnerFactory[] = [onnxRunnerFactory, lazyTfjsRunnerFactory]

export function runnerFactories(): readonly RunnerFactory[] {
  return FACTORIES
}

/**
 * The candidate runners for a model, in priority order: the one --runner names, else every runner
 * that accepts the model file's format (`.onnx` → onnx, `model.json` → tfjs).
 */
function candidateRunners(modelPath: string, name?: string): RunnerFactory[] {
  if (name) {
    const named = FACTORIES.find((f) => f.name === name)
    if (!named) throw usageError(`--runner ${name}: unknown runner; known: ${FACTORIES.map((f) => f.name).join(', ')}`)
    return [named]
  }
  const accepting = FACTORIES.filter((f) => f.accepts(modelPath))
  if (accepting.length === 0) {
    throw usageError(
      `${modelPath}: no runner takes this file type (onnx takes .onnx, tfjs takes model.json); rename it or use --runner ${FACTORIES.map((f) => f.name).join('|')}`,
    )
  }
  return accepting
}

/**
 * Creates the first candidate that can run the model on the device (as onnxruntime's js/common
 * backend resolution does). Model and card errors pass through as they are; when every candidate
 * fails for runner reasons, the error lists each candidate and why.
 */
export async function createRunner(modelPath: string, options: RunnerOptions & { runner?: string }): Promise<Runner> {
  const candidates = candidateRunners(modelPath, options.runner)
  const failures: string[] = []
  for (const factory of candidates) {
    if (!factory.devices.includes(options.device as Device)) {
      failures.push(`${factory.name}: supports --device ${factory.devices.join('|')}, not ${options.device}`)
      continue
    }
    if (options.runner && !factory.accepts(modelPath)) {
      failures.push(
        `${factory.name}: does not read this file type (${factory.name === 'onnx' ? 'needs a .onnx file' : 'needs a tfjs model.json'})`,
      )
      continue
    }
    const available = factory.availableOnCreate?.(options) ? true : await factory.available(options.device)
    if (available !== true) {
      failures.push(`${factory.name}: ${available}`)
      continue
    }
    try {
      return await factory.create(modelPath, options)
    } catch (error) {
      if (!(error instanceof FerbenchError) || error.kind !== 'runner') throw error
      failures.push(`${factory.name}: ${messageOf(error)}`)
    }
  }
  throw runnerError(`${modelPath}: no runner can run this model on --device ${options.device}: ${failures.join(' | ')}`)
}
