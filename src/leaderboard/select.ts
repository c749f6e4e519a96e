import type { BoardDocument } from './collect.js'
import { documentModelName, documentModelSha } from './modelName.js'

/**
 * Which result answers a question, one rule for every view (leaderboard, export, history show,
 * gate --baseline history:<branch>). A question is (kind, model sha256, dataset digest, protocol,
 * runner/backend/device): two results with the same question measured the same thing, so a view
 * shows one of them, picked by `--pick`:
 *   newest — the latest createdAt (ties: the first file name in code-point order); the default
 *   best   — the highest accuracy (eval, cv), mean corruption accuracy (robust) or the lowest
 *            batch-1 median latency (speed); ties: newest
 *   all    — every result (views whose rows must be unique refuse it)
 * A complete result always wins over an interrupted one or an unmerged shard of the same question.
 * Every question answered by more than one result is warned about, naming every file and the pick.
 */
export const PICKS = ['newest', 'best', 'all'] as const
export type PickRule = (typeof PICKS)[number]
export const DEFAULT_PICK: PickRule = 'newest'

export interface Question {
  kind: BoardDocument['kind']
  sha256: string
  /** The model's display name (src/leaderboard/modelName.ts). */
  model: string
  dataset: string | null
  /** Split, fold protocol or shard; null for speed. */
  split: string | null
  /** The dataset digest (ids, labels and pixels), null for speed and older cv documents. */
  datasetDigest: string | null
  /** What else fixes the measurement: TTA and label set (eval, cv), seed and conditions (robust), machine (speed). */
  protocol: string
  runner: { name: string; backend: string; device: string }
}

/** How views name a runner: its backend (which names the engine, e.g. onnxruntime-node/cpu) and device. */
export const runnerLabel = (r: Question['runner']): string => `${r.backend} on ${r.device}`

/** The question a result document answers. */
export function questionOf(entry: BoardDocument): Question {
  const base = { kind: entry.kind, sha256: documentModelSha(entry), model: documentModelName(entry) }
  const runner = { name: entry.doc.runner.name, backend: entry.doc.runner.backend, device: entry.doc.runner.device }
  if (entry.kind === 'eval') {
    const d = entry.doc
    const fold = d.dataset.fold
    const shard = d.dataset.shard && !d.merged ? ` shard ${d.dataset.shard.index}/${d.dataset.shard.count}` : ''
    return {
      ...base,
      dataset: d.dataset.name,
      split: `${fold ? `fold ${fold.fold} of ${fold.folds}` : d.dataset.split}${shard}`,
      datasetDigest: d.dataset.digest,
      protocol: `TTA ${d.model.card.tta} · ${d.labelMapping.columns.length} classes${d.dataset.faces && d.dataset.faces.mode !== 'dataset' ? ` · faces ${d.dataset.faces.mode}` : ''}`,
      runner,
    }
  }
  if (entry.kind === 'cv') {
    const d = entry.doc
    return {
      ...base,
      dataset: d.dataset.name,
      split: `${d.protocol.folds}-fold subject-independent (${d.protocol.split})`,
      datasetDigest: d.dataset.digest ?? null,
      protocol: `${d.labelMapping.columns.length} classes`,
      runner,
    }
  }
  if (entry.kind === 'robust') {
    const d = entry.doc
    const shard = d.dataset.shard && !d.merged ? ` shard ${d.dataset.shard.index}/${d.dataset.shard.count}` : ''
    return {
      ...base,
      dataset: d.dataset.name,
      split: `${d.dataset.split}${shard}`,
      datasetDigest: d.dataset.digest,
      protocol: `seed ${d.seed} · ${d.corruptions.length} corruptions × severities ${d.severities.join(',')}`,
      runner,
    }
  }
  return { ...base, dataset: null, split: null, datasetDigest: null, protocol: `on ${entry.doc.machine.cpu}`, runner }
}

