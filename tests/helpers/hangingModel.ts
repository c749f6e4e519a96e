import onnxProto from 'onnx-proto'

const { onnx } = onnxProto
const FLOAT = onnx.TensorProto.DataType.FLOAT
const INT64 = onnx.TensorProto.DataType.INT64
const BOOL = onnx.TensorProto.DataType.BOOL
const T = onnx.AttributeProto.AttributeType

/** Trip count of the Loop for a batch holding a pixel of 255: about 10¹², days of work for any CPU. */
export const HANGING_TRIPS = 1e12

function tensorInfo(
  name: string,
  elemType: number,
  shape: ReadonlyArray<number | string>,
): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  }
}

function floatConst(name: string, value: number): onnxProto.onnx.ITensorProto {
  return { name, dims: [], dataType: FLOAT, floatData: [value] }
}

/**
 * A model that never returns for some inputs: input `image` [N,1,48,48] raw 0–255, output
 * `scores` [N,8] = the oracle's band means (tests/helpers/builders.ts), passed through an ONNX
 * `Loop` whose trip count is floor(max pixel of the batch / 255) × 10¹². A batch whose pixels are
 * all below 255 runs the Loop 0 times and returns at once; a batch with a 255 pixel is stuck in
 * onnxruntime's native code (no JavaScript runs on its thread until it ends).
 */
export function hangingModel(): Uint8Array {
  const side = 48
  const w = new Float32Array(side * side * 8)
  for (let p = 0; p < side * side; p++) w[p * 8 + Math.floor(Math.floor(p / side) / 6)] = 1 / 288
  const body: onnxProto.onnx.IGraphProto = {
    name: 'spin',
    node: [
      { opType: 'Identity', name: 'keep_cond', input: ['cond_in'], output: ['cond_out'] },
      { opType: 'Identity', name: 'keep_scores', input: ['s_in'], output: ['s_out'] },
    ],
    input: [tensorInfo('i', INT64, []), tensorInfo('cond_in', BOOL, []), tensorInfo('s_in', FLOAT, ['N', 8])],
    output: [tensorInfo('cond_out', BOOL, []), tensorInfo('s_out', FLOAT, ['N', 8])],
  }
  const graph: onnxProto.onnx.IGraphProto = {
    name: 'hanging_oracle',
    node: [
      {
        opType: 'Flatten',
        name: 'flat',
        input: ['image'],
        output: ['flat'],
        attribute: [{ name: 'axis', type: T.INT, i: 1 }],
      },
      { opType: 'MatMul', name: 'bands', input: ['flat', 'w'], output: ['s0'] },
      {
        opType: 'ReduceMax',
        name: 'max',
        input: ['image'],
        output: ['m'],
        attribute: [{ name: 'keepdims', type: T.INT, i: 0 }],
      },
      { opType: 'Div', name: 'over255', input: ['m', 'c255'], output: ['frac'] },
      { opType: 'Floor', name: 'is255', input: ['frac'], output: ['flag'] },
      { opType: 'Mul', name: 'trips_f', input: ['flag', 'huge'], output: ['tripsF'] },
      {
        opType: 'Cast',
        name: 'trips',
        input: ['tripsF'],
        output: ['trips'],
        attribute: [{ name: 'to', type: T.INT, i: INT64 }],
      },
      {
        opType: 'Loop',
        name: 'loop',
        input: ['trips', '', 's0'],
        output: ['scores'],
        attribute: [{ name: 'body', type: T.GRAPH, g: body }],
      },
    ],
    initializer: [
      { name: 'w', dims: [side * side, 8], dataType: FLOAT, rawData: new Uint8Array(w.buffer) },
      floatConst('c255', 255),
      floatConst('huge', HANGING_TRIPS),
    ],
    input: [tensorInfo('image', FLOAT, ['N', 1, side, side])],
    output: [tensorInfo('scores', FLOAT, ['N', 8])],
  }
  const model: onnxProto.onnx.IModelProto = {
    irVersion: 8,
    producerName: 'ferbench-tests',
    producerVersion: '1',
    opsetImport: [{ domain: '', version: 13 }],
    graph,
  }
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish()
}
