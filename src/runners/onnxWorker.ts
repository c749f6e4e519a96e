/**
 * Worker-thread entry of the off-thread ONNX runner (src/runners/onnxThread.ts): owns the
 * onnxruntime session (created by the ordinary ONNX runner, so every check and message is the
 * same) and runs the batches posted to it, one at a time, in arrival order (src/runners/serveRunner.ts).
 * onnxruntime-node's session.run is synchronous on its calling thread; here it blocks this thread
 * only, so the main thread keeps reading and preprocessing the next batch meanwhile.
 */
import { onnxRunnerFactory } from './onnx.js'
import { serveRunner } from './serveRunner.js'

await serveRunner((modelPath, options) => onnxRunnerFactory.create(modelPath, options))
