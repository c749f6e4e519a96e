import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { cardFor } from '../../src/card/cardFor.js'
import { parseCard } from '../../src/card/loadCard.js'
import { presetCard, presetNames, rawPreset } from '../../src/card/presets.js'
import { resolveCard } from '../../src/card/resolveCard.js'
import { FIXTURES, runCli, runJson } from '../helpers/cli.js'

const MODELS = path.join(FIXTURES, 'models')
const CSV = path.join(FIXTURES, 'fer2013', 'fer2013.csv')

describe('presets', () => {
  it('has the six published models, each valid under the card schema and citing a source', () => {
    expect(presetNames().sort()).toEqual(['efficientface', 'ferplus', 'microexpnet', 'mini-xception', 'resnet18-fer2013', 'vgg19-fer2013'])
    for (const name of presetNames()) {
      const card = presetCard(name)!
      expect(card.source, name).toMatch(/github\.com|arxiv\.org/)
      expect(card.$comment, name).toBeTruthy()
    }
  })

  it('encode the published protocols', () => {
    const ferplus = resolveCard(presetCard('ferplus')!, { name: 'Input3', shape: [1, 1, 64, 64] }, 'preset:ferplus')
    expect([ferplus.input.height, ferplus.input.channels, ferplus.input.layout, ferplus.scale, ferplus.fixedBatch]).toEqual([64, 1, 'NCHW', 'raw255', 1])
    expect(ferplus.labels).toEqual(['neutral', 'happiness', 'surprise', 'sadness', 'anger', 'disgust', 'fear', 'contempt'])
    const vgg = resolveCard(presetCard('vgg19-fer2013')!, { name: 'x', shape: ['N', 3, 44, 44] }, 'preset:vgg19-fer2013')
    expect([vgg.crop, vgg.tta, vgg.ttaAverage, vgg.scale, vgg.input.channels]).toEqual([{ size: 44, from: 48 }, 'tencrop', 'logits', 'unit', 3])
    const mini = presetCard('mini-xception')!
    expect([mini.scale, mini.output, mini.input.layout]).toEqual(['symmetric', 'probabilities', 'NHWC'])
    expect(mini.labels).toEqual(['anger', 'disgust', 'fear', 'happiness', 'sadness', 'surprise', 'neutral'])
    const ef = presetCard('efficientface')!
    expect([ef.scale, ef.mean, ef.std, ef.labels[0], ef.labels[6]]).toEqual(['meanstd', [0.485, 0.456, 0.406], [0.229, 0.224, 0.225], 'neutral', 'anger'])
    expect(presetCard('microexpnet')!.labels).toHaveLength(8)
  })

  it('a preset is just a card: a broken copy fails naming the field and the value', () => {
    const broken = { ...(rawPreset('ferplus') as Record<string, unknown>), scale: 'zscore' }
    expect(() => parseCard(broken, 'preset:ferplus')).toThrow(/scale: .*\(received: "zscore"\)/)
  })

  it('cardFor resolves --preset and names the known presets for an unknown one', () => {
    expect(cardFor('m.onnx', { preset: 'ferplus' }).source).toBe('preset:ferplus')
    expect(() => cardFor('m.onnx', { preset: 'nope' })).toThrow(/unknown preset; known: ferplus, mini-xception/)
  })

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
    expect(run.stderr).toContain('preset:ferplus expects NCHW 1×64×64 (channels×height×width) and the model is NHWC 48×48×1: this card is not for this model')
  })
})

describe('ferbench models inspect', () => {
  // Independent counts for the tinyconv fixture: conv 6×6×1→4 stride 6 on 48×48 (8×8 grid),
  // depthwise 3×3 on 4 channels, dense 256→8.
  const params = 6 * 6 * 1 * 4 + 4 + 3 * 3 * 4 + 4 + 256 * 8 + 8
  const macs = 8 * 8 * 4 * (6 * 6) + 8 * 8 * 4 * 9 + 8 * 256

  for (const [file, format] of [['tinyconv.onnx', 'onnx'], ['tinyconv-graph/model.json', 'tfjs-graph'], ['tinyconv-layers/model.json', 'tfjs-layers']] as const) {
    it(`${format}: format, shapes, params, MACs and the sidecar card`, () => {
      const run = runJson<{ format: string; inputs: Array<{ name: string; shape: Array<number | string>; dtype: string }>; outputs: Array<{ shape: Array<number | string> }>; bytes: number; params: number; macs: number; macsComplete: boolean; card: { input: { layout: string } } | null; cardKind: string }>(['models', 'inspect', '--model', path.join(MODELS, file)])
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
