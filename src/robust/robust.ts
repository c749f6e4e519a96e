import { performance } from 'node:perf_hooks'
import { wilsonInterval } from '../metrics/classification.js'
import { ROBUST_SCHEMA, type RobustOutcome, type RobustResult } from '../documents/robustDocument.js'
import type { EvalResult } from '../documents/evalDocument.js'
import { evaluate, type EvalRun } from '../eval/evaluate.js'
import type { EvalSpec } from '../eval/spec.js'
import { machineInfo, toolVersion } from '../identity/provenance.js'
import { corrupt, corruptionRandom } from './corruptions.js'
import { type Corruption } from '../documents/robustDocument.js'

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

/**
 * Evaluates the model on the clean split, then once per corruption × severity with each decoded
 * image corrupted (seeded by sample id, so identical on every run and at any --concurrency) before
 * the card's preprocessing.
 */
export async function robust(spec: EvalSpec, conditions: RobustConditions): Promise<RobustResult> {
  const started = performance.now()
  const { corruptions, severities, seed, onProgress } = conditions
  const passes = 1 + corruptions.length * severities.length
  let pass = 0
  const run = async (condition: string, transform?: EvalRun['transform']): Promise<EvalResult> => {
    pass += 1
    const p = pass
    return evaluate(spec, { transform, onProgress: (done) => onProgress?.(condition, p, passes, done) })
  }
  const clean = await run('clean')
  const warnings = [...clean.warnings]
  const results: RobustResult['results'] = []
  for (const corruption of corruptions) {
    for (const severity of severities) {
      const r = await run(`${corruption} ${severity}`, (image, sample) =>
        corrupt(image, corruption, severity, corruptionRandom(seed, corruption, sample.id)),
      )
      if (r.dataset.digest !== clean.dataset.digest)
        warnings.push(
          `${corruption} severity ${severity}: ${r.failures.length} sample(s) failed to load or to corrupt; its accuracy covers ${r.metrics.samples} samples`,
        )
      results.push({ corruption, severity, ...outcomeOf(r) })
    }
  }
  const cleanOutcome = outcomeOf(clean)
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
      ...(clean.dataset.shard ? { shard: clean.dataset.shard } : {}),
    },
    runner: {
      name: clean.runner.name,
      backend: clean.runner.backend,
      device: clean.runner.device,
      version: clean.runner.version,
    },
    machine: machineInfo(),
    versions: clean.versions,
    seed,
    corruptions: [...corruptions],
    severities: [...severities],
    clean: cleanOutcome,
    results,
    ...summarise(cleanOutcome, results),
    timing: { wallSeconds: (performance.now() - started) / 1000 },
    warnings,
  }
}
