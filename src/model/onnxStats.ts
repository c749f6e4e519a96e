import { readFileSync, statSync } from 'node:fs'
import onnxProto from 'onnx-proto'
import { messageOf, modelError } from '../base/errors.js'
import { requireModelFile } from '../base/inputFile.js'
import { textRecord } from '../base/textKeys.js'

const { onnx } = onnxProto
type INode = onnxProto.onnx.INodeProto
type ITensor = onnxProto.onnx.ITensorProto
type IValueInfo = onnxProto.onnx.IValueInfoProto
type IAttribute = onnxProto.onnx.IAttributeProto
type Int64 = number | { toNumber(): number }

export interface TensorSignature {
  name: string
  /** Dimensions; symbolic ones as their name (or '?'). */
  shape: Array<number | string>
  elemType: string
}

/**
 * What an ONNX file holds, read statically (no runtime): parameter count, multiply-accumulates at
 * batch 1, opset, inputs and outputs.
 *
 * - `params`: elements of every floating-point initializer (weights, biases, and BatchNormalization
 *   running mean/variance — what Keras calls "Total params"). Integer initializers (shapes, axes)
 *   are not parameters.
 * - `trainableParams`: `params` minus BatchNormalization running mean/variance (what PyTorch's
 *   `sum(p.numel() for p in model.parameters())` counts).
 * - `macs`: multiply-accumulates of Conv (groups and depthwise included), ConvTranspose, Gemm and
 *   MatMul at batch 1, from static shape inference; element-wise ops, pooling, BatchNormalization
 *   and activations count 0 (the convention of thop/ptflops for MACs). When a Conv/Gemm/MatMul
 *   input shape cannot be inferred, `macsComplete` is false, the node is listed in `warnings` and
 *   `macs` is the sum over the nodes that could be counted.
 */
export interface OnnxModelStats {
  path: string
  bytes: number
  irVersion: number
  opset: number
  producer: string
  inputs: TensorSignature[]
  outputs: TensorSignature[]
  params: number
  trainableParams: number
  /** Bytes of the parameters as stored (element size × count). */
  paramBytes: number
  macs: number
  macsComplete: boolean
  macsByOp: Record<string, number>
  nodes: number
  opCounts: Record<string, number>
  warnings: string[]
}

const num = (x: Int64 | null | undefined): number =>
  x === null || x === undefined ? 0 : typeof x === 'number' ? x : x.toNumber()

const DT = onnx.TensorProto.DataType
const FLOAT_BYTES: Record<number, number> = { [DT.FLOAT]: 4, [DT.FLOAT16]: 2, [DT.DOUBLE]: 8, [DT.BFLOAT16]: 2 }
const elemTypeName = (t: number | null | undefined): string =>
  t === null || t === undefined ? 'unknown' : (DT[t] ?? `type${t}`).toLowerCase()

function signature(info: IValueInfo): TensorSignature {
  const tt = info.type?.tensorType
  const dims = tt?.shape?.dim ?? []
  return {
    name: info.name ?? '',
    shape: dims.map((d) =>
      d.dimParam ? d.dimParam : d.dimValue !== null && d.dimValue !== undefined ? num(d.dimValue) : '?',
    ),
    elemType: elemTypeName(tt?.elemType),
  }
}

function attr(node: INode, name: string): IAttribute | undefined {
  return node.attribute?.find((a) => a.name === name) ?? undefined
}
function attrInt(node: INode, name: string, fallback: number): number {
  const a = attr(node, name)
  return a && a.i !== null && a.i !== undefined ? num(a.i) : fallback
}
function attrInts(node: INode, name: string): number[] | undefined {
  const a = attr(node, name)
  return a?.ints && a.ints.length > 0 ? a.ints.map(num) : undefined
}
function attrString(node: INode, name: string): string | undefined {
  const a = attr(node, name)
  return a?.s && a.s.length > 0 ? new TextDecoder().decode(a.s) : undefined
}

