import { requireSameDataset } from './pairing.js'
import { compareHead, metricDelta } from './compareHead.js'
import type { CompareResult, MetricDelta } from '../results/compareDocument.js'
import type { RobustResult } from '../results/robustDocument.js'
import { textRecord } from '../base/textKeys.js'

const d = metricDelta

/**
 * Compares two robust documents of the same test set (b − a): clean accuracy, mean corruption
 * accuracy, relative robustness, and the accuracy of every corruption × severity either ran, as
 * `robust.<corruption>@<severity>` (null where one of them did not run it).
 */
export function compareRobust(a: RobustResult, aFile: string, b: RobustResult, bFile: string): CompareResult {
  requireSameDataset({ file: aFile, dataset: a.dataset }, { file: bFile, dataset: b.dataset }, 'compare')
  // Keys carry corruption names read from the documents: a null-prototype record.
  const metrics = textRecord<MetricDelta>([
    ['robust.clean', d(a.clean.accuracy, b.clean.accuracy)],
    ['robust.meanCorruptionAccuracy', d(a.meanCorruptionAccuracy, b.meanCorruptionAccuracy)],
    ['robust.relativeRobustness', d(a.relativeRobustness, b.relativeRobustness)],
  ])
  const key = (r: { corruption: string; severity: number }): string => `robust.${r.corruption}@${r.severity}`
  const ra = new Map(a.results.map((r) => [key(r), r.accuracy]))
  const rb = new Map(b.results.map((r) => [key(r), r.accuracy]))
  for (const k of new Set([...ra.keys(), ...rb.keys()])) metrics[k] = d(ra.get(k), rb.get(k))
  const notes: string[] = []
  if (a.seed !== b.seed)
    notes.push(`the two runs used different seeds (${a.seed}, ${b.seed}): their corrupted images differ`)
  const aSet = a.results.map(key).join(',')
  if (aSet !== b.results.map(key).join(','))
    notes.push(
      'the two runs ran different corruptions or severities: their mean corruption accuracies average different sets',
    )
  return {
    ...compareHead(a, aFile, b, bFile),
    metrics,
    perClassRecall: {},
    notes,
  }
}
