import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { FOLD_RULE } from '../datasets/folds.js'
import { foldCount } from '../datasets/foldOptions.js'
import { datasetFactory } from '../datasets/registry.js'
import { classificationMetrics } from '../metrics/classification.js'
import { checkLabelOrderOfMapping, drivingPart } from '../metrics/labelOrder.js'
import { meanVariance } from '../metrics/spread.js'
import { CV_SCHEMA, type CvResult, type CvResumePoint } from '../results/cvDocument.js'
import type { EvalResult } from '../results/evalDocument.js'
import { decodePredictions, encodePredictions } from '../results/predictions.js'
import { DatasetDigest } from '../base/datasetDigest.js'
import { FerbenchError, dataError, modelError, usageError } from '../base/errors.js'
import { PartialResultError } from './partialResult.js'
import { evaluate, type EvalRun } from './evaluate.js'
import { modelForFold, storedSpec, type EvalSpec } from './spec.js'
import { modelIdentity } from '../base/modelFiles.js'
import { machineInfo, toolVersion } from '../base/provenance.js'

const LABEL_ORDER_WARNING = 'label order check'
const SAME_MODEL_NOTE =
  'one model tested on every fold: this is cross-dataset testing of that model on subject-independent parts of the data, not k-fold training'
const PER_FOLD_MODEL_NOTE = 'each fold k was tested with the model trained for it (--model pattern with {fold})'

/** What an all-fold run adds to its spec: the stop signal, progress over all folds, the partial result it continues. */
export interface CvRun extends Pick<EvalRun, 'signal' | 'onProgress' | 'batchTimeoutMs' | 'workers'> {
  /** Continue an interrupted all-fold run from its partial result (src/engine/cvResume.ts). */
  resumeFrom?: { file: string; point: CvResumePoint; wallSeconds: number } | undefined
}

/**
 * Evaluates every subject-independent fold (--folds N without --fold): fold k's test samples with
 * the model for fold k, then per-fold metrics, mean ± std of accuracy, and the pooled confusion matrix.
 */
