import type * as Ort from 'onnxruntime-node'

export type OnnxRuntime = typeof Ort

let loaded: OnnxRuntime | undefined

/** onnxruntime-node, imported on first use: its native binding costs start-up time that --help, tfjs runs and table-only commands should not pay. */
export async function loadOnnxRuntime(): Promise<OnnxRuntime> {
  loaded ??= await import('onnxruntime-node')
  return loaded
}
