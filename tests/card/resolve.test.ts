import { describe, expect, it } from 'vitest'
import { FerbenchError } from '../../src/base/errors.js'
import { parseCard } from '../../src/card/schema.js'
import { cardDefaultsNote, knownDim, resolveCard, shapeLayout } from '../../src/card/resolve.js'

describe('model card resolution', () => {
  const labels = ['neutral', 'happiness']
  it('infers layout, size and channels from an unambiguous input shape and says which', () => {
    const card = resolveCard(
      parseCard({ scale: 'unit', labels }, 'c.json'),
      { name: 'x', shape: ['N', 64, 64, 1] },
      'c.json',
    )
    expect(card.input).toEqual({ height: 64, width: 64, channels: 1, layout: 'NHWC', name: 'x' })
    expect(card.origin.inferred).toEqual([
      'input.layout',
      'input.channels',
      'input.height',
      'input.width',
      'output=logits (default)',
      'resize=bilinear (default)',
      'tta=none (default)',
    ])
    expect(card.fixedBatch).toBeUndefined()
  })

  it('applies the documented defaults for resize, tta and output, lists them, and words one note', () => {
    const card = resolveCard(
      parseCard({ scale: 'unit', labels, resize: 'bicubic' }, 'c.json'),
      { name: 'x', shape: ['N', 1, 48, 48] },
      'c.json',
    )
    expect([card.resize, card.tta, card.output, card.ttaAverage]).toEqual(['bicubic', 'none', 'logits', 'logits'])
    expect(card.origin.inferred.filter((f) => f.endsWith('(default)'))).toEqual([
      'output=logits (default)',
      'tta=none (default)',
    ])
    expect(cardDefaultsNote(card)).toBe(
      'card c.json leaves out output, tta: the defaults output=logits, tta=none apply (listed in model.card.origin.inferred; set them in the card to silence this)',
    )
    const full = resolveCard(
      parseCard({ scale: 'unit', labels, resize: 'bilinear', tta: 'none', output: 'probabilities' }, 'c.json'),
      { name: 'x', shape: ['N', 1, 48, 48] },
      'c.json',
    )
    expect(cardDefaultsNote(full)).toBeUndefined()
    expect(full.ttaAverage).toBe('probabilities')
  })

  it('asks for the layout when the shape cannot settle it (3×3 image or channels at both ends)', () => {
    expect(() =>
      resolveCard(parseCard({ scale: 'unit', labels }, 'c.json'), { name: 'x', shape: [1, 3, 3, 3] }, 'c.json'),
    ).toThrow(/input.layout is missing/)
  })

  it('asks for a dynamic size the card does not give', () => {
    expect(() =>
      resolveCard(parseCard({ scale: 'unit', labels }, 'c.json'), { name: 'x', shape: ['N', 1, 'H', 'W'] }, 'c.json'),
    ).toThrow(/input.height is missing/)
  })

  it('records a fixed batch dimension and expands one mean/std value to every channel', () => {
    const card = resolveCard(
      parseCard({ scale: 'meanstd', mean: [0.5], std: [0.25], labels }, 'c.json'),
      { name: 'x', shape: [1, 3, 8, 8] },
      'c.json',
    )
    expect(card.fixedBatch).toBe(1)
    expect(card.mean).toEqual([0.5, 0.5, 0.5])
    expect(card.std).toEqual([0.25, 0.25, 0.25])
  })

  it('names the field and the value received for invalid cards', () => {
    const fail = (raw: unknown): string => {
      try {
        parseCard(raw, 'c.json')
      } catch (error) {
        expect(error).toBeInstanceOf(FerbenchError)
        return (error as Error).message
      }
      throw new Error('expected a card error')
    }
    expect(fail({ scale: 'float', labels })).toMatch(/scale: .*\(received: "float"\)/)
    expect(fail({ scale: 'meanstd', labels })).toMatch(/'meanstd' needs both 'mean' and 'std'/)
    expect(fail({ scale: 'unit', labels: ['happy', 'joy'] })).toMatch(/labels.1: label 'happiness' appears twice/)
    expect(fail({ scale: 'unit', labels, inptu: {} })).toMatch(/inptu/)
  })
})

describe('what an input shape settles by itself', () => {
  it('a layout only when 1 or 3 channels sit at exactly one end of a 4-D shape', () => {
    expect(shapeLayout(['N', 1, 48, 48])).toBe('NCHW')
    expect(shapeLayout(['N', 1, 'H', 'W'])).toBe('NCHW')
    expect(shapeLayout([-1, 64, 64, 3])).toBe('NHWC')
    expect(shapeLayout([1, 3, 3, 3])).toBeUndefined()
    expect(shapeLayout([1, 1, 48, 1])).toBeUndefined()
    expect(shapeLayout(['N', 'C', 'H', 'W'])).toBeUndefined()
    expect(shapeLayout([1, 48, 48])).toBeUndefined()
  })

  it('a dimension only when it is a positive number', () => {
    expect([knownDim(48), knownDim(-1), knownDim(0), knownDim('N'), knownDim(undefined)]).toEqual([
      48,
      undefined,
      undefined,
      undefined,
      undefined,
    ])
  })
})
