import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { createDataset } from '../datasets/registry.js'
import type { Sample } from '../datasets/types.js'
import { mapLabels, predictColumn, type ExtraClassPolicy } from '../labels/mapping.js'
import { classificationMetrics, emptyConfusion } from '../metrics/classification.js'
import { cardFor } from '../models/cardFor.js'
import type { ModelCard } from '../models/card.js'
import { resolveCard } from '../models/resolveCard.js'
import { prepareViews, viewCount, writeTensor } from '../preprocess/tensor.js'
import { EVAL_SCHEMA, type EvalResult, type SampleFailure, type SamplePrediction } from '../report/evalResult.js'
import { createRunner } from '../runners/registry.js'
import type { Device, Runner } from '../runners/types.js'
import { FerbenchError, messageOf, modelError } from './errors.js'
import { DatasetDigest, fileBytes, machineInfo, packageVersions, sha256File, toolVersion } from './provenance.js'

export interface EvalOptions {
  model: string
  card?: string
  preset?: string
  dataset: string
  data: string
  split?: string
  /** Samples per inference call (ignored when the model fixes its batch). */
  batch: number
  threads?: number
  device: Device
  runner?: string
  extraClasses: ExtraClassPolicy
  /** Keep per-sample predictions in the result. */
  predictions?: boolean
  /** Stop at the first sample that fails to load instead of recording it and going on. */
  strict?: boolean
  demo?: boolean
  onProgress?: (samplesDone: number) => void
}

interface Pending {
  sample: Sample
  column: number
  views: number
}

/** Softmax in place over one row of scores. */
function softmaxRow(scores: Float32Array, offset: number, length: number, out: Float64Array): void {
  let max = -Infinity
  for (let i = 0; i < length; i++) max = Math.max(max, scores[offset + i]!)
  let sum = 0
  for (let i = 0; i < length; i++) {
    out[i] = Math.exp(scores[offset + i]! - max)
    sum += out[i]!
  }
  for (let i = 0; i < length; i++) out[i]! /= sum
}

/**
 * Averages one sample's view rows into one score row: TTA averages probabilities or logits as
 * the card says (a probability model's outputs are averaged as they are).
 */
function combineViews(scores: Float32Array, firstRow: number, views: number, classes: number, card: ModelCard): Float32Array {
  const out = new Float32Array(classes)
  if (views === 1) return scores.slice(firstRow * classes, (firstRow + 1) * classes)
  const soft = card.output === 'logits' && card.ttaAverage === 'probabilities'
  const tmp = new Float64Array(classes)
  for (let v = 0; v < views; v++) {
    const offset = (firstRow + v) * classes
    if (soft) softmaxRow(scores, offset, classes, tmp)
    for (let i = 0; i < classes; i++) out[i]! += (soft ? tmp[i]! : scores[offset + i]!) / views
  }
  return out
}

function topScores(row: Float32Array, columnsOfModel: number[], labels: readonly string[], k: number): Array<{ label: string; score: number }> {
  return columnsOfModel
    .map((column, i) => ({ column, i }))
    .filter((x) => x.column >= 0)
    .sort((a, b) => row[b.i]! - row[a.i]! || a.i - b.i)
    .slice(0, k)
    .map((x) => ({ label: labels[x.column]!, score: row[x.i]! }))
}

