import type { ModelCard } from '../card/schema.js'
import type { ModelFileEntry } from '../base/modelFiles.js'
import type { EvalResult } from '../results/evalDocument.js'
import { specFromStored, type EvalSpec } from './spec.js'
import { canonicalJson, checkPartialResult } from './documentChecks.js'
import { cardError, dataError, modelError } from '../base/errors.js'
import { EvalState } from './evalState.js'

/** What --resume expects, for messages. */
const PARTIAL_EXPECTED = 'a partial result written by an interrupted `ferbench eval`'

/**
 * Reads a partial result for --resume with the one document reader: schema-validated (a wrong
 * field is named), then checked for consistency (checkPartialResult); any problem is exit 3
 * naming the file.
 */
async function readPartialResult(file: string): Promise<EvalResult> {
  // the document reader and its schemas load only for --resume
  const { readEvalDocumentFor } = await import('../results/readDocument.js')
  const doc: EvalResult = readEvalDocumentFor(file, PARTIAL_EXPECTED)
  if (doc.complete)
    throw dataError(`--resume ${file}: this result is complete (complete:true); there is nothing to resume`)
  checkPartialResult(doc, file)
  return doc
}

/** `: group1-shard1of1.bin differs` — the files whose hashes differ, when both lists are known. */
function changedFiles(then: readonly ModelFileEntry[] | undefined, now: readonly ModelFileEntry[] | undefined): string {
  if (!then || !now) return ''
  const before = new Map(then.map((f) => [f.path, f.sha256]))
  const after = new Map(now.map((f) => [f.path, f.sha256]))
  const changed = [...new Set([...before.keys(), ...after.keys()])].filter((p) => before.get(p) !== after.get(p))
  return changed.length > 0 ? `; changed: ${changed.join(', ')}` : ''
}

/**
 * The run state stored in a partial result, after checking that it belongs to this run: same
 * model bytes, same resolved card (origin aside), same confusion-matrix columns.
 */
export function restoreState(
  from: { file: string; result: EvalResult },
  current: {
    modelSha256: string
    files?: readonly ModelFileEntry[]
    card: ModelCard
    columns: readonly string[]
    keepScores?: boolean
  },
  sliceBy?: { attributes: readonly string[]; minSamples: number },
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
  if (canonicalJson(strip(result.model.card)) !== canonicalJson(strip(current.card))) {
    throw cardError(
      `--resume ${file}: the model card resolves differently now than in the partial result; run again without --resume`,
    )
  }
  const columns = result.metrics.confusionMatrix.labels
  if (columns.join(',') !== current.columns.join(',')) {
    throw dataError(
      `--resume ${file}: confusion-matrix columns were [${columns.join(', ')}], now [${current.columns.join(', ')}]`,
    )
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
      ...(result.metrics.calibration ? { calibration: result.metrics.calibration } : {}),
      ...(result.metrics.slices ? { slices: result.metrics.slices } : {}),
    },
    current.columns.length,
    sliceBy,
    current.keepScores ?? false,
  )
}

/**
 * What `eval --resume <file>` runs: the spec the partial result stores (validated by its schema,
 * paths resolved), with `concurrency` the only setting taken from now, and the partial to continue.
 */
export async function resumeFromPartial(
  file: string,
  concurrency: number,
): Promise<{ spec: EvalSpec; resumeFrom: { file: string; result: EvalResult } }> {
  const result = await readPartialResult(file)
  return { spec: specFromStored(file, result.resume!.options, concurrency), resumeFrom: { file, result } }
}