export const questionKey = (q: Question): string =>
  JSON.stringify([
    q.kind,
    q.sha256,
    q.datasetDigest,
    q.dataset,
    q.split,
    q.protocol,
    q.runner.name,
    q.runner.backend,
    q.runner.device,
  ])

/** "eval of tinyconv.onnx (sha256 839d56ee2688) on fer2013 PrivateTest, TTA none · 7 classes, onnxruntime-node/cpu on cpu" */
export function describeQuestion(q: Question): string {
  const data = q.dataset === null ? '' : ` on ${q.dataset} ${q.split}`
  return `${q.kind} of ${q.model} (sha256 ${q.sha256.slice(0, 12)})${data}, ${q.protocol}, ${runnerLabel(q.runner)}`
}

/** A complete result: not interrupted, not an unmerged shard. */
export function isComplete(entry: BoardDocument): boolean {
  if (entry.kind === 'eval') return entry.doc.complete && !(entry.doc.dataset.shard && !entry.doc.merged)
  if (entry.kind === 'cv') return entry.doc.complete
  if (entry.kind === 'robust') return !(entry.doc.dataset.shard && !entry.doc.merged)
  return true
}

/** What `best` ranks by, higher is better (speed: minus the fastest batch-1 median latency); null when unknown. */
export function bestScore(entry: BoardDocument): number | null {
  if (entry.kind === 'eval' || entry.kind === 'cv') return entry.doc.metrics.accuracy
  if (entry.kind === 'robust') return entry.doc.meanCorruptionAccuracy
  const batch1 = entry.doc.results.filter((c) => c.batch === 1).map((c) => c.latencyMs.p50)
  return batch1.length ? -Math.min(...batch1) : null
}

const newestFirst = (a: BoardDocument, b: BoardDocument): number =>
  a.doc.createdAt < b.doc.createdAt ? 1 : a.doc.createdAt > b.doc.createdAt ? -1 : a.file < b.file ? -1 : 1

/** The documents in the order the rule prefers them: complete first, then by the rule. */
export function rankByRule(entries: readonly BoardDocument[], pick: PickRule): BoardDocument[] {
  return [...entries].sort((a, b) => {
    const complete = Number(isComplete(b)) - Number(isComplete(a))
    if (complete !== 0) return complete
    if (pick === 'best') {
      const sa = bestScore(a) ?? Number.NEGATIVE_INFINITY
      const sb = bestScore(b) ?? Number.NEGATIVE_INFINITY
      if (sa !== sb) return sb - sa
    }
    return newestFirst(a, b)
  })
}

export interface Selected {
  entry: BoardDocument
  question: Question
  /** The other results of the same question, not shown (empty with --pick all). */
  leftOut: string[]
}

export interface Selection {
  selected: Selected[]
  /** One per question answered by more than one result: every file, and which one the rule picked. */
  warnings: string[]
}

/** Groups documents by question and applies the rule; the order of first appearance of each question is kept. */
export function selectResults(entries: readonly BoardDocument[], pick: PickRule): Selection {
  const groups = new Map<string, { question: Question; entries: BoardDocument[] }>()
  for (const entry of entries) {
    const question = questionOf(entry)
    const key = questionKey(question)
    const group = groups.get(key)
    if (group) group.entries.push(entry)
    else groups.set(key, { question, entries: [entry] })
  }
  const selected: Selected[] = []
  const warnings: string[] = []
  for (const { question, entries: group } of groups.values()) {
    const ranked = rankByRule(group, pick)
    if (group.length > 1)
      warnings.push(
        pick === 'all'
          ? `${describeQuestion(question)}: ${group.length} results (${ranked.map((e) => e.file).join(', ')}); --pick all keeps every one`
          : `${describeQuestion(question)}: ${group.length} results (${ranked.map((e) => e.file).join(', ')}); --pick ${pick} uses ${ranked[0]!.file}`,
      )
    if (pick === 'all') for (const entry of ranked) selected.push({ entry, question, leftOut: [] })
    else selected.push({ entry: ranked[0]!, question, leftOut: ranked.slice(1).map((e) => e.file) })
  }
  return { selected, warnings }
}
