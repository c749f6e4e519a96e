import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { openDataset } from '../datasets/registry.js'
import { mapLabels } from '../base/labelMapping.js'
import type { CalibrationReport, TemperatureScaling } from '../metrics/calibration.js'
import { classificationMetrics } from '../metrics/classification.js'
import { DEFAULT_SLICE_MIN_SAMPLES } from '../metrics/slices.js'
import { checkLabelOrder } from '../metrics/labelOrder.js'
import { checkOutputs, OutputStats } from '../metrics/degenerate.js'
import { cardDefaultsNote } from '../card/resolve.js'
import { openModel } from '../model/openModel.js'
import { withTta } from '../card/tta.js'
import { viewCount } from '../card/tensor.js'
import { encodePredictions } from '../results/predictions.js'
import type { EvalResult, StageSplit } from '../results/evalDocument.js'
import { EVAL_SCHEMA } from '../results/evalSchemaId.js'
import { FerbenchError, modelError, usageError } from '../base/errors.js'
import { PROTO_KEY } from '../base/textKeys.js'
import { runEvalLoop, type LoopInput } from './evalLoop.js'
import { ReadAhead, whileOpening } from './readAhead.js'
import { checkBatchTensor } from '../base/limits.js'
import { EvalState, type StagesMs } from './evalState.js'
import { machineInfo, packageVersions, toolVersion } from '../base/provenance.js'
import { PartialResultError } from './partialResult.js'
import { SHARD_HASH, inShard } from './shard.js'
import { storedSpec, type EvalSpec } from './spec.js'

/** What a run adds to its spec: the stop signal, progress, the partial result it continues, an image transform. */
export interface EvalRun {
  /** When aborted, the run stops after the batch in flight and returns a partial result (complete:false). */
  signal?: AbortSignal | undefined
  onProgress?: ((samplesDone: number) => void) | undefined
  /** Continue from this partial result (made by an interrupted run of the same spec). */
  resumeFrom?: { file: string; result: EvalResult } | undefined
  /** Applied to each decoded image before preprocessing (ferbench robust). */
  transform?: LoopInput['transform'] | undefined
  /** Milliseconds one inference call may run (ONNX on the CPU, whose session runs in a child process); absent: no limit. */
  batchTimeoutMs?: number | undefined
  /** tfjs on the CPU: worker threads running the model side by side (0 = the main thread; absent: one per core). Never stored: results do not depend on it. */
  workers?: number | undefined
  /**
   * Runs the samples in place of the eval loop (runEvalLoop), settling them into `state` the same
   * way: ferbench robust scores the clean split and every corrupted condition in one pass.
   */
  loop?: ((input: LoopInput, state: EvalState) => Promise<boolean>) | undefined
}

