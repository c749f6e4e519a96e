import { describe, expect, it } from 'vitest'
import { lazyTfjsRunnerFactory, runnerFactories } from '../../src/runners/registry.js'
import { tfjsRunnerFactory } from '../../src/runners/tfjs.js'

describe('runner registry: the tfjs runner stands in for itself until asked', () => {
  it('says what the tfjs runner says: name, devices, the files it takes, whether it is available', async () => {
    expect(runnerFactories().map((f) => f.name)).toEqual(['onnx', 'tfjs'])
    expect(runnerFactories()[1]).toBe(lazyTfjsRunnerFactory)
    expect(lazyTfjsRunnerFactory.name).toBe(tfjsRunnerFactory.name)
    expect(lazyTfjsRunnerFactory.devices).toEqual(tfjsRunnerFactory.devices)
    for (const file of [
      'm/model.json',
      'MODEL.JSON',
      'm.onnx',
      'm.onnx.ferbench.json',
      'model.ferbench.json',
      'x.json.bak',
    ])
      expect(lazyTfjsRunnerFactory.accepts(file)).toBe(tfjsRunnerFactory.accepts(file))
    for (const device of ['cpu', 'gpu'] as const)
      expect(await lazyTfjsRunnerFactory.available(device)).toEqual(await tfjsRunnerFactory.available(device))
  })
})
