import { messageOf, modelError } from '../base/errors.js'
import type { Runner } from '../runners/types.js'
import type { InputChoice } from './candidates.js'

/** How many scores the model gives per sample, and how that was learnt. */
export interface OutputLength {
  classes: number
  /** `shape`: the graph states it and one inference agrees; `probe`: the graph leaves it dynamic, one inference measured it. */
  from: 'shape' | 'probe'
  /** The input reading the probe ran with. */
  probedWith: string
}

/**
 * The model's scores per sample, from one inference on a zero input: the first input reading
 * (layout, channels, size) the model accepts runs `rows` rows (its fixed batch, else 1), and the
 * output length divided by the rows is the class count. A graph that states the count must agree
 * with what it returns (else exit 4, naming both); one that leaves it dynamic (a symbolic
 * dimension, or no shape at all, as tfjs graph models without a signature) is measured this way.
 */
export async function probeOutputLength(
  runner: Runner,
  choices: readonly InputChoice[],
  fixedBatch: number | undefined,
  modelPath: string,
): Promise<OutputLength> {
  const shape = runner.outputs[0]?.shape ?? []
  const last = shape[shape.length - 1]
  const stated = typeof last === 'number' && last > 0 ? last : undefined
  const rows = fixedBatch ?? 1
  const errors: string[] = []
  for (const choice of choices) {
    const dims =
      choice.layout === 'NCHW'
        ? [rows, choice.channels, choice.height, choice.width]
        : [rows, choice.height, choice.width, choice.channels]
    const reading = `${choice.layout} ${choice.channels}×${choice.height}×${choice.width}`
    let scores: Float32Array
    try {
      scores = await runner.run(new Float32Array(dims.reduce((a, b) => a * b, 1)), dims)
    } catch (error) {
      errors.push(`${reading}: ${messageOf(error)}`)
      continue
    }
    if (scores.length === 0 || scores.length % rows !== 0)
      throw modelError(
        `${modelPath}: one inference of ${rows} row(s) (${reading}) returned ${scores.length} scores, not a whole number per row`,
      )
    const classes = scores.length / rows
    if (stated !== undefined && stated !== classes)
      throw modelError(
        `${modelPath}: output '${runner.outputs[0]?.name}' states ${stated} scores per sample ([${shape.join(', ')}]) but one inference returned ${classes}`,
      )
    return { classes, from: stated !== undefined ? 'shape' : 'probe', probedWith: reading }
  }
  throw modelError(
    `${modelPath}: the model ran on none of the input readings its shape allows, so its output length is unknown: ${errors.join(' | ')}`,
  )
}