export async function evaluate(options: EvalOptions): Promise<EvalResult> {
  const started = performance.now()
  const warnings: string[] = []
  const failures: SampleFailure[] = []
  const stagesMs = { read: 0, preprocess: 0, infer: 0, metrics: 0 }

  const adapter = createDataset(options.dataset, { data: options.data, ...(options.split ? { split: options.split } : {}) })
  const split = options.split ?? adapter.defaultSplit
  const cardSource = cardFor(options.model, { ...(options.card ? { card: options.card } : {}), ...(options.preset ? { preset: options.preset } : {}) })
  const runner: Runner = await createRunner(options.model, {
    device: options.device,
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
    ...(options.runner ? { runner: options.runner } : {}),
  })
  try {
    warnings.push(...runner.info.notes)
    const card = resolveCard(cardSource.card, runner.input, cardSource.source)
    const classes = card.labels.length
    const outShape = runner.outputs[0]?.shape ?? []
    const outClasses = outShape[outShape.length - 1]
    if (typeof outClasses === 'number' && outClasses !== classes) {
      throw modelError(`${options.model}: output '${runner.outputs[0]!.name}' has ${outClasses} scores per sample but the card (${cardSource.source}) lists ${classes} labels`)
    }
    const mapping = mapLabels(card.labels, adapter.labels, options.extraClasses)
    if (mapping.extraModelClasses.length > 0) {
      warnings.push(
        options.extraClasses === 'drop'
          ? `model classes not in ${adapter.name} excluded from the argmax (--extra-classes drop): ${mapping.extraModelClasses.join(', ')}`
          : `model classes not in ${adapter.name} kept as always-wrong predictions (--extra-classes keep): ${mapping.extraModelClasses.join(', ')}`,
      )
    }
    if (mapping.missingModelClasses.length > 0) {
      warnings.push(`${adapter.name} classes the model cannot output (their samples always count as wrong): ${mapping.missingModelClasses.join(', ')}`)
    }

    const views = viewCount(card)
    const rowsPerCall = card.fixedBatch ?? options.batch * views
    if (card.fixedBatch !== undefined && card.fixedBatch !== options.batch * views) {
      warnings.push(`model fixes its batch dimension at ${card.fixedBatch}: running ${card.fixedBatch} row(s) per call (--batch ${options.batch} not used)`)
    }
    const { height, width, channels, layout } = card.input
    const rowFloats = height * width * channels
    const dims = layout === 'NCHW' ? [rowsPerCall, channels, height, width] : [rowsPerCall, height, width, channels]
    const counts = emptyConfusion(mapping.columns.length)
    const digest = new DatasetDigest()
    const predictions: SamplePrediction[] | undefined = options.predictions ? [] : undefined
    let scored = 0

    let buffer = new Float32Array(rowsPerCall * rowFloats)
    let rows = 0
    let pending: Pending[] = []
    const rowScores: Float32Array[] = []

    const flushRows = async (): Promise<void> => {
      if (rows === 0) return
      const callRows = card.fixedBatch ?? rows
      const input = buffer.length === callRows * rowFloats ? buffer : buffer.subarray(0, callRows * rowFloats)
      if (card.fixedBatch !== undefined && rows < card.fixedBatch) input.fill(0, rows * rowFloats)
      const callDims = [callRows, ...dims.slice(1)]
      const t0 = performance.now()
      const out = await runner.run(input, callDims)
      stagesMs.infer += performance.now() - t0
      if (out.length !== callRows * classes) {
        throw modelError(`${options.model}: returned ${out.length} scores for ${callRows} rows; expected ${callRows}×${classes} (card labels)`)
      }
      rowScores.push(out.slice(0, rows * classes))
      rows = 0
    }

    const scorePending = (): void => {
      const t0 = performance.now()
      const all = rowScores.length === 1 ? rowScores[0]! : concat(rowScores)
      rowScores.length = 0
      let row = 0
      for (const p of pending) {
        const combined = combineViews(all, row, p.views, classes, card)
        row += p.views
        if (combined.some((s) => !Number.isFinite(s))) {
          failures.push({ id: p.sample.id, source: p.sample.source, error: 'model output contains NaN or Inf; sample not scored' })
          continue
        }
        const predicted = predictColumn(combined, 0, mapping)
        counts[p.column]![predicted]! += 1
        digest.add(p.sample.id, p.sample.label)
        scored += 1
        predictions?.push({
          id: p.sample.id,
          truth: p.sample.label,
          predicted: mapping.columns[predicted]!,
          top: topScores(combined, mapping.modelToColumn, mapping.columns, 3),
        })
      }
      pending = []
      stagesMs.metrics += performance.now() - t0
      options.onProgress?.(scored + failures.length)
    }

    const iterator = adapter.samples(split)[Symbol.asyncIterator]()
    for (;;) {
      const tRead = performance.now()
      const next = await iterator.next()
      if (next.done) {
        stagesMs.read += performance.now() - tRead
        break
      }
      const sample = next.value
      let image
      try {
        image = await sample.load()
      } catch (error) {
        if (options.strict || error instanceof FerbenchError) throw error
        failures.push({ id: sample.id, source: sample.source, error: messageOf(error) })
        continue
      } finally {
        stagesMs.read += performance.now() - tRead
      }
      const tPre = performance.now()
      const sampleViews = await prepareViews(image, card)
      for (const view of sampleViews) {
        if (rows === rowsPerCall) await flushRows()
        writeTensor(view, card, buffer, rows * rowFloats)
        rows += 1
      }
      stagesMs.preprocess += performance.now() - tPre
      pending.push({ sample, column: mapping.columns.indexOf(sample.label), views: sampleViews.length })
      if (rows === rowsPerCall && pending.length >= options.batch) {
        await flushRows()
        scorePending()
      }
    }
    await flushRows()
    scorePending()
    buffer = new Float32Array(0)

    warnings.push(...adapter.warnings)
    if (failures.length > 0) warnings.push(`${failures.length} sample(s) failed and are not scored; see failures`)
    if (scored === 0) warnings.push(`no samples were scored from ${options.data} split ${split}`)
    const wallSeconds = (performance.now() - started) / 1000
    const metrics = classificationMetrics(mapping.columns, counts)
    return {
      schema: EVAL_SCHEMA,
      complete: true,
      demo: options.demo ?? false,
      createdAt: new Date().toISOString(),
      tool: { name: 'ferbench', version: toolVersion() },
      model: { path: path.resolve(options.model), sha256: await sha256File(options.model), bytes: fileBytes(options.model), card },
      dataset: { name: adapter.name, path: path.resolve(options.data), split, samples: scored, digest: digest.hex(), labels: [...adapter.labels] },
      labelMapping: {
        policy: mapping.policy,
        modelLabels: mapping.modelLabels,
        datasetLabels: mapping.datasetLabels,
        columns: mapping.columns,
        extraModelClasses: mapping.extraModelClasses,
        missingModelClasses: mapping.missingModelClasses,
      },
      runner: {
        name: runner.info.name,
        backend: runner.info.backend,
        device: runner.info.device,
        version: runner.info.version,
        threads: runner.info.threads ?? null,
        graphOptimization: runner.info.graphOptimization ?? null,
        batch: options.batch,
        rowsPerCall,
        fixedBatch: card.fixedBatch !== undefined,
      },
      machine: machineInfo(),
      versions: { ferbench: toolVersion(), ...packageVersions(['onnxruntime-node', 'sharp', 'csv-parse']) },
      metrics,
      timing: { wallSeconds, imagesPerSecond: wallSeconds > 0 ? scored / wallSeconds : 0, stagesMs },
      warnings,
      failures,
      ...(predictions ? { predictions } : {}),
    }
  } finally {
    await runner.release()
  }
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}