/** Integer values of a constant tensor (int64/int32 initializer or Constant node), for shapes and axes. */
function tensorInts(t: ITensor): number[] | undefined {
  if (t.int64Data && t.int64Data.length > 0) return t.int64Data.map(num)
  if (t.int32Data && t.int32Data.length > 0) return [...t.int32Data]
  const raw = t.rawData
  if (!raw || raw.length === 0) return t.dims && t.dims.map(num).reduce((a, b) => a * b, 1) === 0 ? [] : undefined
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength)
  if (t.dataType === DT.INT64)
    return Array.from({ length: raw.length / 8 }, (_, i) => Number(view.getBigInt64(i * 8, true)))
  if (t.dataType === DT.INT32) return Array.from({ length: raw.length / 4 }, (_, i) => view.getInt32(i * 4, true))
  return undefined
}

type Shape = number[] | undefined
const prod = (xs: readonly number[]): number => xs.reduce((a, b) => a * b, 1)

function broadcast(shapes: Shape[]): Shape {
  if (shapes.some((s) => s === undefined)) return undefined
  const rank = Math.max(...shapes.map((s) => s!.length))
  const out: number[] = []
  for (let i = 0; i < rank; i++) {
    let d = 1
    for (const s of shapes) {
      const v = s![s!.length - rank + i] ?? 1
      if (v !== 1) d = v
    }
    out.push(d)
  }
  return out
}

/** Output spatial size of a sliding window (Conv / pooling), ONNX semantics incl. auto_pad and ceil_mode. */
function windowOut(node: INode, input: number[], kernel: number[], ceil = false): number[] {
  const spatial = input.length - 2
  const strides = attrInts(node, 'strides') ?? Array(spatial).fill(1)
  const dilations = attrInts(node, 'dilations') ?? Array(spatial).fill(1)
  const pads = attrInts(node, 'pads') ?? Array(spatial * 2).fill(0)
  const autoPad = attrString(node, 'auto_pad') ?? 'NOTSET'
  return kernel.map((k, i) => {
    const size = input[2 + i]!
    const s = strides[i]!
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return Math.ceil(size / s)
    const effective = (k - 1) * dilations[i]! + 1
    const padded = autoPad === 'VALID' ? size : size + pads[i]! + pads[i + spatial]!
    const round = ceil ? Math.ceil : Math.floor
    return round((padded - effective) / s) + 1
  })
}

interface Context {
  shapes: Map<string, Shape>
  consts: Map<string, number[]>
  initDims: Map<string, number[]>
}

