import type { PairedOutcome } from '../metrics/stats.js'
import type { SamplePrediction } from '../results/predictions.js'
import { decodePredictions, type PredictionsField } from '../results/predictions.js'
import type { ScoredDocument } from '../results/readDocument.js'
import type { EvalResult } from '../results/evalDocument.js'
import { combinedSha256 } from '../base/modelFiles.js'
import { dataError } from '../base/errors.js'

/**
 * What compare and gate read from an eval or cross-validation document: the test set's identity,
 * the (pooled) metrics and the per-sample predictions. Rules in docs/identity.md.
 */
export interface ScoredView {
  kind: 'eval' | 'cv'
  file: string
  complete: boolean
  createdAt: string
  model: { path: string; sha256: string }
  dataset: {
    name: string
    split: string
    samples: number
    digest?: string | undefined
    contentDigest?: string | undefined
    idDigest?: string | undefined
  }
  metrics: EvalResult['metrics']
  predictions?: PredictionsField | undefined
  /** Cross-validation only: each fold's accuracy. */
  folds?: Array<{ fold: number; samples: number; accuracy: number }>
}

export function scoredView(read: ScoredDocument): ScoredView {
  if (read.kind === 'eval') {
    const d = read.doc
    return {
      kind: 'eval',
      file: read.file,
      complete: d.complete,
      createdAt: d.createdAt,
      model: { path: d.model.path, sha256: d.model.sha256 },
      dataset: d.dataset,
      metrics: d.metrics,
      predictions: d.predictions,
    }
  }
  const d = read.doc
  const shas = [...new Set(d.folds.map((f) => f.model.sha256))]
  // one model on every fold: its hash; one model per fold: the sha256sum-style hash over the fold models
  const sha256 =
    shas.length === 1
      ? shas[0]!
      : combinedSha256(d.folds.map((f) => ({ path: `fold${f.fold}`, bytes: 0, sha256: f.model.sha256 })))
  return {
    kind: 'cv',
    file: read.file,
    complete: d.complete,
    createdAt: d.createdAt,
    model: { path: d.protocol.model, sha256 },
    dataset: d.dataset,
    metrics: d.metrics,
    predictions: d.predictions,
    folds: d.folds.map((f) => ({ fold: f.fold, samples: f.samples, accuracy: f.metrics.accuracy })),
  }
}

/** How samples are matched between two documents: by pixel content (and label), or by sample id (older documents). */
export type PairBy = 'content' | 'id'

const short = (hex: string | undefined): string => (hex === undefined ? 'none' : `${hex.slice(0, 12)}…`)
/** What the test-set rule reads of a result (eval, cross-validation or robust): its file and dataset identity. */
export type TestSetView = Pick<ScoredView, 'file' | 'dataset'>

const describe = (v: TestSetView): string =>
  `${v.file} scored ${v.dataset.name} ${v.dataset.split} (${v.dataset.samples} samples)`

/**
 * Same test set, or a data error (exit 3) that says what differs:
 * - both documents hash pixels (dataset.contentDigest): the same pictures with the same labels,
 *   whatever file or row numbers they were read from; samples are paired by content;
 * - same sample ids and labels but different pixels: refused, saying the data changed;
 * - a document made before pixels were hashed: matched on sample ids and labels only (its
 *   `digest` against the other's `idDigest`), paired by id, with a note that pixels are unchecked.
 * Returns the notes to show and how to pair samples.
 */
