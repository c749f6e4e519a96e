import { OnnxGraphBuilder } from '../../src/runners/onnxBuilder.js'
import { seededRandom } from '../../src/base/prng.js'

/** A tensor in the graph being built: its name and its shape without the batch dimension (C,H,W or F). */
export interface LayerTensor {
  name: string
  shape: number[]
}

/** Padding of a 2-D window: symmetric `n`, explicit [top, left, bottom, right], or TensorFlow's 'same' / 'valid'. */
export type Padding = number | [number, number, number, number] | 'same' | 'valid'

export interface ConvSpec {
  out: number
  kernel: number
  stride?: number
  pad?: Padding
  group?: number
  bias?: boolean
}

/** TensorFlow 'same' padding for one axis: out = ceil(in / stride), the odd pixel goes at the end. */
export function samePadding(size: number, kernel: number, stride: number): [number, number] {
  const out = Math.ceil(size / stride)
  const total = Math.max((out - 1) * stride + kernel - size, 0)
  const begin = Math.floor(total / 2)
  return [begin, total - begin]
}

function resolvePads(
  pad: Padding,
  h: number,
  w: number,
  kernel: number,
  stride: number,
): [number, number, number, number] {
  if (pad === 'valid') return [0, 0, 0, 0]
  if (pad === 'same') {
    const [t, b] = samePadding(h, kernel, stride)
    const [l, r] = samePadding(w, kernel, stride)
    return [t, l, b, r]
  }
  return typeof pad === 'number' ? [pad, pad, pad, pad] : pad
}

const outSize = (size: number, kernel: number, stride: number, begin: number, end: number): number =>
  Math.floor((size + begin + end - kernel) / stride) + 1

/**
 * Layer helpers over OnnxGraphBuilder for the architecture replicas: NCHW convolutions (grouped and
 * depthwise-separable), batch norm, activations, pooling and dense layers, with deterministic
 * random weights (Glorot-uniform from a seeded PRNG) and the activation shape tracked per layer.
 */
export class LayerBuilder {
  readonly g: OnnxGraphBuilder
  private readonly random: () => number

  constructor(graphName: string, seed: number, opset = 13) {
    this.g = new OnnxGraphBuilder(graphName, opset)
    this.random = seededRandom(seed)
  }

  /** Uniform(−limit, limit) weights. */
  private uniform(count: number, limit: number): Float32Array {
    const out = new Float32Array(count)
    for (let i = 0; i < count; i++) out[i] = (this.random() * 2 - 1) * limit
    return out
  }

  input(name: string, chw: [number, number, number], batch: number | string = 'N'): LayerTensor {
    this.g.input(name, [batch, ...chw])
    return { name, shape: [...chw] }
  }

  conv(x: LayerTensor, spec: ConvSpec): LayerTensor {
    const [c, h, w] = x.shape as [number, number, number]
    const stride = spec.stride ?? 1
    const group = spec.group ?? 1
    if (c % group !== 0 || spec.out % group !== 0)
      throw new Error(`conv: ${c} → ${spec.out} channels not divisible by group ${group}`)
    const pads = resolvePads(spec.pad ?? 0, h, w, spec.kernel, stride)
    const fanIn = (c / group) * spec.kernel * spec.kernel
    const fanOut = (spec.out / group) * spec.kernel * spec.kernel
    const wDims = [spec.out, c / group, spec.kernel, spec.kernel]
    const weight = this.g.weight(
      'conv_w',
      wDims,
      this.uniform(
        wDims.reduce((a, b) => a * b, 1),
        Math.sqrt(6 / (fanIn + fanOut)),
      ),
    )
    const inputs = [x.name, weight]
    if (spec.bias ?? true) inputs.push(this.g.weight('conv_b', [spec.out], this.uniform(spec.out, 0.05)))
    const name = this.g.node('Conv', inputs, {
      kernel_shape: [spec.kernel, spec.kernel],
      strides: [stride, stride],
      pads,
      group,
    })
    return {
      name,
      shape: [
        spec.out,
        outSize(h, spec.kernel, stride, pads[0], pads[2]),
        outSize(w, spec.kernel, stride, pads[1], pads[3]),
      ],
    }
  }

