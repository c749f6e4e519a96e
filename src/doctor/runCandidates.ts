import { performance } from 'node:perf_hooks'
import type { Emotion } from '../base/emotions.js'
import { prepareViews, writeTensor } from '../card/tensor.js'
import type { RawImage } from '../base/image.js'
import type { Runner } from '../runners/types.js'
import { messageOf, modelError } from '../base/errors.js'
import type { ModelCard } from '../card/schema.js'
import { specModelCard, type CandidateSpec } from './candidates.js'

export interface RunStats {
  inferMs: number
  preprocessMs: number
  rows: number
}

/** Candidates that see the same pixels (channels, size, resize, crop) share one preprocessing pass. */
function geometryKey(spec: CandidateSpec): string {
  return [
    spec.channels,
    spec.channelOrder,
    spec.width,
    spec.height,
    spec.resize,
    spec.crop ? `${spec.crop.size}/${spec.crop.from}` : '',
  ].join('|')
}

/**
 * Runs the model on every image under each candidate; returns each candidate's scores, row-major
 * [images × classes], or why the model would not run it (a shape the graph rejects). The images are decoded once by the caller; each geometry is resized once
 * and each candidate only rescales (writeTensor) into the batch buffer.
 */
export async function runCandidates(
  runner: Runner,
  specs: readonly CandidateSpec[],
  images: readonly RawImage[],
  labels: readonly Emotion[],
  options: {
    batch: number
    fixedBatch: number | undefined
    modelPath: string
    stats: RunStats
    onCandidate?: () => void
  },
): Promise<Array<Float32Array | string>> {
  const classes = labels.length
  const out = new Array<Float32Array | string>(specs.length)
  const groups = new Map<string, number[]>()
  specs.forEach((spec, i) => {
    const key = geometryKey(spec)
    groups.set(key, [...(groups.get(key) ?? []), i])
  })
  for (const indices of groups.values()) {
    const t0 = performance.now()
    const first = specModelCard(specs[indices[0]!]!, labels, runner.input.name, options.fixedBatch)
    const views: RawImage[] = []
    for (const image of images) views.push((await prepareViews(image, first))[0]!)
    options.stats.preprocessMs += performance.now() - t0
    for (const i of indices) {
      try {
        out[i] = await runOne(
          runner,
          specModelCard(specs[i]!, labels, runner.input.name, options.fixedBatch),
          views,
          classes,
          options,
        )
      } catch (error) {
        out[i] = messageOf(error)
      }
      options.onCandidate?.()
    }
  }
  return out
}

/** One candidate: the views rescaled into batches, run, scores collected. */
async function runOne(
  runner: Runner,
  card: ModelCard,
  views: readonly RawImage[],
  classes: number,
  options: { batch: number; fixedBatch: number | undefined; modelPath: string; stats: RunStats },
): Promise<Float32Array> {
  const { height, width, channels, layout } = card.input
  const rowFloats = height * width * channels
  const rowsPerCall = options.fixedBatch ?? options.batch
  const buffer = new Float32Array(rowsPerCall * rowFloats)
  const scores = new Float32Array(views.length * classes)
  for (let start = 0; start < views.length; start += rowsPerCall) {
    const rows = Math.min(rowsPerCall, views.length - start)
    const callRows = options.fixedBatch ?? rows
    const t1 = performance.now()
    for (let r = 0; r < rows; r++) writeTensor(views[start + r]!, card, buffer, r * rowFloats)
    if (callRows > rows) buffer.fill(0, rows * rowFloats)
    const batch = callRows * rowFloats === buffer.length ? buffer : buffer.subarray(0, callRows * rowFloats)
    const t2 = performance.now()
    options.stats.preprocessMs += t2 - t1
    const dims = layout === 'NCHW' ? [callRows, channels, height, width] : [callRows, height, width, channels]
    const result = await runner.run(batch, dims)
    options.stats.inferMs += performance.now() - t2
    options.stats.rows += callRows
    if (result.length !== callRows * classes) {
      throw modelError(
        `${options.modelPath}: returned ${result.length} scores for ${callRows} rows; expected ${callRows}×${classes}`,
      )
    }
    scores.set(result.subarray(0, rows * classes), start * classes)
  }
  return scores
}
