/**
 * Worker-thread entry of the tfjs worker pool (src/runners/tfjsPool.ts): owns one backend and one
 * copy of the model (created by the ordinary tfjs runner on this thread, with no workers of its own)
 * and runs the batches posted to it, one at a time, in arrival order (src/runners/serveRunner.ts).
 */
import { serveRunner } from './serveRunner.js'
import { tfjsRunnerFactory } from './tfjs.js'

await serveRunner((modelPath, options) => tfjsRunnerFactory.create(modelPath, { ...options, workers: 0 }))
