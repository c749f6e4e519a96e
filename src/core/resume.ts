import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { ModelCard } from '../models/card.js'
import type { ModelFileEntry } from './modelFiles.js'
import { EVAL_SCHEMA, type EvalResult, type ResumeOptions } from '../report/evalResult.js'
import { cardError, dataError, messageOf, modelError } from './errors.js'
import { EvalState } from './evalState.js'

/** Where an interrupted eval writes its partial result when no --output is given (in the working directory). */
export const DEFAULT_PARTIAL_FILE = 'ferbench-eval.partial.json'

/** Reads a partial result for --resume; the message names the file and what was expected. */
export function readPartialResult(file: string): EvalResult {
  if (!existsSync(file)) throw dataError(`--resume ${file}: no such file (expected a partial result written by an interrupted \`ferbench eval\`)`)
  let doc: unknown
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw dataError(`--resume ${file}: not valid JSON (${messageOf(error)}); expected a partial result written by an interrupted \`ferbench eval\``)
  }
  const result = doc as Partial<EvalResult> | null
  if (result === null || typeof result !== 'object' || result.schema !== EVAL_SCHEMA) {
    throw dataError(`--resume ${file}: not a ${EVAL_SCHEMA} result document`)
  }
  if (result.complete === true) throw dataError(`--resume ${file}: this result is complete (complete:true); there is nothing to resume`)
  const resume = result.resume
  if (!resume || typeof resume.settled !== 'number' || typeof resume.settledDigest !== 'string' || typeof resume.options !== 'object') {
    throw dataError(`--resume ${file}: partial result has no usable 'resume' section (settled, settledDigest, options)`)
  }
  return result as EvalResult
}

/** The stored options with relative paths made relative to the interrupted run's directory when run from elsewhere. */
export function resumedPaths(options: ResumeOptions): ResumeOptions {
  if (path.resolve(options.cwd) === process.cwd()) return options
  const at = (p: string): string => path.resolve(options.cwd, p)
  return { ...options, model: at(options.model), data: at(options.data), ...(options.card ? { card: at(options.card) } : {}) }
}

/** `: group1-shard1of1.bin differs` — the files whose hashes differ, when both lists are known. */
function changedFiles(then: readonly ModelFileEntry[] | undefined, now: readonly ModelFileEntry[] | undefined): string {
  if (!then || !now) return ''
  const before = new Map(then.map((f) => [f.path, f.sha256]))
  const after = new Map(now.map((f) => [f.path, f.sha256]))
  const changed = [...new Set([...before.keys(), ...after.keys()])].filter((p) => before.get(p) !== after.get(p))
  return changed.length > 0 ? `; changed: ${changed.join(', ')}` : ''
}

/** Sorted-key JSON, so that card comparisons ignore key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : v,
  )
}

/**
 * The run state stored in a partial result, after checking that it belongs to this run: same
 * model bytes, same resolved card (origin aside), same confusion-matrix columns.
 */
export function restoreState(
  from: { file: string; result: EvalResult },
  current: { modelSha256: string; files?: readonly ModelFileEntry[]; card: ModelCard; columns: readonly string[]; keepScores?: boolean },
): EvalState {
  const { file, result } = from
  if (result.dataset.contentDigest === undefined || result.dataset.idDigest === undefined) {
    throw dataError(
      `--resume ${file}: this partial result was written by an older ferbench whose dataset digest does not cover the pixels ` +
        '(no dataset.contentDigest), so the samples it settled cannot be checked; run again without --resume',
    )
  }
  if (result.model.sha256 !== current.modelSha256) {
    throw modelError(
      `--resume ${file}: the model changed since the partial result (sha256 over its files ${result.model.sha256.slice(0, 12)}… then, ${current.modelSha256.slice(0, 12)}… now` +
        `${changedFiles(result.model.files, current.files)}); run again without --resume`,
    )
  }
  const strip = (card: ModelCard): unknown => ({ ...card, origin: undefined })
  if (canonical(strip(result.model.card)) !== canonical(strip(current.card))) {
    throw cardError(`--resume ${file}: the model card resolves differently now than in the partial result; run again without --resume`)
  }
  const columns = result.metrics.confusionMatrix.labels
  if (columns.join(',') !== current.columns.join(',')) {
    throw dataError(`--resume ${file}: confusion-matrix columns were [${columns.join(', ')}], now [${current.columns.join(', ')}]`)
  }
  return EvalState.restore(
    {
      counts: result.metrics.confusionMatrix.counts,
      digest: result.dataset.digest,
      contentDigest: result.dataset.contentDigest,
      idDigest: result.dataset.idDigest,
      settledDigest: result.resume!.settledDigest,
      scored: result.dataset.samples,
      settled: result.resume!.settled,
      failures: result.failures,
      ...(result.predictions ? { predictions: result.predictions } : {}),
      stagesMs: result.timing.stagesMs,
      wallSeconds: result.timing.wallSeconds,
      segments: result.timing.segments ?? 1,
    },
    current.columns.length,
    current.keepScores ?? false,
  )
}