  /** Depthwise 3×3 (group = channels) then pointwise 1×1: Keras SeparableConv2D with depth_multiplier 1. */
  separableConv(x: LayerTensor, out: number, kernel: number, pad: Padding, bias = false): LayerTensor {
    const depthwise = this.conv(x, { out: x.shape[0]!, kernel, pad, group: x.shape[0]!, bias: false })
    return this.conv(depthwise, { out, kernel: 1, bias })
  }

  /** BatchNormalization with scale, bias, running mean and variance (4 tensors of C). */
  batchNorm(x: LayerTensor): LayerTensor {
    const c = x.shape[0]!
    const scale = this.g.weight(
      'bn_scale',
      [c],
      Float32Array.from(this.uniform(c, 0.1), (v) => 1 + v),
    )
    const bias = this.g.weight('bn_bias', [c], this.uniform(c, 0.1))
    const mean = this.g.weight('bn_mean', [c], this.uniform(c, 0.1))
    const variance = this.g.weight(
      'bn_var',
      [c],
      Float32Array.from(this.uniform(c, 0.1), (v) => 1 + v),
    )
    return {
      name: this.g.node('BatchNormalization', [x.name, scale, bias, mean, variance], { epsilon: { float: 1e-5 } }),
      shape: [...x.shape],
    }
  }

  relu(x: LayerTensor): LayerTensor {
    return { name: this.g.node('Relu', [x.name]), shape: [...x.shape] }
  }

  private pool(
    op: 'MaxPool' | 'AveragePool',
    x: LayerTensor,
    kernel: number,
    stride: number,
    pad: Padding,
  ): LayerTensor {
    const [c, h, w] = x.shape as [number, number, number]
    const pads = resolvePads(pad, h, w, kernel, stride)
    const attrs = {
      kernel_shape: [kernel, kernel],
      strides: [stride, stride],
      pads,
      ...(op === 'AveragePool' ? { count_include_pad: 0 } : {}),
    }
    return {
      name: this.g.node(op, [x.name], attrs),
      shape: [c, outSize(h, kernel, stride, pads[0], pads[2]), outSize(w, kernel, stride, pads[1], pads[3])],
    }
  }

  maxPool(x: LayerTensor, kernel: number, stride = kernel, pad: Padding = 0): LayerTensor {
    return this.pool('MaxPool', x, kernel, stride, pad)
  }

  avgPool(x: LayerTensor, kernel: number, stride = kernel, pad: Padding = 0): LayerTensor {
    return this.pool('AveragePool', x, kernel, stride, pad)
  }

  globalAvgPool(x: LayerTensor): LayerTensor {
    return { name: this.g.node('GlobalAveragePool', [x.name]), shape: [x.shape[0]!, 1, 1] }
  }

  add(a: LayerTensor, b: LayerTensor): LayerTensor {
    if (a.shape.join() !== b.shape.join())
      throw new Error(`add: shapes [${a.shape.join(', ')}] and [${b.shape.join(', ')}] differ`)
    return { name: this.g.node('Add', [a.name, b.name]), shape: [...a.shape] }
  }

  flatten(x: LayerTensor): LayerTensor {
    return { name: this.g.node('Flatten', [x.name], { axis: 1 }), shape: [x.shape.reduce((p, d) => p * d, 1)] }
  }

  /** Fully connected layer (Gemm, weights [in, out]) on a flattened tensor. */
  dense(x: LayerTensor, out: number, bias = true, outputName?: string): LayerTensor {
    if (x.shape.length !== 1) throw new Error(`dense: input must be flat, got [${x.shape.join(', ')}]; flatten first`)
    const fanIn = x.shape[0]!
    const weight = this.g.weight('fc_w', [fanIn, out], this.uniform(fanIn * out, Math.sqrt(6 / (fanIn + out))))
    const inputs = [x.name, weight]
    if (bias) inputs.push(this.g.weight('fc_b', [out], this.uniform(out, 0.05)))
    return { name: this.g.node('Gemm', inputs, {}, outputName), shape: [out] }
  }

  /** Marks `x` as the graph output `name` (inserting an Identity when it has another name). */
  output(x: LayerTensor, name: string, batch: number | string = 'N'): void {
    const out = x.name === name ? name : this.g.node('Identity', [x.name], {}, name)
    this.g.output(out, [batch, ...x.shape])
  }

  build(doc: string): Uint8Array {
    return this.g.build(doc)
  }
}
