import type { TemperatureScaling } from '../metrics/calibration.js'
import { fitTemperature } from '../metrics/temperature.js'
import { runEvalLoop, type LoopInput } from './evalLoop.js'
import { EvalState } from './evalState.js'
import { dataError } from '../base/errors.js'
import { columnProbabilities } from './scoring.js'

/**
 * `--calibrate temperature`: runs the model over the whole calibration split (never sharded: every
 * shard fits the same temperature), keeps each sample's combined score row (classes × 4 bytes per
 * sample) and fits the temperature that minimises the NLL there (src/metrics/temperature.ts).
 */
export async function fitTemperatureOnSplit(
  input: Omit<LoopInput, 'onScores' | 'shard' | 'skip' | 'sliceBy' | 'onProgress' | 'signal'>,
): Promise<Omit<TemperatureScaling, 'after'>> {
  const rows: Float32Array[] = []
  const truths: number[] = []
  const state = new EvalState(input.mapping.columns.length, false)
  await runEvalLoop(
    {
      ...input,
      onScores: (row, truth) => {
        rows.push(row.slice())
        truths.push(truth)
      },
    },
    state,
  )
  if (rows.length === 0)
    throw dataError(
      `--calibration-split ${input.split}: no samples of ${input.data} split ${input.split} were scored; cannot fit a temperature`,
    )
  const q = new Float64Array(input.mapping.columns.length)
  const probabilityOf = (i: number, temperature: number): number => {
    const truth = truths[i]!
    return truth < 0 ? 0 : columnProbabilities(rows[i]!, input.mapping, input.card.output, temperature, q)[truth]!
  }
  const fit = fitTemperature(rows.length, probabilityOf)
  return {
    method: 'temperature',
    split: input.split,
    samples: rows.length,
    temperature: fit.temperature,
    fitNllBefore: fit.nllBefore,
    fitNllAfter: fit.nllAfter,
  }
}
