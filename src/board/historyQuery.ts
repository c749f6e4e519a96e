import { dataError } from '../base/errors.js'
import type { BoardDocument } from './collect.js'
import { readHistory, storedDocumentPath, type HistoryEntry } from './historyStore.js'
import { ownValue } from '../base/textKeys.js'

export interface HistoryFilter {
  metric: string
  model?: string
  branch?: string
  dataset?: string
}

export interface TrendPoint {
  entry: HistoryEntry
  value: number
  /** Change from the previous point of the same model (and dataset/split), in the metric's unit. */
  change: number | null
}

const matchesModel = (e: HistoryEntry, model: string): boolean =>
  e.model.name === model || e.model.sha256.startsWith(model.toLowerCase())

/** The entries that carry the metric, filtered, oldest first, with the change from the previous point of the same series. */
export function trend(entries: readonly HistoryEntry[], filter: HistoryFilter): TrendPoint[] {
  const previous = new Map<string, number>()
  const out: TrendPoint[] = []
  for (const entry of entries) {
    const value = ownValue(entry.metrics, filter.metric)
    if (value === undefined) continue
    if (filter.model && !matchesModel(entry, filter.model)) continue
    if (filter.branch && entry.branch !== filter.branch) continue
    if (filter.dataset && entry.dataset !== filter.dataset) continue
    const series = seriesKey(entry)
    const before = previous.get(series)
    out.push({ entry, value, change: before === undefined ? null : value - before })
    previous.set(series, value)
  }
  return out
}

/** A trend line: one model on one dataset split (or one model's speed). */
export const seriesKey = (e: HistoryEntry): string => `${e.model.name}${e.dataset ? ` · ${e.dataset} ${e.split}` : ''}`

/**
 * `gate --baseline history:<branch>`: the stored document of the newest entry on that branch that
 * is comparable with the current document (same kind; same dataset and split for accuracy documents).
 */
export function historyBaseline(store: string, branch: string, current: BoardDocument): string {
  const entries = readHistory(store).filter((e) => e.branch === branch && e.kind === current.kind)
  const comparable = entries.filter((e) => {
    if (current.kind === 'eval') return e.dataset === current.doc.dataset.name && e.split === current.doc.dataset.split
    if (current.kind === 'cv')
      return e.dataset === current.doc.dataset.name && e.split === `${current.doc.protocol.folds}-fold`
    return true
  })
  const last = comparable.at(-1)
  if (!last) {
    const what =
      current.kind === 'eval'
        ? `${current.kind} document of ${current.doc.dataset.name} ${current.doc.dataset.split}`
        : `${current.kind} document`
    throw dataError(
      `history:${branch}: no ${what} recorded on branch '${branch}' in ${store} (${entries.length} entries of that kind on the branch); record one with ferbench history add <doc> --branch ${branch}`,
    )
  }
  return storedDocumentPath(store, last)
}
