import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { createDataset } from '../datasets/registry.js'
import type { DatasetOptions } from '../datasets/types.js'
import { mapLabels, type ExtraClassPolicy } from '../labels/mapping.js'
import type { CalibrationReport, TemperatureScaling } from '../metrics/calibration.js'
import { classificationMetrics } from '../metrics/classification.js'
import { DEFAULT_SLICE_MIN_SAMPLES } from '../metrics/slices.js'
import { TEMPERATURE_RANGE } from '../metrics/temperature.js'
import { checkLabelOrder } from '../metrics/labelOrder.js'
import { checkOutputs, OutputStats } from '../metrics/degenerate.js'
import { loadCard } from '../card/load.js'
import { cardDefaultsNote, resolveCard } from '../card/resolve.js'
import type { TtaKind } from '../card/schema.js'
import { withTta } from '../preprocess/tta.js'
import { viewCount } from '../preprocess/tensor.js'
import { encodePredictions } from '../documents/predictions.js'
import { EVAL_SCHEMA, type EvalResult, type ResumeOptions, type StageSplit } from '../documents/evalDocument.js'
import { createRunner } from '../runners/registry.js'
import type { Device, Runner } from '../runners/types.js'
import { FerbenchError, modelError, usageError } from '../base/errors.js'
import { runEvalLoop, type LoopInput } from './evalLoop.js'
import { fitTemperatureOnSplit } from './temperatureFit.js'
import { checkBatchTensor } from '../base/limits.js'
import { requireModelFile } from '../base/inputFile.js'
import { EvalState, type StagesMs } from './evalState.js'
import { modelIdentity } from '../identity/modelFiles.js'
import { machineInfo, packageVersions, toolVersion } from '../identity/provenance.js'
import { PartialResultError } from './partialResult.js'
import { restoreState } from './resume.js'
import { SHARD_HASH, type Shard } from './shard.js'

/** Samples decoded and preprocessed ahead of inference when --concurrency is not given. */
export const DEFAULT_CONCURRENCY = 4

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
  /** --tta: overrides the card's test-time augmentation. */
  tta?: TtaKind
  extraClasses: ExtraClassPolicy
  /** Keep per-sample predictions in the result. */
  predictions?: boolean
  /** Keep each sample's top-3 classes and scores with them (for a --predictions CSV). */
  predictionScores?: boolean
  /** Stop at the first sample that fails to load instead of recording it and going on. */
  strict?: boolean
  demo?: boolean
  /** Samples decoded and preprocessed ahead of inference (1 = serial); results do not depend on it. */
  concurrency?: number
  /** Evaluate only the samples whose id hashes to this shard (src/eval/shard.ts). */
  shard?: Shard
  /** When aborted, the run stops after the batch in flight and returns a partial result (complete:false). */
  signal?: AbortSignal
  /** Continue from this partial result (made by an interrupted run with the same options). */
  resumeFrom?: { file: string; result: EvalResult }
  onProgress?: (samplesDone: number) => void
  /** Adapter options beyond data/split: --labels, --class-map, --ckplus-neutral, --classes, --folds, --fold (src/datasets/types.ts). */
  datasetOptions?: Omit<DatasetOptions, 'data' | 'split'>
  /** Per-group metrics for these attributes (--slice-by), groups under sliceMinSamples reported but not ranked. */
  sliceBy?: string[]
  sliceMinSamples?: number
  /** --calibrate temperature --calibration-split S: fit a temperature on split S and report calibration before and after. */
  calibrate?: { method: 'temperature'; split: string }
  /** Applied to each decoded image before preprocessing (ferbench robust). */
  transform?: LoopInput['transform']
}

