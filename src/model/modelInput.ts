import type { ModelInputInfo } from '../card/resolve.js'
import { loadTfjsModel } from '../runners/tfjs.js'
import { chooseTfjsBackend } from '../runners/tfjsBackends.js'
import { isTfjsModelPath } from '../runners/tfjsModelFile.js'
import { onnxModelStats } from './onnxStats.js'

/**
 * The model's first input (name and shape) read from the file without a runner, for messages
 * (the presets that fit a model with no card); undefined when the file cannot be read as a model
 * (the command's own checks then say why).
 */
export async function modelInputOf(modelPath: string): Promise<ModelInputInfo | undefined> {
  try {
    if (/\.onnx$/i.test(modelPath)) return onnxModelStats(modelPath).inputs[0]
    if (!isTfjsModelPath(modelPath)) return undefined
    await chooseTfjsBackend('cpu')
    const model = await loadTfjsModel(modelPath)
    model.dispose()
    return model.inputs[0]
  } catch {
    return undefined
  }
}
