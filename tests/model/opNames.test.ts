import { describe, expect, it } from 'vitest'
import { onnxModelStatsFromBytes } from '../../src/model/onnxStats.js'
import { OnnxGraphBuilder } from '../../src/runners/onnxBuilder.js'
import { HOSTILE } from '../helpers/hostileNames.js'

describe('op types are text from the model file', () => {
  it("ops named after Object.prototype's members (and __proto__) are counted under their own names", () => {
    const g = new OnnxGraphBuilder('ops')
    let y = g.input('image', [1, 1, 4, 4])
    y = g.node('Conv', [y, g.weight('w', [2, 1, 3, 3], new Float32Array(18))], { kernel_shape: [3, 3] })
    for (const [i, op] of HOSTILE.entries()) for (let k = 0; k <= i; k++) y = g.node(op, [y])
    g.output(y, [1, 2, 2, 2])
    const stats = onnxModelStatsFromBytes(g.build(), 'ops')
    const counts = JSON.parse(JSON.stringify(stats.opCounts)) as Record<string, number>
    expect(Object.keys(counts).sort()).toEqual(['Conv', ...HOSTILE].sort())
    HOSTILE.forEach((op, i) => expect(Object.getOwnPropertyDescriptor(counts, op)?.value).toBe(i + 1))
    // only the Conv multiplies: 2 output channels × 2×2 positions × 9
    expect(JSON.parse(JSON.stringify(stats.macsByOp))).toEqual({ Conv: 72 })
  })
})