export async function evaluate(spec: EvalSpec, run: EvalRun = {}): Promise<EvalResult> {
  const started = performance.now()
  const warnings: string[] = []

  const opened = await openDataset(spec.dataset, { ...spec.datasetOptions, data: spec.data, split: spec.split })
  const { split } = opened
  // --faces detect: every image replaced by its detected face (src/faces/), recorded as dataset.faces
  // (its modules load only when --faces is given)
  const faces =
    spec.datasetOptions?.faces === undefined
      ? undefined
      : await (await import('../faces/openFaces.js')).openFaces(opened.adapter, {
          ...spec.datasetOptions,
          data: spec.data,
        })
  const adapter = faces?.adapter ?? opened.adapter
  // While the model opens (the runner's session starts, when it is not ready yet), the split's samples
  // are read and their images loaded: the loop takes them over in order, with the same errors at the
  // same place (src/engine/readAhead.ts). Not for robust (its own loop) or a calibrated run (another
  // split is read first); not loaded ahead with --faces detect (the detector counts what it sees).
  const shard = spec.shard
  const detecting = adapter !== opened.adapter
  const startReadAhead =
    run.loop === undefined && run.transform === undefined && !spec.calibrate
      ? () =>
          new ReadAhead(
            () => adapter.samples(split),
            (sample) => !detecting && (shard === undefined || inShard(sample.id, shard)),
            adapter.warnings,
          )
      : undefined
  // file (a folder, FIFO or device named as a model is exit 4, before the card), card, runner: src/model/openModel.ts
  const {
    opened: { file: model, runner },
    readAhead,
  } = await whileOpening(
    () =>
      openModel({
        model: spec.model,
        card: spec.card,
        preset: spec.preset,
        withoutCard: { kind: 'error', data: { dataset: spec.dataset, data: spec.data, split: spec.split } },
        runner: {
          device: spec.device,
          threads: spec.threads,
          runner: spec.runner,
          // ONNX on the CPU runs in a child process, so reading and preprocessing overlap inference, and a
          // batch stuck in native code can be stopped (--batch-timeout, a signal).
          offThread: spec.device === 'cpu',
          ...(run.batchTimeoutMs !== undefined ? { batchTimeoutMs: run.batchTimeoutMs } : {}),
          ...(run.workers !== undefined ? { workers: run.workers } : {}),
        },
      }),
    startReadAhead,
  )
  try {
    warnings.push(...runner.info.notes)
    if (run.workers !== undefined && runner.info.workers === undefined && runner.info.name !== 'tfjs')
      warnings.push(
        `--workers ${run.workers}: only the tfjs runner uses worker threads; ${runner.info.backend} ran one session (--threads sets its threads)`,
      )
    const cardAsGiven = model.resolveCard(runner.input, { namingModel: true })
    const card = withTta(cardAsGiven, spec.tta)
    if (card !== cardAsGiven) warnings.push(`--tta ${card.tta} overrides the card's tta '${cardAsGiven.tta}'`)
    const defaultsNote = cardDefaultsNote(cardAsGiven)
    if (defaultsNote) warnings.push(defaultsNote)
    const classes = card.labels.length
    const outShape = runner.outputs[0]?.shape ?? []
    const outClasses = outShape[outShape.length - 1]
    if (typeof outClasses === 'number' && outClasses !== classes) {
      throw modelError(
        `${spec.model}: output '${runner.outputs[0]!.name}' has ${outClasses} scores per sample but the card (${cardAsGiven.origin.source}) lists ${classes} labels`,
      )
    }
    const mapping = mapLabels(card.labels, adapter.labels, spec.extraClasses)
    if (mapping.extraModelClasses.length > 0) {
      warnings.push(
        spec.extraClasses === 'drop'
          ? `model classes not in ${adapter.name} excluded from the argmax (--extra-classes drop): ${mapping.extraModelClasses.join(', ')}`
          : `model classes not in ${adapter.name} kept as always-wrong predictions (--extra-classes keep): ${mapping.extraModelClasses.join(', ')}`,
      )
    }
    if (mapping.missingModelClasses.length > 0) {
      warnings.push(
        `${adapter.name} classes the model cannot output (their samples always count as wrong): ${mapping.missingModelClasses.join(', ')}`,
      )
    }

    const views = viewCount(card)
    const rowsPerCall = card.fixedBatch ?? spec.batch * views
    checkBatchTensor(
      rowsPerCall,
      card.input,
      card.fixedBatch !== undefined ? 'model' : 'usage',
      card.fixedBatch !== undefined
        ? `${spec.model}: fixed batch ${card.fixedBatch}`
        : `--batch ${spec.batch} (× ${views} view(s))`,
    )
    if (card.fixedBatch !== undefined && card.fixedBatch !== spec.batch * views) {
      warnings.push(
        `model fixes its batch dimension at ${card.fixedBatch}: running ${card.fixedBatch} row(s) per call (--batch ${spec.batch} not used)`,
      )
    }
    const sliceBy = spec.sliceBy ?? []
    if (sliceBy.length > 0) {
      const available = adapter.sliceAttributes?.() ?? []
      for (const a of sliceBy) {
        if (a === PROTO_KEY)
          throw usageError(
            `--slice-by ${PROTO_KEY}: an attribute of that name cannot be a key of the result document (JSON readers drop it); rename the column`,
          )
        if (!available.includes(a))
          throw usageError(
            `--slice-by ${a}: ${adapter.name} data ${spec.data} has ${available.length > 0 ? `attribute(s) ${available.join(', ')}` : 'no per-sample attributes'}`,
          )
      }
      if (new Set(sliceBy).size !== sliceBy.length)
        throw usageError(`--slice-by: an attribute is given twice (${sliceBy.join(', ')})`)
    }
    const slicing =
      sliceBy.length > 0
        ? { attributes: sliceBy, minSamples: spec.sliceMinSamples ?? DEFAULT_SLICE_MIN_SAMPLES }
        : undefined
    // The model's files are hashed (src/base/modelFiles.ts) while the loop runs: the result needs the
    // hash, a resumed run needs it first. An error of the hash (a file of the model gone) still comes
    // before any error of the loop, as when the model was hashed first.
    const identityPending = model.identity()
    identityPending.catch(() => undefined) // read below: before the loop when resuming, else after it
    let state: EvalState
    if (run.resumeFrom) {
      const identity = await identityPending
      const { restoreState } = await import('./resume.js') // the resume modules load only for --resume
      state = restoreState(
        run.resumeFrom,
        {
          modelSha256: identity.sha256,
          files: identity.files,
          card,
          columns: mapping.columns,
          keepScores: spec.predictionScores,
        },
        slicing,
      )
    } else state = new EvalState(mapping.columns.length, spec.predictions, slicing, spec.predictionScores)
    state.outputs = OutputStats.restore(classes, run.resumeFrom?.result.resume?.outputStats)
    const loopBase = {
      adapter,
      data: spec.data,
      modelPath: spec.model,
      runner,
      card,
      mapping,
      batch: spec.batch,
      rowsPerCall,
      concurrency: spec.concurrency,
      strict: spec.strict,
      transform: run.transform,
    }
    let temperatureFit: Omit<TemperatureScaling, 'after'> | undefined
    if (spec.calibrate) {
      await identityPending // hashed before the calibration split is read, as before
      if (spec.calibrate.split === split)
        throw usageError(
          `--calibration-split ${split}: the temperature must be fitted on another split than the one scored (${split})`,
        )
      const saved = run.resumeFrom?.result.metrics.calibration?.temperatureScaling
      if (saved) {
        const { after, ...fit } = saved // a resumed run keeps the temperature fitted before the interruption
        temperatureFit = fit
        state.scaleBy(fit.temperature, after)
      } else {
        const { fitTemperatureOnSplit } = await import('./temperatureFit.js') // loaded only for --calibrate
        temperatureFit = await fitTemperatureOnSplit({ ...loopBase, split: spec.calibrate.split })
        state.scaleBy(temperatureFit.temperature)
      }
    }
    let finished = false
    let stoppedBy: FerbenchError | undefined
    const before = { ...state.stagesMs }
    const startupMs = performance.now()
    try {
      finished = await (run.loop ?? runEvalLoop)(
        {
          ...loopBase,
          split,
          ...(readAhead ? { samples: readAhead } : {}),
          sliceBy: slicing?.attributes,
          shard: spec.shard,
          skip: run.resumeFrom?.result.resume
            ? {
                settled: run.resumeFrom.result.resume.settled,
                settledDigest: run.resumeFrom.result.resume.settledDigest,
                from: run.resumeFrom.file,
              }
            : undefined,
          signal: run.signal,
          onProgress: run.onProgress,
        },
        state,
      )
    } catch (error) {
      // An error after progress keeps what was settled: the caller writes it as a partial result.
      if (!(error instanceof FerbenchError) || state.settled === (run.resumeFrom?.result.resume?.settled ?? 0)) {
        await identityPending // the hash's own error goes first
        throw error
      }
      stoppedBy = error
    }
    const identity = await identityPending
    const stopReason = stoppedBy ? `${stoppedBy.kind} error` : String(run.signal?.reason ?? 'abort')
    const { failures, predictions, stagesMs } = state
    const scored = state.scored

    warnings.push(...(readAhead?.warningsTaken() ?? adapter.warnings), ...(faces?.notes() ?? []))
    warnings.push(...state.images.warnings())
    if (failures.length > 0) warnings.push(`${failures.length} sample(s) failed and are not scored; see failures`)
    if (scored === 0) warnings.push(`no samples were scored from ${spec.data} split ${split}`)
    if (stoppedBy) {
      warnings.push(
        `stopped by an error after ${state.settled} sample(s): ${stoppedBy.message}; partial result: fix the input, then continue with \`ferbench eval --resume <this file>\``,
      )
    } else if (!finished) {
      warnings.push(
        `interrupted (${stopReason}) after ${state.settled} sample(s): partial result; continue with \`ferbench eval --resume <this file>\``,
      )
    }
    const wallSeconds = state.priorWallSeconds + (performance.now() - started) / 1000
    const imagesSummary = state.images.summary()
    const calibration: CalibrationReport = {
      ...state.calibration.metrics(),
      ...(temperatureFit && state.scaled
        ? { temperatureScaling: { ...temperatureFit, after: state.scaled.calibration.metrics() } }
        : {}),
    }
    const metrics: EvalResult['metrics'] = {
      ...classificationMetrics(mapping.columns, state.counts),
      calibration,
      ...(state.slices ? { slices: state.slices.metrics(mapping.columns) } : {}),
    }
    const labelOrder = checkLabelOrder(metrics.confusionMatrix, card.labels, mapping.modelToColumn)
    if (labelOrder.warning) warnings.push(labelOrder.warning)
    if (temperatureFit) {
      const { TEMPERATURE_RANGE } = await import('../metrics/temperature.js') // loaded only for --calibrate
      if (
        temperatureFit.temperature <= TEMPERATURE_RANGE[0] * 1.001 ||
        temperatureFit.temperature >= TEMPERATURE_RANGE[1] * 0.999
      ) {
        warnings.push(
          `--calibrate temperature: the fitted temperature ${temperatureFit.temperature.toFixed(4)} lies at the edge of the searched range ${TEMPERATURE_RANGE.join('–')} (the NLL on ${temperatureFit.split} keeps falling that way, e.g. every sample already right with confidence near 1)`,
        )
      }
    }
    const outputs = checkOutputs(state.outputs, metrics.confusionMatrix, metrics.accuracyCI95, card.output, {
      model: spec.model,
      dataset: spec.dataset,
      data: spec.data,
    })
    if (finished) warnings.push(...outputs.warnings)
    const result: EvalResult = {
      schema: EVAL_SCHEMA,
      complete: finished,
      demo: spec.demo,
      createdAt: new Date().toISOString(),
      tool: { name: 'ferbench', version: toolVersion() },
      model: {
        path: path.resolve(spec.model),
        sha256: identity.sha256,
        bytes: identity.bytes,
        files: identity.files,
        card,
      },
      dataset: {
        name: adapter.name,
        path: path.resolve(spec.data),
        split,
        samples: scored,
        ...state.digests.fields(),
        labels: [...adapter.labels],
        ...(spec.shard ? { shard: { ...spec.shard, hash: SHARD_HASH } } : {}),
        ...(adapter.fold ? { fold: adapter.fold } : {}),
        ...(imagesSummary ? { images: imagesSummary } : {}),
        ...(faces ? { faces: faces.summary(correctCount(metrics.confusionMatrix.counts)) } : {}),
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
        ...(runner.info.workers !== undefined ? { workers: runner.info.workers } : {}),
        graphOptimization: runner.info.graphOptimization ?? null,
        batch: spec.batch,
        rowsPerCall,
        fixedBatch: card.fixedBatch !== undefined,
      },
      machine: machineInfo(),
      versions: {
        ferbench: toolVersion(),
        ...packageVersions([
          'onnxruntime-node',
          '@tensorflow/tfjs-core',
          '@tensorflow/tfjs-backend-wasm',
          'sharp',
          'csv-parse',
        ]),
      },
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
      ...(predictions ? { predictions: encodePredictions(predictions, mapping.columns, spec.predictionScores) } : {}),
      ...(finished
        ? {}
        : {
            resume: {
              settled: state.settled,
              settledDigest: state.settledDigest.hex(),
              signal: stopReason,
              outputStats: state.outputs.state(),
              options: storedSpec(spec, split),
            },
          }),
    }
    if (stoppedBy) throw new PartialResultError(stoppedBy, result)
    return result
  } finally {
    await readAhead?.close()
    faces?.release()
    await runner.release()
  }
}

/** Where this segment's time went (src/results/evalDocument.ts timing.split). */
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

/** Correct predictions: the confusion matrix's diagonal. */
function correctCount(matrix: readonly (readonly number[])[]): number {
  return matrix.reduce((sum, row, i) => sum + (row[i] ?? 0), 0)
}
