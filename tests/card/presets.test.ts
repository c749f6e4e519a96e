import { describe, expect, it } from 'vitest'
import { loadCard } from '../../src/card/load.js'
import { presetCard, presetNames, rawPreset } from '../../src/card/presets.js'
import { resolveCard } from '../../src/card/resolve.js'
import { parseCard } from '../../src/card/schema.js'

describe('presets', () => {
  it('has the seven published models, each valid under the card schema and citing a source', () => {
    expect(presetNames().sort()).toEqual([
      'efficientface',
      'ferplus',
      'microexpnet',
      'mini-xception',
      'progressive-teacher',
      'resnet18-fer2013',
      'vgg19-fer2013',
    ])
    for (const name of presetNames()) {
      const card = presetCard(name)!
      expect(card.source, name).toMatch(/github\.com|arxiv\.org/)
      expect(card.$comment, name).toBeTruthy()
    }
  })

  it('encode the published protocols', () => {
    const ferplus = resolveCard(presetCard('ferplus')!, { name: 'Input3', shape: [1, 1, 64, 64] }, 'preset:ferplus')
    expect([
      ferplus.input.height,
      ferplus.input.channels,
      ferplus.input.layout,
      ferplus.scale,
      ferplus.fixedBatch,
    ]).toEqual([64, 1, 'NCHW', 'raw255', 1])
    expect(ferplus.labels).toEqual([
      'neutral',
      'happiness',
      'surprise',
      'sadness',
      'anger',
      'disgust',
      'fear',
      'contempt',
    ])
    const vgg = resolveCard(
      presetCard('vgg19-fer2013')!,
      { name: 'x', shape: ['N', 3, 44, 44] },
      'preset:vgg19-fer2013',
    )
    expect([vgg.crop, vgg.tta, vgg.ttaAverage, vgg.scale, vgg.input.channels]).toEqual([
      { size: 44, from: 48 },
      'tencrop',
      'logits',
      'unit',
      3,
    ])
    const mini = presetCard('mini-xception')!
    expect([mini.scale, mini.output, mini.input.layout]).toEqual(['symmetric', 'probabilities', 'NHWC'])
    expect(mini.labels).toEqual(['anger', 'disgust', 'fear', 'happiness', 'sadness', 'surprise', 'neutral'])
    const ef = presetCard('efficientface')!
    expect([ef.scale, ef.mean, ef.std, ef.labels[0], ef.labels[6]]).toEqual([
      'meanstd',
      [0.485, 0.456, 0.406],
      [0.229, 0.224, 0.225],
      'neutral',
      'anger',
    ])
    expect(presetCard('microexpnet')!.labels).toHaveLength(8)
  })

  it('a preset is just a card: a broken copy fails naming the field and the value', () => {
    const broken = { ...(rawPreset('ferplus') as Record<string, unknown>), scale: 'zscore' }
    expect(() => parseCard(broken, 'preset:ferplus')).toThrow(/scale: .*\(received: "zscore"\)/)
  })

  it('loadCard resolves --preset and names the known presets for an unknown one', () => {
    expect(loadCard('m.onnx', { preset: 'ferplus' }).source).toBe('preset:ferplus')
    expect(() => loadCard('m.onnx', { preset: 'nope' })).toThrow(/unknown preset; known: ferplus, mini-xception/)
  })
})