/** Infers output shapes of one node and returns its MACs (0 for ops that do no multiply-accumulate). */
function inferNode(node: INode, ctx: Context, opset: number): { out: Shape[]; macs: number | undefined } {
  const op = node.opType ?? ''
  const ins = (node.input ?? []).map((name) => (name ? ctx.shapes.get(name) : undefined))
  const x = ins[0]
  const constOf = (i: number): number[] | undefined => {
    const name = node.input?.[i]
    return name ? ctx.consts.get(name) : undefined
  }
  switch (op) {
    case 'Conv': {
      const w = ins[1]
      if (!x || !w) return { out: [undefined], macs: undefined }
      const kernel = attrInts(node, 'kernel_shape') ?? w.slice(2)
      const spatial = windowOut(node, x, kernel)
      const out = [x[0]!, w[0]!, ...spatial]
      // each output element: (C_in / group) · prod(kernel) MACs = w[1] · prod(w[2:])
      return { out: [out], macs: prod(out) * w[1]! * prod(kernel) }
    }
    case 'ConvTranspose': {
      const w = ins[1]
      if (!x || !w) return { out: [undefined], macs: undefined }
      const group = attrInt(node, 'group', 1)
      const kernel = attrInts(node, 'kernel_shape') ?? w.slice(2)
      const strides = attrInts(node, 'strides') ?? kernel.map(() => 1)
      const pads = attrInts(node, 'pads') ?? kernel.map(() => 0).concat(kernel.map(() => 0))
      const outPad = attrInts(node, 'output_padding') ?? kernel.map(() => 0)
      const dil = attrInts(node, 'dilations') ?? kernel.map(() => 1)
      const given = attrInts(node, 'output_shape')
      const spatial =
        given ??
        kernel.map(
          (k, i) =>
            strides[i]! * (x[2 + i]! - 1) + outPad[i]! + (k - 1) * dil[i]! + 1 - pads[i]! - pads[i + kernel.length]!,
        )
      // each input element scatters into (C_out / group) · prod(kernel) outputs
      return { out: [[x[0]!, w[1]! * group, ...spatial]], macs: prod(x) * w[1]! * prod(kernel) }
    }
    case 'Gemm': {
      const b = ins[1]
      if (!x || !b) return { out: [undefined], macs: undefined }
      const [m, k] = attrInt(node, 'transA', 0) ? [x[1]!, x[0]!] : [x[0]!, x[1]!]
      const n = attrInt(node, 'transB', 0) ? b[0]! : b[1]!
      return { out: [[m, n]], macs: m * k * n }
    }
    case 'MatMul': {
      const b = ins[1]
      if (!x || !b) return { out: [undefined], macs: undefined }
      const a2 = x.length === 1 ? [1, x[0]!] : x
      const b2 = b.length === 1 ? [b[0]!, 1] : b
      const batch = broadcast([a2.slice(0, -2), b2.slice(0, -2)])!
      const m = a2[a2.length - 2]!
      const k = a2[a2.length - 1]!
      const n = b2[b2.length - 1]!
      const out = [...batch, ...(x.length === 1 ? [] : [m]), ...(b.length === 1 ? [] : [n])]
      return { out: [out], macs: prod(batch) * m * k * n }
    }
    case 'MaxPool':
    case 'AveragePool':
    case 'LpPool': {
      if (!x) return { out: [undefined], macs: 0 }
      const kernel = attrInts(node, 'kernel_shape') ?? []
      const out = [x[0]!, x[1]!, ...windowOut(node, x, kernel, attrInt(node, 'ceil_mode', 0) === 1)]
      return { out: [out, out], macs: 0 }
    }
    case 'GlobalAveragePool':
    case 'GlobalMaxPool':
    case 'GlobalLpPool':
      return { out: [x ? [x[0]!, x[1]!, ...x.slice(2).map(() => 1)] : undefined], macs: 0 }
    case 'Flatten': {
      if (!x) return { out: [undefined], macs: 0 }
      let axis = attrInt(node, 'axis', 1)
      if (axis < 0) axis += x.length
      return { out: [[prod(x.slice(0, axis)), prod(x.slice(axis))]], macs: 0 }
    }
    case 'Reshape': {
      const target = constOf(1) ?? attrInts(node, 'shape')
      if (!x || !target) return { out: [undefined], macs: 0 }
      const allowZero = attrInt(node, 'allowzero', 0) === 1
      const dims = target.map((d, i) => (d === 0 && !allowZero ? x[i]! : d))
      const known = prod(dims.filter((d) => d !== -1))
      return { out: [dims.map((d) => (d === -1 ? prod(x) / known : d))], macs: 0 }
    }
    case 'Transpose': {
      if (!x) return { out: [undefined], macs: 0 }
      const perm = attrInts(node, 'perm') ?? x.map((_, i) => x.length - 1 - i)
      return { out: [perm.map((p) => x[p]!)], macs: 0 }
    }
    case 'Concat': {
      if (ins.some((s) => s === undefined) || !x) return { out: [undefined], macs: 0 }
      let axis = attrInt(node, 'axis', 1)
      if (axis < 0) axis += x.length
      const out = [...x]
      out[axis] = ins.reduce((sum, s) => sum + s![axis]!, 0)
      return { out: [out], macs: 0 }
    }
    case 'Squeeze': {
      if (!x) return { out: [undefined], macs: 0 }
      const axes = (opset >= 13 ? constOf(1) : attrInts(node, 'axes'))?.map((a) => (a < 0 ? a + x.length : a))
      return { out: [x.filter((d, i) => (axes ? !axes.includes(i) : d !== 1))], macs: 0 }
    }
    case 'Unsqueeze': {
      const axes = opset >= 13 ? constOf(1) : attrInts(node, 'axes')
      if (!x || !axes) return { out: [undefined], macs: 0 }
      const rank = x.length + axes.length
      const norm = axes.map((a) => (a < 0 ? a + rank : a))
      const out: number[] = []
      let j = 0
      for (let i = 0; i < rank; i++) out.push(norm.includes(i) ? 1 : x[j++]!)
      return { out: [out], macs: 0 }
    }
    case 'ReduceMean':
    case 'ReduceMax':
    case 'ReduceSum':
    case 'ReduceMin': {
      const axesFromInput = (op === 'ReduceSum' && opset >= 13) || opset >= 18
      const axes = (axesFromInput ? constOf(1) : attrInts(node, 'axes'))?.map((a) => (x && a < 0 ? a + x.length : a))
      if (!x) return { out: [undefined], macs: 0 }
      const keep = attrInt(node, 'keepdims', 1) === 1
      const reduced = (i: number): boolean => (axes ? axes.includes(i) : true)
      return { out: [keep ? x.map((d, i) => (reduced(i) ? 1 : d)) : x.filter((_, i) => !reduced(i))], macs: 0 }
    }
    case 'Pad': {
      const pads = opset >= 11 ? constOf(1) : attrInts(node, 'pads')
      if (!x || !pads) return { out: [undefined], macs: 0 }
      return { out: [x.map((d, i) => d + pads[i]! + pads[i + x.length]!)], macs: 0 }
    }
    case 'Add':
    case 'Sub':
    case 'Mul':
    case 'Div':
    case 'Pow':
    case 'Max':
    case 'Min':
    case 'Sum':
    case 'Mean':
    case 'Where':
    case 'Equal':
    case 'Greater':
    case 'Less':
    case 'PRelu':
      return { out: [broadcast(ins)], macs: 0 }
    default:
      if (PASS_THROUGH.has(op)) return { out: [x, x], macs: 0 }
      return { out: (node.output ?? []).map(() => undefined), macs: 0 }
  }
}

