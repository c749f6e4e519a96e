import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { FerbenchError } from '../../src/base/errors.js'
import { OnnxGraphBuilder } from '../../src/runners/onnxBuilder.js'
import { onnxModelStats, onnxModelStatsFromBytes } from '../../src/model/onnxStats.js'

const zeros = (...dims: number[]): Float32Array => new Float32Array(dims.reduce((a, b) => a * b, 1))

describe('onnxModelStats: parameters and multiply-accumulates of hand-built graphs', () => {
  it('conv (pad), depthwise (stride), grouped 1×1, BN, ceil-mode pool, Flatten, Gemm, Reshape, MatMul', () => {
    const g = new OnnxGraphBuilder('t1')
    const x = g.input('image', ['N', 3, 10, 10])
    let y = g.node('Conv', [x, g.weight('w', [8, 3, 3, 3], zeros(8, 3, 3, 3)), g.weight('b', [8], zeros(8))], {
      kernel_shape: [3, 3],
      pads: [1, 1, 1, 1],
    })
    y = g.node('Conv', [y, g.weight('dw', [8, 1, 3, 3], zeros(8, 1, 3, 3))], { group: 8, strides: [2, 2] })
    y = g.node('Conv', [y, g.weight('gw', [4, 4, 1, 1], zeros(4, 4, 1, 1))], { group: 2 })
    y = g.node('BatchNormalization', [y, ...['s', 'bb', 'm', 'v'].map((n) => g.weight(n, [4], zeros(4)))])
    y = g.node('MaxPool', [y], { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 })
    y = g.node('Flatten', [y], { axis: 1 })
    y = g.node('Gemm', [y, g.weight('fw', [16, 5], zeros(16, 5)), g.weight('fb', [5], zeros(5))])
    y = g.node('Reshape', [y, g.int64('shape', [-1, 5, 1])])
    y = g.node('MatMul', [y, g.weight('mw', [1, 3], zeros(1, 3))], {}, 'out')
    g.output(y, ['N', 5, 3])
    const s = onnxModelStatsFromBytes(g.build(), 't1')
    // conv 8·27+8, depthwise 8·9, grouped 4·4, BN 4·4, Gemm 16·5+5, MatMul 3
    expect(s.params).toBe(224 + 72 + 16 + 16 + 85 + 3)
    expect(s.trainableParams).toBe(224 + 72 + 16 + 8 + 85 + 3) // BN running mean/var excluded
    // conv: 8 out ch · 10·10 · (3·3·3); depthwise: out 4×4 = floor((10−3)/2)+1, 8·16·9; grouped (8 in ch, group 2 → 4 in ch per output): 4·16·4
    // pool ceil((4−3)/2)+1 = 2 → 4·2·2 = 16 features; Gemm 16·5; MatMul [1,5,1]×[1,3] = 5·1·3
    expect(s.macs).toBe(8 * 100 * 27 + 8 * 16 * 9 + 4 * 16 * 4 + 16 * 5 + 15)
    expect(s.macsComplete).toBe(true)
    expect(s.macsByOp).toEqual({ Conv: 21600 + 1152 + 256, Gemm: 80, MatMul: 15 })
    expect(s.opset).toBe(13)
    expect(s.inputs).toEqual([{ name: 'image', shape: ['N', 3, 10, 10], elemType: 'float' }])
    expect(s.outputs[0]!.name).toBe('out')
    expect(s.opCounts.Conv).toBe(3)
  })

  it('two branches joined by Concat and Add, global pooling, auto_pad SAME_UPPER', () => {
    const g = new OnnxGraphBuilder('t2')
    const x = g.input('x', [1, 2, 7, 7])
    const a = g.node('Conv', [x, g.weight('a', [3, 2, 1, 1], zeros(3, 2, 1, 1))], {
      auto_pad: 'SAME_UPPER',
      strides: [2, 2],
    }) // 7 → ceil(7/2) = 4
    const b = g.node('Conv', [x, g.weight('b', [5, 2, 3, 3], zeros(5, 2, 3, 3))], {
      auto_pad: 'SAME_UPPER',
      strides: [2, 2],
    })
    let y = g.node('Concat', [a, b], { axis: 1 }) // [1, 8, 4, 4]
    y = g.node('Add', [y, y])
    y = g.node('GlobalAveragePool', [y])
    y = g.node('Flatten', [y])
    y = g.node('MatMul', [y, g.weight('m', [8, 2], zeros(8, 2))], {}, 'out')
    g.output(y, [1, 2])
    const s = onnxModelStatsFromBytes(g.build(), 't2')
    expect(s.params).toBe(6 + 90 + 16)
    expect(s.macs).toBe(3 * 16 * 2 + 5 * 16 * 18 + 8 * 2)
    expect(s.macsComplete).toBe(true)
  })

  it('an op it cannot infer makes later MAC counts incomplete and says which node', () => {
    const g = new OnnxGraphBuilder('t3')
    const x = g.input('x', ['N', 1, 4, 4])
    const y = g.node('Mystery', [x])
    g.node('Conv', [y, g.weight('w', [2, 1, 3, 3], zeros(2, 1, 3, 3))], {}, 'out')
    g.output('out', ['N', 2, 2, 2])
    const s = onnxModelStatsFromBytes(g.build(), 't3')
    expect(s.params).toBe(18)
    expect(s.macsComplete).toBe(false)
    expect(s.macs).toBe(0)
    expect(s.warnings.join('\n')).toMatch(/\(Conv\): input shape unknown/)
  })

  it('reads a file; a missing or non-ONNX file is a model error (exit 4) naming it', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ferbench-stats-'))
    const g = new OnnxGraphBuilder('t4')
    g.node('Relu', [g.input('x', ['N', 4])], {}, 'y')
    g.output('y', ['N', 4])
    const file = path.join(dir, 'm.onnx')
    const bytes = g.build()
    writeFileSync(file, bytes)
    const s = onnxModelStats(file)
    expect(s.bytes).toBe(bytes.length)
    expect(s.params).toBe(0)
    const junk = path.join(dir, 'junk.onnx')
    writeFileSync(junk, 'this is not protobuf at all \xff\xff\xff')
    for (const bad of [junk, path.join(dir, 'missing.onnx')]) {
      let error: unknown
      try {
        onnxModelStats(bad)
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(FerbenchError)
      expect((error as FerbenchError).exitCode).toBe(4)
      expect((error as FerbenchError).message).toContain(bad)
    }
  })
})
