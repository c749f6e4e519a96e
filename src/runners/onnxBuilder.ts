import onnxProto from 'onnx-proto'

const { onnx } = onnxProto

type Dim = number | string
export type AttrValue = number | number[] | string | { float: number }

function valueInfo(name: string, shape: readonly Dim[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  }
}

function attribute(name: string, value: AttrValue): onnxProto.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) }
  if (typeof value === 'number') return { name, type: T.INT, i: value }
  if (Array.isArray(value)) return { name, type: T.INTS, ints: value }
  return { name, type: T.FLOAT, f: value.float }
}

/**
 * A small ONNX graph writer on onnx-proto (protobufjs): enough operators for the fixture oracle
 * models and the architecture replicas. Weights are float32 initializers.
 */
export class OnnxGraphBuilder {
  private readonly nodes: onnxProto.onnx.INodeProto[] = []
  private readonly initializers: onnxProto.onnx.ITensorProto[] = []
  private readonly inputs: onnxProto.onnx.IValueInfoProto[] = []
  private readonly outputs: onnxProto.onnx.IValueInfoProto[] = []
  private counter = 0
  /** Parameters: the number of float weights stored as initializers (shape constants excluded). */
  params = 0

  constructor(
    private readonly graphName: string,
    private readonly opset = 13,
  ) {}

  fresh(prefix: string): string {
    this.counter += 1
    return `${prefix}_${this.counter}`
  }

  input(name: string, shape: readonly Dim[]): string {
    this.inputs.push(valueInfo(name, shape))
    return name
  }

  output(name: string, shape: readonly Dim[]): void {
    this.outputs.push(valueInfo(name, shape))
  }

  /** A float32 weight tensor; counted in params. */
  weight(prefix: string, dims: readonly number[], values: Float32Array): string {
    const expected = dims.reduce((a, b) => a * b, 1)
    if (values.length !== expected) throw new Error(`${prefix}: ${values.length} values for dims [${dims.join(', ')}]`)
    const name = this.fresh(prefix)
    this.initializers.push({
      name,
      dims: [...dims],
      dataType: onnx.TensorProto.DataType.FLOAT,
      rawData: new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)),
    })
    this.params += expected
    return name
  }

  /** An int64 constant (shapes, axes); not counted in params. */
  int64(prefix: string, values: readonly number[]): string {
    const name = this.fresh(prefix)
    this.initializers.push({
      name,
      dims: [values.length],
      dataType: onnx.TensorProto.DataType.INT64,
      int64Data: [...values],
    })
    return name
  }

  node(op: string, inputs: readonly string[], attrs: Record<string, AttrValue> = {}, outputName?: string): string {
    const out = outputName ?? this.fresh(op.toLowerCase())
    this.nodes.push({
      opType: op,
      name: this.fresh(`n_${op}`),
      input: [...inputs],
      output: [out],
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    })
    return out
  }

  build(docString = ''): Uint8Array {
    const model: onnxProto.onnx.IModelProto = {
      irVersion: 8,
      producerName: 'ferbench',
      producerVersion: '1',
      docString,
      opsetImport: [{ domain: '', version: this.opset }],
      graph: {
        name: this.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    }
    return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish()
  }
}