const PASS_THROUGH = new Set([
  'Relu',
  'LeakyRelu',
  'Sigmoid',
  'Tanh',
  'Elu',
  'Selu',
  'Softmax',
  'LogSoftmax',
  'Softplus',
  'Softsign',
  'HardSigmoid',
  'HardSwish',
  'Mish',
  'Gelu',
  'Clip',
  'Dropout',
  'Identity',
  'BatchNormalization',
  'InstanceNormalization',
  'LayerNormalization',
  'LRN',
  'Cast',
  'Sqrt',
  'Exp',
  'Log',
  'Neg',
  'Abs',
  'Erf',
  'Reciprocal',
  'Floor',
  'Ceil',
  'Round',
  'Not',
  'Sign',
  'QuantizeLinear',
  'DequantizeLinear',
])

/** MAC-counting op types. */
const MAC_OPS = new Set(['Conv', 'ConvTranspose', 'Gemm', 'MatMul'])

/** Statistics of an ONNX model given as bytes; `label` names it in errors. */
export function onnxModelStatsFromBytes(bytes: Uint8Array, label: string): Omit<OnnxModelStats, 'path' | 'bytes'> {
  let model: onnxProto.onnx.ModelProto
  try {
    model = onnx.ModelProto.decode(bytes)
  } catch (error) {
    throw modelError(`${label}: not an ONNX model (protobuf decode failed: ${messageOf(error)})`)
  }
  const graph = model.graph
  if (!graph) throw modelError(`${label}: ONNX model has no graph`)
  const opset = num(model.opsetImport?.find((o) => !o.domain || o.domain === 'ai.onnx')?.version ?? 0)
  const warnings: string[] = []
  const initializers = graph.initializer ?? []
  const initNames = new Set(initializers.map((t) => t.name ?? ''))
  const ctx: Context = { shapes: new Map(), consts: new Map(), initDims: new Map() }

  let params = 0
  let paramBytes = 0
  for (const t of initializers) {
    const dims = (t.dims ?? []).map(num)
    ctx.initDims.set(t.name ?? '', dims)
    ctx.shapes.set(t.name ?? '', dims)
    const size = FLOAT_BYTES[t.dataType ?? 0]
    if (size !== undefined) {
      params += prod(dims)
      paramBytes += prod(dims) * size
    } else {
      const ints = tensorInts(t)
      if (ints) ctx.consts.set(t.name ?? '', ints)
    }
  }
  // BatchNormalization running mean (input 3) and variance (input 4) are statistics, not trained weights.
  const bnStats = new Set<string>()
  for (const node of graph.node ?? []) {
    if (node.opType === 'BatchNormalization')
      for (const i of [3, 4]) if (node.input?.[i] && initNames.has(node.input[i]!)) bnStats.add(node.input[i]!)
  }
  let bnParams = 0
  for (const name of bnStats) bnParams += prod(ctx.initDims.get(name) ?? [])

  const inputs = (graph.input ?? []).filter((i) => !initNames.has(i.name ?? '')).map(signature)
  const outputs = (graph.output ?? []).map(signature)
  for (const input of inputs) {
    // batch 1: a symbolic leading dimension becomes 1; any other symbolic dimension stays unknown
    const dims = input.shape.map((d, i) => (typeof d === 'number' && d > 0 ? d : i === 0 ? 1 : -1))
    ctx.shapes.set(input.name, dims.includes(-1) ? undefined : dims)
  }
  // Shapes recorded in the file (value_info, outputs) fill in what static inference cannot.
  const recorded = new Map<string, number[]>()
  for (const info of [...(graph.valueInfo ?? []), ...(graph.output ?? [])]) {
    const s = signature(info)
    if (s.shape.length > 0 && s.shape.every((d) => typeof d === 'number' && d > 0))
      recorded.set(s.name, s.shape as number[])
  }

  let macs = 0
  let macsComplete = true
  // Op types are text from the model file: null-prototype records (src/base/textKeys.ts).
  const macsByOp = textRecord<number>()
  const opCounts = textRecord<number>()
  for (const node of graph.node ?? []) {
    const op = node.opType ?? '?'
    opCounts[op] = (opCounts[op] ?? 0) + 1
    if (op === 'Constant') {
      const value = attr(node, 'value')?.t
      const outName = node.output?.[0]
      if (value && outName) {
        const ints = tensorInts(value)
        if (ints && FLOAT_BYTES[value.dataType ?? 0] === undefined) ctx.consts.set(outName, ints)
        ctx.shapes.set(outName, (value.dims ?? []).map(num))
        const size = FLOAT_BYTES[value.dataType ?? 0]
        if (size !== undefined) {
          params += prod((value.dims ?? []).map(num))
          paramBytes += prod((value.dims ?? []).map(num)) * size
        }
      }
      continue
    }
    if (node.domain && node.domain !== 'ai.onnx') {
      warnings.push(`node ${node.name || op} (${node.domain}.${op}): custom-domain op; its shape is not inferred`)
    }
    const { out, macs: nodeMacs } = inferNode(node, ctx, opset)
    ;(node.output ?? []).forEach((name, i) => {
      if (!name) return
      const shape = out[i] ?? recorded.get(name)
      ctx.shapes.set(name, shape?.every((d) => Number.isFinite(d) && d >= 0) ? shape : recorded.get(name))
    })
    if (MAC_OPS.has(op)) {
      if (nodeMacs === undefined) {
        macsComplete = false
        warnings.push(`node ${node.name || op} (${op}): input shape unknown; its multiply-accumulates are not counted`)
      } else {
        macs += nodeMacs
        macsByOp[op] = (macsByOp[op] ?? 0) + nodeMacs
      }
    }
  }
  return {
    irVersion: num(model.irVersion),
    opset,
    producer: `${model.producerName ?? ''}${model.producerVersion ? ` ${model.producerVersion}` : ''}`.trim(),
    inputs,
    outputs,
    params,
    trainableParams: params - bnParams,
    paramBytes,
    macs,
    macsComplete,
    macsByOp,
    nodes: (graph.node ?? []).length,
    opCounts,
    warnings,
  }
}

/** Reads an ONNX file and returns its static statistics (see OnnxModelStats). Errors name the file (exit 4). */
export function onnxModelStats(path: string): OnnxModelStats {
  requireModelFile(path, 'an ONNX model file')
  let bytes: Uint8Array
  try {
    bytes = readFileSync(path)
  } catch (error) {
    throw modelError(`${path}: cannot read model file (${messageOf(error)})`)
  }
  if (bytes.length === 0) throw modelError(`${path}: model file is empty`)
  return { path, bytes: statSync(path).size, ...onnxModelStatsFromBytes(bytes, path) }
}