export async function crossValidate(spec: EvalSpec, run: CvRun = {}): Promise<CvResult> {
  const started = performance.now()
  const info = (await datasetFactory(spec.dataset)).info
  const folds = foldCount(info, { folds: spec.datasetOptions?.folds, fold: 1 })!
  if (spec.datasetOptions?.fold !== undefined)
    throw usageError('crossValidate runs every fold; --fold selects one (use evaluate)')
  const sameModel = !spec.model.includes('{fold}')
  const { resumeFrom } = run
  const results: EvalResult[] = []
  let current: EvalResult | undefined
  let stoppedBy: FerbenchError | undefined
  for (let k = 1; k <= folds; k++) {
    const done = resumeFrom?.point.folds[k - 1]
    if (done) {
      await checkFinishedFold(resumeFrom!.file, done, k, modelForFold(spec.model, k))
      results.push(done)
      continue
    }
    if (run.signal?.aborted) break // stopped between folds: the next fold starts afresh on resume
    const resumeFold = k === (resumeFrom?.point.folds.length ?? 0) + 1 ? resumeFrom?.point.current : undefined
    // progress counts over all folds: the samples of the folds before this one are added
    const before = results.reduce((n, r) => n + r.dataset.samples, 0)
    const onProgress = run.onProgress ? (done: number) => run.onProgress!(before + done) : undefined
    let result: EvalResult
    try {
      result = await evaluate(
        { ...spec, model: modelForFold(spec.model, k), datasetOptions: { ...spec.datasetOptions, folds, fold: k } },
        {
          signal: run.signal,
          batchTimeoutMs: run.batchTimeoutMs,
          workers: run.workers,
          onProgress,
          resumeFrom: resumeFold ? { file: resumeFrom!.file, result: resumeFold } : undefined,
        },
      )
    } catch (error) {
      // an error in fold k keeps the folds done (and what fold k settled): the caller writes them as a partial result
      if (!(error instanceof FerbenchError)) throw error
      if (error instanceof PartialResultError) current = error.partial
      else if (results.length === 0 && !resumeFold) throw error
      else if (resumeFold) current = resumeFold
      stoppedBy = error
      break
    }
    if (!result.complete) {
      current = result
      break
    }
    results.push(result)
  }
  const first = results[0] ?? current
  if (!first) throw usageError('all-fold run interrupted before its first fold started; nothing to write')
  const labels = first.metrics.confusionMatrix.labels
  const pooled = labels.map(() => new Array<number>(labels.length).fill(0))
  for (const [i, r] of results.entries()) {
    const m = r.metrics.confusionMatrix
    if (m.labels.join(',') !== labels.join(',')) {
      throw modelError(
        `fold ${i + 1}: confusion columns [${m.labels.join(', ')}] differ from fold 1's [${labels.join(', ')}]; every fold's model must have the same labels`,
      )
    }
    m.counts.forEach((row, t) => row.forEach((n, p) => (pooled[t]![p]! += n)))
  }
  // spread over folds: population standard deviation (ddof 0, numpy's default)
  const { mean, variance } = meanVariance(
    results.map((r) => r.metrics.accuracy),
    0,
  )
  const std = Math.sqrt(variance)
  // the label-order check runs once, on the pooled matrix: a per-fold check sees few samples and contradicts itself across folds
  const perFoldWarnings = (r: EvalResult): string[] => r.warnings.filter((w) => !w.startsWith(LABEL_ORDER_WARNING))
  const pooledMatrix = { labels, counts: pooled }
  const labelOrder = checkLabelOrderOfMapping(pooledMatrix, first.labelMapping)
  const drivingFold = drivingPart(
    labelOrder.check,
    results.map((r) => r.metrics.confusionMatrix),
  )
  const warnings = [...new Set(results.flatMap(perFoldWarnings))]
  warnings.unshift(sameModel ? SAME_MODEL_NOTE : PER_FOLD_MODEL_NOTE)
  if (labelOrder.warning) {
    warnings.push(
      labelOrder.warning.replace(
        LABEL_ORDER_WARNING,
        `${LABEL_ORDER_WARNING} (pooled over ${results.length} folds; fold ${drivingFold} gains most)`,
      ),
    )
  }
  const complete = results.length === folds
  const cv: CvResult = {
    schema: CV_SCHEMA,
    complete,
    createdAt: new Date().toISOString(),
    tool: { name: 'ferbench', version: toolVersion() },
    protocol: {
      folds,
      rule: FOLD_RULE,
      split: first.dataset.fold?.split ?? first.dataset.split,
      model: spec.model,
      sameModelEveryFold: sameModel,
      note: sameModel ? SAME_MODEL_NOTE : PER_FOLD_MODEL_NOTE,
    },
    dataset: {
      name: first.dataset.name,
      path: path.resolve(spec.data),
      split: first.dataset.fold?.split ?? first.dataset.split,
      samples: results.reduce((n, r) => n + r.dataset.samples, 0),
      ...foldDigests(results),
      labels: first.dataset.labels,
    },
    labelMapping: first.labelMapping,
    runner: first.runner,
    machine: machineInfo(),
    versions: first.versions,
    folds: results.map((r, i) => ({
      fold: i + 1,
      model: { path: r.model.path, sha256: r.model.sha256 },
      subjects: r.dataset.fold?.subjects ?? [],
      samples: r.dataset.samples,
      digest: r.dataset.digest,
      ...(r.dataset.contentDigest ? { contentDigest: r.dataset.contentDigest } : {}),
      ...(r.dataset.idDigest ? { idDigest: r.dataset.idDigest } : {}),
      metrics: r.metrics,
      warnings: perFoldWarnings(r),
      failures: r.failures,
    })),
    metrics: { ...classificationMetrics(labels, pooled), accuracyFoldMean: mean, accuracyFoldStd: std },
    labelOrderCheck: { ...labelOrder.check, drivingFold },
    timing: { wallSeconds: (resumeFrom?.wallSeconds ?? 0) + (performance.now() - started) / 1000 },
    warnings,
    failures: results.flatMap((r, i) => r.failures.map((f) => ({ ...f, fold: i + 1 }))),
    ...(results.length > 0 && results.every((r) => r.predictions)
      ? {
          predictions: encodePredictions(
            results.flatMap((r) => decodePredictions(r.predictions!)),
            labels,
          ),
        }
      : {}),
    ...(complete
      ? {}
      : {
          resume: {
            signal: stoppedBy ? `${stoppedBy.kind} error` : String(run.signal?.reason ?? 'abort'),
            options: storedSpec({ ...spec, demo: false }, spec.split ?? ''),
            folds: results,
            ...(current ? { current } : {}),
          },
        }),
  }
  if (stoppedBy) throw new CvPartialError(stoppedBy, cv)
  return cv
}

/** An all-fold run stopped by an error after some progress: the error, and the partial result of the folds done (to write, then --resume). */
export class CvPartialError extends PartialResultError<CvResult> {}

/** A fold a partial all-fold result finished: it must be that fold, complete, and its model file unchanged since. */
async function checkFinishedFold(file: string, done: EvalResult, k: number, model: string): Promise<void> {
  if (done.dataset.fold?.fold !== k || !done.complete)
    throw dataError(`--resume ${file}: resume.folds.${k - 1} is not the finished result of fold ${k}`)
  const { sha256 } = await modelIdentity(model) // every file of the model (docs/identity.md)
  if (sha256 !== done.model.sha256) {
    throw modelError(
      `--resume ${file}: the model of fold ${k} (${model}) changed since the partial result (sha256 ${done.model.sha256.slice(0, 12)}… then, ${sha256.slice(0, 12)}… now); run again without --resume`,
    )
  }
}

/** The folds' three digests added up (each is an additive multiset hash; docs/identity.md). */
function foldDigests(
  results: readonly EvalResult[],
): Pick<CvResult['dataset'], 'digest' | 'contentDigest' | 'idDigest'> {
  if (
    results.length === 0 ||
    results.some((r) => r.dataset.contentDigest === undefined || r.dataset.idDigest === undefined)
  )
    return {}
  return {
    digest: DatasetDigest.combine(results.map((r) => r.dataset.digest)),
    contentDigest: DatasetDigest.combine(results.map((r) => r.dataset.contentDigest!)),
    idDigest: DatasetDigest.combine(results.map((r) => r.dataset.idDigest!)),
  }
}
