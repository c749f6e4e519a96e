import { mcnemarFromPairs } from '../metrics/stats.js'
import { readEvalDocument } from '../report/readDocument.js'
import { COMPARE_SCHEMA, type CompareResult, type MetricDelta } from '../report/schemas/compareDocument.js'
import type { EvalDocument } from '../report/schemas/evalDocument.js'
import { pairPredictions, requireSameDataset } from './pairing.js'

const d = (a: number | undefined, b: number | undefined): MetricDelta => ({
  a: a ?? null,
  b: b ?? null,
  delta: a === undefined || b === undefined ? null : b - a,
})

/** The metrics compare reports, all fractions (as in the eval document). */
export const COMPARED_METRICS = ['accuracy', 'balancedAccuracy', 'macroF1'] as const

/** Compares two eval documents of the same test set: b relative to a. */
export function compareDocuments(a: EvalDocument, aFile: string, b: EvalDocument, bFile: string): CompareResult {
  requireSameDataset(a, aFile, b, bFile, 'compare')
  const metrics: Record<string, MetricDelta> = {}
  for (const name of COMPARED_METRICS) metrics[name] = d(a.metrics[name], b.metrics[name])
  const recall = (doc: EvalDocument): Map<string, number> => new Map(doc.metrics.perClass.filter((c) => c.support > 0).map((c) => [c.label, c.recall]))
  const ra = recall(a)
  const rb = recall(b)
  const perClassRecall: Record<string, MetricDelta> = {}
  for (const label of new Set([...ra.keys(), ...rb.keys()])) perClassRecall[label] = d(ra.get(label), rb.get(label))
  const notes: string[] = []
  const pairing = pairPredictions(a, aFile, b, bFile)
  let mcnemar: CompareResult['mcnemar']
  if (pairing.unavailable) notes.push(`McNemar's test not run: ${pairing.unavailable}`)
  else mcnemar = { ...mcnemarFromPairs(pairing.pairs), pairs: pairing.pairs.length }
  if (!a.complete || !b.complete) notes.push('at least one result is partial (complete: false)')
  return {
    schema: COMPARE_SCHEMA,
    a: { file: aFile, model: { path: a.model.path, sha256: a.model.sha256 }, createdAt: a.createdAt },
    b: { file: bFile, model: { path: b.model.path, sha256: b.model.sha256 }, createdAt: b.createdAt },
    dataset: { name: a.dataset.name, split: a.dataset.split, samples: a.dataset.samples, digest: a.dataset.digest },
    metrics,
    perClassRecall,
    ...(mcnemar ? { mcnemar } : {}),
    notes,
  }
}

export function compareFiles(aFile: string, bFile: string): CompareResult {
  return compareDocuments(readEvalDocument(aFile, 'compare'), aFile, readEvalDocument(bFile, 'compare'), bFile)
}
