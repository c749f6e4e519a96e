import { describe, expect, it } from 'vitest'
import { mapLabels, predictColumn } from '../../src/base/labelMapping.js'

describe('label mapping', () => {
  it('maps model order to dataset order through canonical names and drops extra classes from the argmax', () => {
    const mapping = mapLabels(['neutral', 'happiness', 'contempt'], ['happiness', 'neutral'], 'drop')
    expect(mapping.columns).toEqual(['happiness', 'neutral'])
    expect(mapping.modelToColumn).toEqual([1, 0, -1])
    // contempt has the highest score but is excluded
    expect(predictColumn(new Float32Array([0.2, 0.3, 0.9]), 0, mapping)).toBe(0)
    const keep = mapLabels(['neutral', 'happiness', 'contempt'], ['happiness', 'neutral'], 'keep')
    expect(keep.columns).toEqual(['happiness', 'neutral', 'contempt'])
    expect(predictColumn(new Float32Array([0.2, 0.3, 0.9]), 0, keep)).toBe(2)
  })

  it('reports dataset classes the model cannot output', () => {
    expect(mapLabels(['neutral', 'happiness'], ['happiness', 'neutral', 'fear'], 'drop').missingModelClasses).toEqual([
      'fear',
    ])
  })
})