export function requireSameDataset(a: TestSetView, b: TestSetView, what: string): { pairBy: PairBy; notes: string[] } {
  const differ = (extra: string): never => {
    throw dataError(
      `${what} needs both results on the same test set, but the datasets differ: ${describe(a)}, ${describe(b)}. ${extra}` +
        'Evaluate both models on the same data and split (failed samples change the digests too).',
    )
  }
  const ca = a.dataset.contentDigest
  const cb = b.dataset.contentDigest
  if (ca !== undefined && cb !== undefined) {
    if (ca === cb && a.dataset.samples === b.dataset.samples) {
      const notes =
        a.dataset.digest === b.dataset.digest
          ? []
          : [
              'the same pictures and labels were read from differently numbered data (sample ids differ, e.g. a test-only CSV and the full fer2013.csv): samples are paired by pixel content',
            ]
      return { pairBy: 'content', notes }
    }
    if (
      a.dataset.idDigest !== undefined &&
      a.dataset.idDigest === b.dataset.idDigest &&
      a.dataset.samples === b.dataset.samples
    ) {
      throw dataError(
        `${what}: the data changed between the two runs: ${a.file} and ${b.file} scored the same ${a.dataset.samples} sample ids with the same labels, ` +
          `but the pixels differ (content digest ${short(ca)} vs ${short(cb)}). A difference in the metrics would come from the data, not the model; evaluate both models on the same files.`,
      )
    }
    return differ(`Content digests: ${short(ca)} vs ${short(cb)}. `)
  }
  // At least one document was made before pixels were hashed: compare ids and labels only.
  const idsOf = (v: TestSetView): string | undefined =>
    v.dataset.contentDigest === undefined ? v.dataset.digest : v.dataset.idDigest
  const ia = idsOf(a)
  const ib = idsOf(b)
  if (ia === undefined || ib === undefined || ia !== ib || a.dataset.samples !== b.dataset.samples)
    return differ(`Digests of ids and labels: ${short(ia)} vs ${short(ib)}. `)
  const older = [a, b].filter((v) => v.dataset.contentDigest === undefined).map((v) => v.file)
  return {
    pairBy: 'id',
    notes: [
      `${older.join(' and ')} ${older.length > 1 ? 'were' : 'was'} made by an older ferbench that did not hash pixels: the test set is matched on sample ids and labels only, so a change of the images themselves cannot be detected`,
    ],
  }
}

export interface Pairing {
  pairs: PairedOutcome[]
  /** The truth label of each paired sample, same order as pairs. */
  truths: string[]
  pairedBy?: PairBy
  /** Why pairing was not possible (no predictions in one document, samples that do not match). */
  unavailable?: string
}

const naturalOrder = (x: string, y: string): number => x.localeCompare(y, 'en', { numeric: true })

/**
 * Keys that pair samples across documents. By content: `<content key>\t<truth>#<k>`, where k
 * numbers the samples of one document with the same pixels and label in natural id order (so
 * duplicates pair deterministically); by id: the sample id.
 */
function pairingKeys(rows: readonly SamplePrediction[], by: PairBy): Map<string, SamplePrediction> {
  const out = new Map<string, SamplePrediction>()
  if (by === 'id') {
    for (const r of rows) out.set(r.id, r)
    return out
  }
  const groups = new Map<string, SamplePrediction[]>()
  for (const r of rows) {
    const base = `${r.content}\t${r.truth}`
    const group = groups.get(base)
    if (group) group.push(r)
    else groups.set(base, [r])
  }
  for (const [base, group] of groups) {
    group.sort((x, y) => naturalOrder(x.id, y.id))
    group.forEach((r, k) => out.set(`${base}#${k}`, r))
  }
  return out
}

/** Pairs per-sample predictions (embedded by default; absent with --no-embed-predictions). */
export function pairPredictions(a: ScoredView, b: ScoredView, by: PairBy): Pairing {
  const missing = [a.predictions ? undefined : a.file, b.predictions ? undefined : b.file].filter(
    (f) => f !== undefined,
  )
  if (missing.length > 0) {
    return {
      pairs: [],
      truths: [],
      unavailable: `${missing.join(' and ')} ${missing.length > 1 ? 'carry' : 'carries'} no per-sample predictions (made with --no-embed-predictions, or by an older ferbench that embedded them only with --embed-predictions)`,
    }
  }
  const rowsA = decodePredictions(a.predictions!)
  const rowsB = decodePredictions(b.predictions!)
  const pairBy: PairBy =
    by === 'content' && [...rowsA, ...rowsB].every((r) => r.content !== undefined) ? 'content' : 'id'
  const keysA = pairingKeys(rowsA, pairBy)
  const keysB = pairingKeys(rowsB, pairBy)
  const pairs: PairedOutcome[] = []
  const truths: string[] = []
  let unmatched = 0
  for (const [key, pa] of keysA) {
    const pb = keysB.get(key)
    if (!pb || pb.truth !== pa.truth) {
      unmatched += 1
      continue
    }
    pairs.push({ id: pa.id, a: pa.predicted === pa.truth, b: pb.predicted === pb.truth })
    truths.push(pa.truth)
  }
  if (unmatched > 0 || pairs.length !== keysB.size || keysA.size !== rowsA.length) {
    return {
      pairs: [],
      truths: [],
      unavailable:
        `per-sample predictions do not pair up by ${pairBy === 'content' ? 'pixel content and label' : 'sample id and label'}: ` +
        `${unmatched} of ${rowsA.length} samples in ${a.file} have no match in ${b.file} (${rowsB.length} predictions)`,
    }
  }
  return { pairs, truths, pairedBy: pairBy }
}
