import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { presetNames } from '../../src/card/presets.js'
import { FIXTURES, runCli, runJson } from '../helpers/cli.js'

const MODELS = path.join(FIXTURES, 'models')
const CSV = path.join(FIXTURES, 'fer2013', 'fer2013.csv')

describe('presets', () => {
  it('ferbench models presets --json lists them', () => {
    const run = runJson<{ presets: Array<{ name: string; source: string }> }>(['models', 'presets'])
    expect(run.status).toBe(0)
    expect(run.json.presets.map((p) => p.name)).toEqual(presetNames())
  })

  it('eval --preset validates the preset against the model (oracle is 1×48×48, ferplus wants 64×64: exit 4)', () => {
    const run = runCli(['eval', '--model', path.join(MODELS, 'oracle.onnx'), '--data', CSV, '--preset', 'ferplus'])
    expect(run.status).toBe(4)
    expect(run.stderr).toMatch(/card says input.height 64 but the model's NCHW shape has 48/)
  })

  it('a preset for another layout says what it expects and what the model is (ferplus on the 48×48 NHWC tinyconv)', () => {
    const run = runCli(['models', 'inspect', '--model', path.join(MODELS, 'tinyconv.onnx'), '--preset', 'ferplus'])
    expect(run.status).toBe(4)
    expect(run.stderr).toContain(
      'preset:ferplus expects NCHW 1×64×64 (channels×height×width) and the model is NHWC 48×48×1: this card is not for this model',
    )
  })
})

describe('ferbench models inspect', () => {
  // Independent counts for the tinyconv fixture: conv 6×6×1→4 stride 6 on 48×48 (8×8 grid),
  // depthwise 3×3 on 4 channels, dense 256→8.
  const params = 6 * 6 * 1 * 4 + 4 + 3 * 3 * 4 + 4 + 256 * 8 + 8
  const macs = 8 * 8 * 4 * (6 * 6) + 8 * 8 * 4 * 9 + 8 * 256

  for (const [file, format] of [
    ['tinyconv.onnx', 'onnx'],
    ['tinyconv-graph/model.json', 'tfjs-graph'],
    ['tinyconv-layers/model.json', 'tfjs-layers'],
  ] as const) {
    it(`${format}: format, shapes, params, MACs and the sidecar card`, () => {
      const run = runJson<{
        format: string
        inputs: Array<{ name: string; shape: Array<number | string>; dtype: string }>
        outputs: Array<{ shape: Array<number | string> }>
        bytes: number
        params: number
        macs: number
        macsComplete: boolean
        card: { input: { layout: string } } | null
        cardKind: string
      }>(['models', 'inspect', '--model', path.join(MODELS, file)])
      expect(run.status, run.stderr).toBe(0)
      const j = run.json
      expect(j.format).toBe(format)
      expect(j.inputs).toHaveLength(1)
      expect(j.inputs[0]!.shape.slice(1)).toEqual([48, 48, 1])
      expect(j.inputs[0]!.dtype).toBe('float32')
      expect(j.outputs[0]!.shape[1]).toBe(8)
      expect(j.params).toBe(params)
      expect(j.macs).toBe(macs)
      expect(j.macsComplete).toBe(true)
      expect(j.bytes).toBeGreaterThan(params * 4)
      expect(j.cardKind).toBe('sidecar')
      expect(j.card!.input.layout).toBe('NHWC')
    })
  }

  it('a preset given explicitly that does not fit the model is an error (exit 4), not a silent null card', () => {
    const run = runCli(['models', 'inspect', '--model', path.join(MODELS, 'tinyconv.onnx'), '--preset', 'ferplus'])
    expect(run.status).toBe(4)
    expect(run.stderr).toMatch(/input.channels|input.height|layout/)
  })

  it('a missing file is a model error (exit 4)', () => {
    expect(runCli(['models', 'inspect', '--model', path.join(MODELS, 'nope.onnx')]).status).toBe(4)
  })
})
