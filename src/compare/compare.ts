import { mcnemarFromPairs } from '../metrics/stats.js'
import { readScoredDocument } from '../results/readDocument.js'
import type { CompareResult, MetricDelta } from '../results/compareDocument.js'
import { pairPredictions, requireSameDataset, scoredView, type ScoredView } from './pairing.js'
import { compareHead, metricDelta } from './compareHead.js'
import { compareRobust } from './compareRobust.js'
import { ownValue, textRecord } from '../base/textKeys.js'
import { isRobustFile, readRobustDocument } from '../robust/mergeRobust.js'

const d = metricDelta

/** The metrics compare reports, all fractions (as in the eval document). */
const COMPARED_METRICS = ['accuracy', 'balancedAccuracy', 'macroF1'] as const
/** Calibration metrics compared when both results have them (src/metrics/calibration.ts), as `calibration.<name>`. */
const COMPARED_CALIBRATION = ['ece', 'mce', 'nll', 'brier'] as const

/** Whether a compared metric is a share shown in percent (accuracy, ECE) or a plain number (macro-F1, NLL, Brier). */
export function shownAsPercent(name: string): boolean {
  return !['macroF1', 'calibration.nll', 'calibration.brier', 'robust.relativeRobustness'].includes(name)
}

/** Per attribute both results are sliced by: accuracy deltas per group and the delta of the largest gap (b − a). */
function sliceDeltas(a: ScoredView, b: ScoredView): CompareResult['slices'] {
  const sa = a.metrics.slices
  const sb = b.metrics.slices
  if (!sa || !sb) return undefined
  // Attribute and group names are dataset text ('constructor' is a group like any other): own keys only.
  const out: NonNullable<CompareResult['slices']> = textRecord()
  for (const [attribute, slice] of Object.entries(sa)) {
    const other = ownValue(sb, attribute)
    if (other === undefined) continue
    const values = [...new Set([...Object.keys(slice.groups), ...Object.keys(other.groups)])].sort()
    const groups = textRecord(
      values.map((value) => [
        value,
        d(ownValue(slice.groups, value)?.accuracy, ownValue(other.groups, value)?.accuracy),
      ]),
    )
    out[attribute] = { groups, maxGap: d(slice.maxGap?.difference, other.maxGap?.difference) }
  }
  return Object.keys(out).length > 0 ? out : undefined
}

/** Compares two eval or cross-validation documents of the same test set: b relative to a (cv: pooled metrics). */
function compareDocuments(a: ScoredView, b: ScoredView): CompareResult {
  const aFile = a.file
  const bFile = b.file
  const testSet = requireSameDataset(a, b, 'compare')
  const metrics: Record<string, MetricDelta> = textRecord()
  for (const name of COMPARED_METRICS) metrics[name] = d(a.metrics[name], b.metrics[name])
  if (a.folds && b.folds) {
    const mean = (v: ScoredView): number => v.folds!.reduce((s, f) => s + f.accuracy, 0) / Math.max(1, v.folds!.length)
    metrics.accuracyFoldMean = d(mean(a), mean(b))
  }
  if (a.metrics.calibration && b.metrics.calibration) {
    for (const name of COMPARED_CALIBRATION)
      metrics[`calibration.${name}`] = d(a.metrics.calibration[name], b.metrics.calibration[name])
  }
  const slices = sliceDeltas(a, b)
  const recall = (doc: ScoredView): Map<string, number> =>
    new Map(doc.metrics.perClass.filter((c) => c.support > 0).map((c) => [c.label, c.recall]))
  const ra = recall(a)
  const rb = recall(b)
  const perClassRecall = textRecord(
    [...new Set([...ra.keys(), ...rb.keys()])].map((label) => [label, d(ra.get(label), rb.get(label))]),
  )
  const notes: string[] = [...testSet.notes]
  const pairing = pairPredictions(a, b, testSet.pairBy)
  let mcnemar: CompareResult['mcnemar']
  if (pairing.unavailable) notes.push(`McNemar's test not run: ${pairing.unavailable}`)
  else mcnemar = { ...mcnemarFromPairs(pairing.pairs), pairs: pairing.pairs.length, pairedBy: pairing.pairedBy! }
  if (a.kind === 'cv' || b.kind === 'cv')
    notes.push('cross-validation: metrics pooled over all folds; McNemar on the pooled per-sample predictions')
  if (!a.complete || !b.complete) notes.push('at least one result is partial (complete: false)')
  return {
    ...compareHead(a, aFile, b, bFile),
    metrics,
    perClassRecall,
    ...(slices ? { slices } : {}),
    ...(mcnemar ? { mcnemar } : {}),
    notes,
  }
}

export function compareFiles(aFile: string, bFile: string): CompareResult {
  if (isRobustFile(aFile) && isRobustFile(bFile))
    return compareRobust(readRobustDocument(aFile), aFile, readRobustDocument(bFile), bFile)
  return compareDocuments(
    scoredView(readScoredDocument(aFile, 'compare')),
    scoredView(readScoredDocument(bFile, 'compare')),
  )
}
