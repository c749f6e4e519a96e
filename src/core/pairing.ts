import type { PairedOutcome } from '../metrics/stats.js'
import type { EvalDocument } from '../report/schemas/evalDocument.js'
import { dataError } from './errors.js'

/** Same test set: equal dataset digests (a digest covers every scored sample id and truth label) and sample counts. */
/** The dataset fields of a result (eval or robust) that identify its test set. */
type TestSet = { dataset: Pick<EvalDocument['dataset'], 'name' | 'split' | 'samples' | 'digest'> }

export function requireSameDataset(a: TestSet, aFile: string, b: TestSet, bFile: string, what: string): void {
  if (a.dataset.digest === b.dataset.digest && a.dataset.samples === b.dataset.samples) return
  throw dataError(
    `${what} needs both results on the same test set, but the datasets differ: ` +
      `${aFile} scored ${a.dataset.name} ${a.dataset.split} (${a.dataset.samples} samples, digest ${a.dataset.digest.slice(0, 12)}…), ` +
      `${bFile} scored ${b.dataset.name} ${b.dataset.split} (${b.dataset.samples} samples, digest ${b.dataset.digest.slice(0, 12)}…). ` +
      'Evaluate both models on the same data and split (failed samples change the digest too).',
  )
}

export interface Pairing {
  pairs: PairedOutcome[]
  /** The truth label of each paired sample, same order as pairs. */
  truths: string[]
  /** Why pairing was not possible (no predictions in one document, ids that do not match). */
  unavailable?: string
}

/** Pairs per-sample predictions by sample id (both documents need `predictions`, from eval --embed-predictions). */
export function pairPredictions(a: EvalDocument, aFile: string, b: EvalDocument, bFile: string): Pairing {
  const missing = [a.predictions ? undefined : aFile, b.predictions ? undefined : bFile].filter((f) => f !== undefined)
  if (missing.length > 0) {
    return { pairs: [], truths: [], unavailable: `no per-sample predictions in ${missing.join(' and ')} (run eval with --embed-predictions)` }
  }
  const byId = new Map(b.predictions!.map((p) => [p.id, p]))
  const pairs: PairedOutcome[] = []
  const truths: string[] = []
  let unmatched = 0
  for (const pa of a.predictions!) {
    const pb = byId.get(pa.id)
    if (!pb || pb.truth !== pa.truth) {
      unmatched += 1
      continue
    }
    pairs.push({ id: pa.id, a: pa.predicted === pa.truth, b: pb.predicted === pb.truth })
    truths.push(pa.truth)
  }
  if (unmatched > 0 || pairs.length !== b.predictions!.length) {
    return {
      pairs: [],
      truths: [],
      unavailable: `per-sample predictions do not pair up: ${unmatched} of ${a.predictions!.length} ids in ${aFile} have no match with the same truth in ${bFile} (${b.predictions!.length} predictions)`,
    }
  }
  return { pairs, truths }
}
