import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { FIXTURES, runCli, runJson } from '../helpers/cli.js'

const MODELS = path.join(FIXTURES, 'models')
const CSV = path.join(FIXTURES, 'fer2013', 'fer2013.csv')

interface RunnersJson {
  runners: Array<{
    name: string
    backends: Array<{ backend: string; device: string; available: boolean; reason?: string }>
  }>
}

describe('runners and devices', () => {
  const listing = runJson<RunnersJson>(['runners'])
  const backend = (name: string): { available: boolean; reason?: string } =>
    listing.json.runners.flatMap((r) => r.backends).find((b) => b.backend === name)!

  it('ferbench runners --json lists both runners with backends per device, and reasons when unavailable', () => {
    expect(listing.status).toBe(0)
    expect(listing.json.runners.map((r) => r.name)).toEqual(['onnx', 'tfjs'])
    expect(backend('onnxruntime-node/cpu').available).toBe(true)
    expect(backend('tfjs/cpu').available).toBe(true)
    for (const b of listing.json.runners.flatMap((r) => r.backends)) {
      if (!b.available) expect(b.reason, b.backend).toBeTruthy()
    }
  })

  it('--device gpu without any GPU provider: exit 6 and a message naming what to install', (ctx) => {
    if (backend('onnxruntime-node/cuda').available || backend('onnxruntime-node/webgpu').available) ctx.skip()
    const run = runCli(['eval', '--model', path.join(MODELS, 'oracle.onnx'), '--data', CSV, '--device', 'gpu'])
    expect(run.status).toBe(6)
    expect(run.stderr).toMatch(/no runner can run this model on --device gpu/)
    expect(run.stderr).toContain('ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js')
    expect(run.stderr).toMatch(/or use --device cpu/)
    // Dawn's native "Couldn't load Vulkan" warning is avoided by looking the loader up first.
    expect(run.stderr).not.toMatch(/Couldn't load Vulkan|BackendVk\.cpp/)
  })

  it('tfjs --device gpu without tfjs-node-gpu: exit 6 naming the package', (ctx) => {
    if (backend('tfjs/tensorflow-gpu').available) ctx.skip()
    const run = runCli([
      'eval',
      '--model',
      path.join(MODELS, 'tinyconv-graph', 'model.json'),
      '--data',
      CSV,
      '--device',
      'gpu',
    ])
    expect(run.status).toBe(6)
    expect(run.stderr).toContain('@tensorflow/tfjs-node-gpu')
  })

  it('--runner forcing a runner that cannot read the file lists the candidate and why (exit 6)', () => {
    const run = runCli(['eval', '--model', path.join(MODELS, 'oracle.onnx'), '--data', CSV, '--runner', 'tfjs'])
    expect(run.status).toBe(6)
    expect(run.stderr).toMatch(/tfjs: does not read this file type/)
  })

  it('the tfjs result records its backend and warns when a faster one was unavailable', () => {
    const run = runJson<{ runner: { name: string; backend: string }; warnings: string[] }>([
      'eval',
      '--model',
      path.join(MODELS, 'tinyconv-layers', 'model.json'),
      '--data',
      CSV,
    ])
    expect(run.status).toBe(0)
    expect(run.json.runner.name).toBe('tfjs')
    expect(run.json.runner.backend).toMatch(/^tfjs\/(tensorflow|wasm|cpu)$/)
    if (run.json.runner.backend !== 'tfjs/tensorflow')
      expect(run.json.warnings.join('\n')).toMatch(/faster backend\(s\) unavailable .*tfjs-node/)
  })
})
