import { runnerError, usageError } from '../core/errors.js'
import { onnxRunnerFactory } from './onnx.js'
import type { Device, Runner, RunnerFactory, RunnerOptions } from './types.js'

const FACTORIES: RunnerFactory[] = [onnxRunnerFactory]

export function runnerFactories(): readonly RunnerFactory[] {
  return FACTORIES
}

export function registerRunner(factory: RunnerFactory): void {
  const at = FACTORIES.findIndex((f) => f.name === factory.name)
  if (at >= 0) FACTORIES[at] = factory
  else FACTORIES.push(factory)
}

/** The runner named, or the first that accepts the model file's format. */
export function pickRunner(modelPath: string, name?: string): RunnerFactory {
  if (name) {
    const named = FACTORIES.find((f) => f.name === name)
    if (!named) throw usageError(`--runner ${name}: unknown runner; known: ${FACTORIES.map((f) => f.name).join(', ')}`)
    return named
  }
  const accepting = FACTORIES.find((f) => f.accepts(modelPath))
  if (!accepting) {
    throw usageError(`${modelPath}: no runner takes this file type (${FACTORIES.map((f) => f.name).join(', ')}); use --runner`)
  }
  return accepting
}

export async function createRunner(modelPath: string, options: RunnerOptions & { runner?: string }): Promise<Runner> {
  const factory = pickRunner(modelPath, options.runner)
  if (!factory.devices.includes(options.device as Device)) {
    throw runnerError(`--device ${options.device}: runner ${factory.name} supports ${factory.devices.join(', ')}`)
  }
  return factory.create(modelPath, options)
}
