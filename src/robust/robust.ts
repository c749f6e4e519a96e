import { performance } from 'node:perf_hooks'
import { wilsonInterval } from '../metrics/classification.js'
import { ROBUST_SCHEMA, type RobustOutcome, type RobustResult } from '../results/robustDocument.js'
import type { EvalResult } from '../results/evalDocument.js'
import { evaluate } from '../engine/evaluate.js'
import type { EvalSpec } from '../engine/spec.js'
import { machineInfo, toolVersion } from '../base/provenance.js'
import type { Corruption } from '../results/robustDocument.js'
import { FerbenchError } from '../base/errors.js'
import { PartialResultError } from '../engine/partialResult.js'
import { type Condition, ConditionTally, type CorruptMany, robustLoop } from './robustLoop.js'
import { corruptBatch } from './corruptBatch.js'

/** What robust runs beyond the spec of its clean pass. */
export interface RobustConditions {
  corruptions: readonly Corruption[]
  severities: readonly number[]
  seed: number
  /** Called with the condition being run ('clean' or '<corruption> <severity>'), the pass number and the samples done in it. */
  onProgress?: (condition: string, pass: number, passes: number, samplesDone: number) => void
}

export const DEFAULT_ROBUST_SEED = 15

/** One condition's outcome from its eval result (a failed sample is neither right nor wrong: it is counted apart). */
function outcomeOf(result: Pick<EvalResult, 'metrics' | 'failures'>): RobustOutcome {
  const { correct, samples } = result.metrics
  return {
    accuracy: samples === 0 ? 0 : correct / samples,
    accuracyCI95: wilsonInterval(correct, samples),
    samples,
    correct,
    failures: result.failures.length,
  }
}

/** Outcome from summed counts (merge). */
export function outcomeFromCounts(correct: number, samples: number, failures: number): RobustOutcome {
  return {
    accuracy: samples === 0 ? 0 : correct / samples,
    accuracyCI95: wilsonInterval(correct, samples),
    samples,
    correct,
    failures,
  }
}

/** meanCorruptionAccuracy and relativeRobustness (definitions in the schema and docs/beyond-accuracy.md). */
export function summarise(
  clean: RobustOutcome,
  results: readonly RobustOutcome[],
): { meanCorruptionAccuracy: number; relativeRobustness: number } {
  const meanCorruptionAccuracy = results.length === 0 ? 0 : results.reduce((s, r) => s + r.accuracy, 0) / results.length
  return {
    meanCorruptionAccuracy,
    relativeRobustness: clean.accuracy === 0 ? 0 : meanCorruptionAccuracy / clean.accuracy,
  }
}

/** A partial robust result to continue (`robust --resume`): its file, the clean pass's partial eval result and each condition's tally. */
export interface RobustResumeFrom {
  file: string
  clean: EvalResult
  tallies: ReadonlyArray<{ correct: number; samples: number; failures: number; digest: string }>
}

/** What a run adds to its spec and conditions: the stop signal and the partial result it continues. */
export interface RobustRun {
  signal?: AbortSignal | undefined
  /** --batch-timeout in milliseconds (src/engine/evaluate.ts EvalRun). */
  batchTimeoutMs?: number | undefined
  /** --workers (src/engine/evaluate.ts EvalRun). */
  workers?: number | undefined
  resumeFrom?: RobustResumeFrom | undefined
}

/** Every (corruption, severity) in the order of the document's results. */
export function conditionList(corruptions: readonly Corruption[], severities: readonly number[]): Condition[] {
  return corruptions.flatMap((corruption) => severities.map((severity) => ({ corruption, severity })))
}

/**
 * Evaluates the model on the clean split and under every corruption × severity in one pass over
 * the data (src/robust/robustLoop.ts): each image is decoded once, corrupted under every condition
 * (seeded by sample id, so identical on every run and at any --concurrency) before the card's
 * preprocessing, and the clean and corrupted rows share full inference batches. Interrupted (the
 * signal), it returns a partial result (complete:false) that `resume` continues.
 */
