import { Flags } from '@oclif/core'

/**
 * Whether a --model value may name a registry model: `zoo:<name>`, or a bare name without a folder
 * separator (src/zoo/resolveModel.ts decides). A path with a separator never does, so the registry
 * and its schemas load only for values that may.
 */
const mayNameZooModel = (value: string): boolean => value.startsWith('zoo:') || !/[\\/]/.test(value)

/**
 * --model, --card, --preset: which model, and the card that says how to feed it. Each is an oclif
 * flag definition: `modelFlag()` as eval words it, `modelFlag({ required: true })` or
 * `cardFlag({ description })` where a command narrows its meaning.
 */
export const modelFlag = Flags.custom<string>({
  char: 'm',
  description: 'model file (.onnx, or a tfjs model.json), or zoo:<name> for a model pulled with `ferbench models pull`',
  // zoo:<name> (or a bare registry name that is no file here) becomes the verified cached file; its card is the sidecar beside it
  parse: async (value) =>
    mayNameZooModel(value) ? (await import('../../zoo/resolveModel.js')).resolveModelArgument(value) : value,
})

export const cardFlag = Flags.custom<string>({
  description: 'model card JSON (default: <model>.ferbench.json beside the model)',
})

export const presetFlag = Flags.custom<string>({
  description: 'a built-in model card by name (see `ferbench models presets`)',
})

/** The model and its card, as eval and robust take them. */
export const modelFlags = {
  model: modelFlag(),
  card: cardFlag(),
  preset: presetFlag(),
}