export async function evaluate(options: EvalOptions): Promise<EvalResult> {
  const started = performance.now()
  const warnings: string[] = []

  const adapter = createDataset(options.dataset, { ...options.datasetOptions, data: options.data, ...(options.split ? { split: options.split } : {}) })
  const split = options.split ?? adapter.defaultSplit
  requireModelFile(options.model) // before the card: a folder, FIFO or device named as a model is a model error (exit 4)
  const cardSource = loadCard(options.model, { card: options.card, preset: options.preset })
  const runner: Runner = await createRunner(options.model, {
    device: options.device,
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
    ...(options.runner ? { runner: options.runner } : {}),
    // ONNX on the CPU runs on a worker thread, so reading and preprocessing overlap inference.
    offThread: options.device === 'cpu',
  })
  try {
    warnings.push(...runner.info.notes)
    const cardAsGiven = withModelPath(options.model, () => resolveCard(cardSource.card, runner.input, cardSource.source))
    const card = withTta(cardAsGiven, options.tta)
    if (card !== cardAsGiven) warnings.push(`--tta ${card.tta} overrides the card's tta '${cardAsGiven.tta}'`)
    const defaultsNote = cardDefaultsNote(cardAsGiven)
    if (defaultsNote) warnings.push(defaultsNote)
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
    checkBatchTensor(rowsPerCall, card.input, card.fixedBatch !== undefined ? 'model' : 'usage', card.fixedBatch !== undefined ? `${options.model}: fixed batch ${card.fixedBatch}` : `--batch ${options.batch} (× ${views} view(s))`)
    if (card.fixedBatch !== undefined && card.fixedBatch !== options.batch * views) {
      warnings.push(`model fixes its batch dimension at ${card.fixedBatch}: running ${card.fixedBatch} row(s) per call (--batch ${options.batch} not used)`)
    }
    const sliceBy = options.sliceBy ?? []
    if (sliceBy.length > 0) {
      const available = adapter.sliceAttributes?.() ?? []
      for (const a of sliceBy) {
        if (!available.includes(a)) throw usageError(`--slice-by ${a}: ${adapter.name} data ${options.data} has ${available.length > 0 ? `attribute(s) ${available.join(', ')}` : 'no per-sample attributes'}`)
      }
      if (new Set(sliceBy).size !== sliceBy.length) throw usageError(`--slice-by: an attribute is given twice (${sliceBy.join(', ')})`)
    }
    const slicing = sliceBy.length > 0 ? { attributes: sliceBy, minSamples: options.sliceMinSamples ?? DEFAULT_SLICE_MIN_SAMPLES } : undefined
    const identity = await modelIdentity(options.model)
    const state = options.resumeFrom
      ? restoreState(options.resumeFrom, { modelSha256: identity.sha256, files: identity.files, card, columns: mapping.columns, keepScores: options.predictionScores ?? false }, slicing)
      : new EvalState(mapping.columns.length, options.predictions ?? false, slicing, options.predictionScores ?? false)
    state.outputs = OutputStats.restore(classes, options.resumeFrom?.result.resume?.outputStats)
    const loopBase = {
      adapter,
      data: options.data,
      modelPath: options.model,
      runner,
      card,
      mapping,
      batch: options.batch,
      rowsPerCall,
      concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
      strict: options.strict ?? false,
      ...(options.transform ? { transform: options.transform } : {}),
    }
    let temperatureFit: Omit<TemperatureScaling, 'after'> | undefined
    if (options.calibrate) {
      if (options.calibrate.split === split) throw usageError(`--calibration-split ${split}: the temperature must be fitted on another split than the one scored (${split})`)
      const saved = options.resumeFrom?.result.metrics.calibration?.temperatureScaling
      if (saved) {
        const { after, ...fit } = saved // a resumed run keeps the temperature fitted before the interruption
        temperatureFit = fit
        state.scaleBy(fit.temperature, after)
      } else {
        temperatureFit = await fitTemperatureOnSplit({ ...loopBase, split: options.calibrate.split })
        state.scaleBy(temperatureFit.temperature)
      }
    }
    let finished = false
    let stoppedBy: FerbenchError | undefined
    const before = { ...state.stagesMs }
    const startupMs = performance.now()
    try {
      finished = await runEvalLoop(
      {
        ...loopBase,
        split,
        ...(slicing ? { sliceBy: slicing.attributes } : {}),
        ...(options.shard ? { shard: options.shard } : {}),
        ...(options.resumeFrom?.result.resume
          ? { skip: { settled: options.resumeFrom.result.resume.settled, settledDigest: options.resumeFrom.result.resume.settledDigest, from: options.resumeFrom.file } }
          : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      },
      state,
      )
    } catch (error) {
      // An error after progress keeps what was settled: the caller writes it as a partial result.
      if (!(error instanceof FerbenchError) || state.settled === (options.resumeFrom?.result.resume?.settled ?? 0)) throw error
      stoppedBy = error
    }
    const stopReason = stoppedBy ? `${stoppedBy.kind} error` : String(options.signal?.reason ?? 'abort')
    const { failures, predictions, stagesMs } = state
    const scored = state.scored

    warnings.push(...adapter.warnings)
    if (failures.length > 0) warnings.push(`${failures.length} sample(s) failed and are not scored; see failures`)
    if (scored === 0) warnings.push(`no samples were scored from ${options.data} split ${split}`)
    if (stoppedBy) {
      warnings.push(`stopped by an error after ${state.settled} sample(s): ${stoppedBy.message}; partial result: fix the input, then continue with \`ferbench eval --resume <this file>\``)
    } else if (!finished) {
      warnings.push(`interrupted (${stopReason}) after ${state.settled} sample(s): partial result; continue with \`ferbench eval --resume <this file>\``)
    }
    const wallSeconds = state.priorWallSeconds + (performance.now() - started) / 1000
    const calibration: CalibrationReport = {
      ...state.calibration.metrics(),
      ...(temperatureFit && state.scaled ? { temperatureScaling: { ...temperatureFit, after: state.scaled.calibration.metrics() } } : {}),
    }
    const metrics: EvalResult['metrics'] = {
      ...classificationMetrics(mapping.columns, state.counts),
      calibration,
      ...(state.slices ? { slices: state.slices.metrics(mapping.columns) } : {}),
    }
    const labelOrder = checkLabelOrder(metrics.confusionMatrix, card.labels, mapping.modelToColumn)
    if (labelOrder.warning) warnings.push(labelOrder.warning)
    if (temperatureFit && (temperatureFit.temperature <= TEMPERATURE_RANGE[0] * 1.001 || temperatureFit.temperature >= TEMPERATURE_RANGE[1] * 0.999)) {
      warnings.push(`--calibrate temperature: the fitted temperature ${temperatureFit.temperature.toFixed(4)} lies at the edge of the searched range ${TEMPERATURE_RANGE.join('–')} (the NLL on ${temperatureFit.split} keeps falling that way, e.g. every sample already right with confidence near 1)`)
    }
    const outputs = checkOutputs(state.outputs, metrics.confusionMatrix, metrics.accuracyCI95, card.output, { model: options.model, dataset: options.dataset, data: options.data })
    if (finished) warnings.push(...outputs.warnings)
    const result: EvalResult = {
      schema: EVAL_SCHEMA,
      complete: finished,
      demo: options.demo ?? false,
      createdAt: new Date().toISOString(),
      tool: { name: 'ferbench', version: toolVersion() },
      model: { path: path.resolve(options.model), sha256: identity.sha256, bytes: identity.bytes, files: identity.files, card },
      dataset: {
        name: adapter.name,
        path: path.resolve(options.data),
        split,
        samples: scored,
        ...state.digests.fields(),
        labels: [...adapter.labels],
        ...(options.shard ? { shard: { ...options.shard, hash: SHARD_HASH } } : {}),
        ...(adapter.fold ? { fold: adapter.fold } : {}),
      },
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
      versions: { ferbench: toolVersion(), ...packageVersions(['onnxruntime-node', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', 'sharp', 'csv-parse']) },
      metrics,
      labelOrderCheck: labelOrder.check,
      outputCheck: outputs.check,
      timing: {
        wallSeconds,
        imagesPerSecond: wallSeconds > 0 ? scored / wallSeconds : 0,
        stagesMs,
        ...(state.segments > 1 ? { segments: state.segments } : {}),
        split: stageSplit(state, before, startupMs, adapter.decodeMs ?? 0),
      },
      warnings,
      failures,
      ...(predictions ? { predictions: encodePredictions(predictions, mapping.columns, options.predictionScores ?? false) } : {}),
      ...(finished
        ? {}
        : { resume: { settled: state.settled, settledDigest: state.settledDigest.hex(), signal: stopReason, outputStats: state.outputs.state(), options: resumeOptions(options, split) } }),
    }
    if (stoppedBy) throw new PartialResultError(stoppedBy, result)
    return result
  } finally {
    await runner.release()
  }
}

/** Where this segment's time went (src/documents/evalDocument.ts timing.split). */
function stageSplit(state: EvalState, before: StagesMs, startupMs: number, adapterDecodeMs: number): StageSplit {
  return {
    startupMs,
    readMs: Math.max(0, state.streamMs - adapterDecodeMs),
    decodeMs: state.loadMs + adapterDecodeMs,
    preprocessMs: state.stagesMs.preprocess - before.preprocess,
    inferMs: state.stagesMs.infer - before.infer,
    metricsMs: state.stagesMs.metrics - before.metrics,
  }
}

/**
 * The options a partial result records, so that `eval --resume` repeats the same evaluation; file
 * paths are stored resolved, so that a resume from another working directory reads the same files.
 */
export function resumeOptions(options: Omit<EvalOptions, 'resumeFrom'>, split: string): ResumeOptions {
  const labels = options.datasetOptions?.labels
  return {
    cwd: process.cwd(),
    model: path.resolve(options.model),
    ...(options.card ? { card: path.resolve(options.card) } : {}),
    ...(options.preset ? { preset: options.preset } : {}),
    dataset: options.dataset,
    data: path.resolve(options.data),
    split,
    batch: options.batch,
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
    device: options.device,
    ...(options.runner ? { runner: options.runner } : {}),
    ...(options.tta ? { tta: options.tta } : {}),
    ...(options.datasetOptions ? { datasetOptions: { ...options.datasetOptions, ...(labels !== undefined ? { labels: path.resolve(labels) } : {}) } } : {}),
    extraClasses: options.extraClasses,
    predictions: options.predictions ?? false,
    embedPredictions: options.predictions ?? false,
    predictionScores: options.predictionScores ?? false,
    strict: options.strict ?? false,
    demo: options.demo ?? false,
    ...(options.shard ? { shard: options.shard } : {}),
    ...(options.sliceBy && options.sliceBy.length > 0 ? { sliceBy: [...options.sliceBy], sliceMinSamples: options.sliceMinSamples ?? DEFAULT_SLICE_MIN_SAMPLES } : {}),
    ...(options.calibrate ? { calibrate: options.calibrate } : {}),
  }
}

/** Runs `fn`; a model-shape error that does not name the model file gets its path in front. */
function withModelPath<T>(model: string, fn: () => T): T {
  try {
    return fn()
  } catch (error) {
    if (error instanceof FerbenchError && error.kind === 'model' && !error.message.includes(model)) {
      throw new FerbenchError(error.kind, `${model}: ${error.message}`, { cause: error })
    }
    throw error
  }
}