export async function robust(spec: EvalSpec, conditions: RobustConditions, run: RobustRun = {}): Promise<RobustResult> {
  const started = performance.now()
  const { corruptions, severities, seed, onProgress } = conditions
  const list = conditionList(corruptions, severities)
  const { resumeFrom } = run
  if (resumeFrom && resumeFrom.tallies.length !== list.length)
    throw new RangeError(`a partial result with ${resumeFrom.tallies.length} conditions for ${list.length}`)
  const tallies = list.map((_, i) => new ConditionTally(resumeFrom?.tallies[i]))
  const corruptMany: CorruptMany = (images, samples, wanted) =>
    corruptBatch(
      images,
      samples.map((s) => s.id),
      wanted,
      seed,
    )
  const label = list.length > 0 ? `clean + ${list.length} corrupted` : 'clean'
  let clean: EvalResult
  try {
    clean = await evaluate(spec, {
      signal: run.signal,
      batchTimeoutMs: run.batchTimeoutMs,
      workers: run.workers,
      onProgress: (done) => onProgress?.(label, 1, 1, done),
      resumeFrom: resumeFrom ? { file: resumeFrom.file, result: resumeFrom.clean } : undefined,
      loop: robustLoop(list, tallies, corruptMany),
    })
  } catch (error) {
    if (error instanceof PartialResultError && error.cause instanceof FerbenchError)
      throw new PartialResultError(error.cause, robustDocument(error.partial, conditions, tallies, started, resumeFrom))
    throw error
  }
  return robustDocument(clean, conditions, tallies, started, resumeFrom)
}

/** The robust document from the clean pass's eval result and each condition's tally (a partial one when the clean pass is). */
function robustDocument(
  clean: EvalResult,
  conditions: RobustConditions,
  tallies: readonly ConditionTally[],
  started: number,
  resumeFrom: RobustResumeFrom | undefined,
): RobustResult {
  const { corruptions, severities, seed } = conditions
  const list = conditionList(corruptions, severities)
  const results: RobustResult['results'] = list.map(({ corruption, severity }, i) => ({
    corruption,
    severity,
    ...outcomeFromCounts(tallies[i]!.correct, tallies[i]!.scored, tallies[i]!.failures),
  }))
  const warnings = clean.complete
    ? [...clean.warnings]
    : [
        `interrupted after ${clean.resume?.settled ?? 0} sample(s): partial result; continue with \`ferbench robust --resume <this file>\``,
      ]
  if (clean.complete)
    list.forEach(({ corruption, severity }, i) => {
      const tally = tallies[i]!
      if (tally.digest.hex() !== clean.dataset.digest)
        warnings.push(
          `${corruption} severity ${severity}: ${tally.failures} sample(s) failed to load or to corrupt; its accuracy covers ${tally.scored} samples`,
        )
    })
  const cleanOutcome = outcomeOf(clean)
  const priorWallSeconds = resumeFrom?.clean.timing.wallSeconds ?? 0
  return {
    schema: ROBUST_SCHEMA,
    createdAt: new Date().toISOString(),
    tool: { name: 'ferbench', version: toolVersion() },
    model: clean.model,
    dataset: {
      name: clean.dataset.name,
      path: clean.dataset.path,
      split: clean.dataset.split,
      samples: clean.dataset.samples,
      digest: clean.dataset.digest,
      ...(clean.dataset.images ? { images: clean.dataset.images } : {}),
      ...(clean.dataset.faces ? { faces: clean.dataset.faces } : {}),
      ...(clean.dataset.shard ? { shard: clean.dataset.shard } : {}),
    },
    runner: {
      name: clean.runner.name,
      backend: clean.runner.backend,
      device: clean.runner.device,
      version: clean.runner.version,
      ...(clean.runner.workers !== undefined ? { workers: clean.runner.workers } : {}),
    },
    machine: machineInfo(),
    versions: clean.versions,
    seed,
    corruptions: [...corruptions],
    severities: [...severities],
    clean: cleanOutcome,
    results,
    ...summarise(cleanOutcome, results),
    timing: { wallSeconds: priorWallSeconds + (performance.now() - started) / 1000 },
    warnings,
    ...(clean.complete
      ? {}
      : { complete: false as const, resume: { clean: { ...clean }, digests: tallies.map((t) => t.digest.hex()) } }),
  }
}
