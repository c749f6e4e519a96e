import { dataError } from '../base/errors.js'
import type { BoardDocument } from './collect.js'
import { readHistory, storedDocumentPath, type HistoryEntry } from './historyStore.js'
import { DEFAULT_PICK, type PickRule, questionOf, runnerLabel } from './select.js'
import { ownValue } from '../base/textKeys.js'

export interface HistoryFilter {
  metric: string
  model?: string
  branch?: string
  dataset?: string
  /** Which entry stands for a series at one commit when several were recorded there (src/leaderboard/select.ts). */
  pick?: PickRule
}

export interface TrendPoint {
  entry: HistoryEntry
  value: number
  /** Change from the previous point of the same model (and dataset/split), in the metric's unit. */
  change: number | null
}

const matchesModel = (e: HistoryEntry, model: string): boolean =>
  e.model.name === model || e.model.sha256.startsWith(model.toLowerCase())

/** A trend line: one model (by its display name) on one dataset split and protocol with one runner, or one model's speed. */
export const seriesKey = (e: HistoryEntry): string =>
  `${e.model.name}${e.dataset ? ` · ${e.dataset} ${e.split}` : ''}${e.protocol ? ` · ${e.protocol}` : ''}${e.runner ? ` · ${runnerLabel(e.runner)}` : ''}`

/** Metrics where lower is better: `best` picks the lowest. */
const LOWER_IS_BETTER = new Set(['latencyP50Ms', 'modelBytes'])

/**
 * The entries that carry the metric, filtered, oldest first, with the change from the previous point
 * of the same series. Where one series has several entries at one commit (and branch), the pick rule
 * keeps one: newest (the document's createdAt, else when it was recorded), best (the metric), or all.
 */
export function trend(
  entries: readonly HistoryEntry[],
  filter: HistoryFilter,
): { points: TrendPoint[]; warnings: string[] } {
  const pick = filter.pick ?? DEFAULT_PICK
  const kept = entries.filter((entry) => {
    if (ownValue(entry.metrics, filter.metric) === undefined) return false
    if (filter.model && !matchesModel(entry, filter.model)) return false
    if (filter.branch && entry.branch !== filter.branch) return false
    if (filter.dataset && entry.dataset !== filter.dataset) return false
    return true
  })
  const warnings: string[] = []
  const dropped = new Set<string>()
  if (pick !== 'all') {
    const atCommit = new Map<string, HistoryEntry[]>()
    for (const e of kept) {
      if (e.commit === null) continue
      const key = JSON.stringify([seriesKey(e), e.commit, e.branch])
      atCommit.set(key, [...(atCommit.get(key) ?? []), e])
    }
    const sign = LOWER_IS_BETTER.has(filter.metric) ? -1 : 1
    for (const group of atCommit.values()) {
      if (group.length < 2) continue
      const when = (e: HistoryEntry): string => e.createdAt ?? e.recordedAt
      const ranked = [...group].sort((a, b) => {
        if (pick === 'best') {
          const d = sign * (ownValue(b.metrics, filter.metric)! - ownValue(a.metrics, filter.metric)!)
          if (d !== 0) return d
        }
        return when(a) < when(b) ? 1 : when(a) > when(b) ? -1 : a.id < b.id ? 1 : -1
      })
      for (const e of ranked.slice(1)) dropped.add(e.id)
      warnings.push(
        `${seriesKey(group[0]!)} at commit ${group[0]!.commit!.slice(0, 12)}: ${group.length} entries (${ranked.map((e) => `${e.id} from ${e.sourceFile}`).join(', ')}); --pick ${pick} uses ${ranked[0]!.id}`,
      )
    }
  }
  const previous = new Map<string, number>()
  const points: TrendPoint[] = []
  for (const entry of kept) {
    if (dropped.has(entry.id)) continue
    const value = ownValue(entry.metrics, filter.metric)!
    const series = seriesKey(entry)
    const before = previous.get(series)
    points.push({ entry, value, change: before === undefined ? null : value - before })
    previous.set(series, value)
  }
  return { points, warnings }
}

export interface HistoryBaseline {
  /** The stored document to compare with. */
  file: string
  entry: HistoryEntry
  /** One line naming the entry: id, kind, model, data, commit, time. */
  description: string
}

const describeEntry = (e: HistoryEntry): string =>
  `${e.kind} of ${e.model.name} (sha256 ${e.model.sha256.slice(0, 12)})${e.dataset ? ` on ${e.dataset} ${e.split}` : ''}${e.runner ? `, ${runnerLabel(e.runner)}` : ''}, commit ${e.commit?.slice(0, 12) ?? '(none)'}, recorded ${e.recordedAt} (entry ${e.id})`

/**
 * `gate --baseline history:<branch>`: the newest entry on that branch for the same question as far as
 * a baseline can share it: the same kind, the same model (display name or sha256: the weights
 * change between commits, the model's name does not), the same data (dataset and split, and the
 * same dataset digest where the entry records one) and the same protocol (TTA and label set, where
 * the entry records it; speed: any machine, as the speed gate compares ratios to a reference). None: exit 3, naming what the branch holds.
 */
export function historyBaseline(store: string, branch: string, current: BoardDocument): HistoryBaseline {
  const q = questionOf(current)
  const onBranch = readHistory(store).filter((e) => e.branch === branch)
  const split =
    current.kind === 'eval' || current.kind === 'robust'
      ? current.doc.dataset.split
      : current.kind === 'cv'
        ? `${current.doc.protocol.folds}-fold`
        : null
  const sameData = (e: HistoryEntry): boolean =>
    e.dataset === q.dataset &&
    e.split === split &&
    (e.datasetDigest === undefined || e.datasetDigest === null || e.datasetDigest === q.datasetDigest) &&
    (q.kind === 'speed' || e.protocol === undefined || e.protocol === q.protocol)
  const sameModel = (e: HistoryEntry): boolean => e.model.name === q.model || e.model.sha256 === q.sha256
  const matching = onBranch.filter((e) => e.kind === q.kind && sameData(e) && sameModel(e))
  const last = matching.at(-1)
  const wanted = `${q.kind} result of ${q.model} (sha256 ${q.sha256.slice(0, 12)})${q.dataset ? ` on ${q.dataset} ${split}, ${q.protocol}` : ''}`
  if (!last) {
    const sameKind = onBranch.filter((e) => e.kind === q.kind)
    const listed = sameKind.slice(-5).reverse().map(describeEntry)
    const found =
      sameKind.length === 0
        ? `no ${q.kind} entries on it`
        : `${sameKind.length} ${q.kind} entr${sameKind.length === 1 ? 'y' : 'ies'} of other models or data, newest first: ${listed.join('; ')}${sameKind.length > 5 ? '; …' : ''}`
    throw dataError(
      `history:${branch}: no ${wanted} recorded on branch '${branch}' in ${store} (${found}); record one with ferbench history add <doc> --branch ${branch}`,
    )
  }
  return { file: storedDocumentPath(store, last), entry: last, description: describeEntry(last) }
}
