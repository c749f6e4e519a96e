import { randomBytes } from 'node:crypto'
import { readdirSync } from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { writeFileAtomic } from '../base/atomicWrite.js'
import { usageError } from '../base/errors.js'
import { ensureStoreDir } from '../base/storeDir.js'
import { parseDocument, readJsonDocument } from '../results/readDocument.js'
import type { BoardDocument } from './collect.js'
import { documentModelName, documentModelSha } from './modelName.js'
import { questionOf } from './select.js'
import { speedFigures } from './leaderboard.js'

/**
 * The history store: a plain folder anyone can read, copy or cache between CI runs.
 *   <store>/documents/<id>.json  the document, as recorded
 *   <store>/index/<id>.json      one small entry per document (commit, branch, time, model, metrics)
 * An entry is added by writing the document, then its index entry, each atomically (temp file +
 * rename) under a fresh unique id (time + 8 random bytes). Concurrent writers never share a file,
 * so none can lose another's entry; the index is the folder listing, read in id order. A document
 * without an index entry (a writer killed between the two writes) is never shown.
 */
export const DEFAULT_HISTORY_STORE = '.ferbench-history'

const historyEntrySchema = z.object({
  id: z.string(),
  recordedAt: z.string(),
  commit: z.string().nullable(),
  branch: z.string().nullable(),
  gitSource: z.string(),
  kind: z.enum(['eval', 'cv', 'speed', 'robust']),
  schema: z.string(),
  sourceFile: z.string(),
  document: z.string().meta({ description: 'path of the stored document, relative to the store' }),
  model: z.object({ sha256: z.string(), name: z.string() }),
  dataset: z.string().nullable(),
  split: z.string().nullable(),
  metrics: z.record(z.string(), z.number()),
  /** The question the document answers (src/leaderboard/select.ts); absent in entries recorded by older versions. */
  createdAt: z.string().optional().meta({ description: "the document's createdAt" }),
  datasetDigest: z.string().nullable().optional(),
  protocol: z.string().optional(),
  runner: z.object({ name: z.string(), backend: z.string(), device: z.string() }).optional(),
})
export type HistoryEntry = z.infer<typeof historyEntrySchema>

const ID = /^[0-9]{8}T[0-9]{9}Z-[0-9a-f]{16}$/

function newId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:.]/g, '')
  return `${stamp}-${randomBytes(8).toString('hex')}`
}

/** The model as every view names it (src/leaderboard/modelName.ts). */
function modelOf(entry: BoardDocument): { sha256: string; name: string } {
  return { sha256: documentModelSha(entry), name: documentModelName(entry) }
}

/** The scalar metrics an entry keeps for trends: accuracy-like values as fractions, latencies in ms. */
function entryMetrics(entry: BoardDocument): Record<string, number> {
  if (entry.kind === 'eval' || entry.kind === 'cv') {
    const m = entry.doc.metrics
    return {
      accuracy: m.accuracy,
      accuracyLow: m.accuracyCI95[0],
      accuracyHigh: m.accuracyCI95[1],
      macroF1: m.macroF1,
      balancedAccuracy: m.balancedAccuracy,
    }
  }
  if (entry.kind === 'robust') return { meanCorruptionAccuracy: entry.doc.meanCorruptionAccuracy }
  const speed = speedFigures(entry.file, entry.doc)
  return {
    ...(speed.latencyP50Ms !== null ? { latencyP50Ms: speed.latencyP50Ms } : {}),
    ...(speed.imagesPerSecond !== null ? { imagesPerSecond: speed.imagesPerSecond } : {}),
    modelBytes: speed.bytes,
  }
}

export interface AddOptions {
  store: string
  commit: string | null
  branch: string | null
  gitSource: string
  now?: Date
}

/** Records one document; returns its entry. */
export function addToHistory(entry: BoardDocument, options: AddOptions): HistoryEntry {
  const now = options.now ?? new Date()
  const id = newId(now)
  const documentPath = path.join('documents', `${id}.json`)
  const question = questionOf(entry)
  const record: HistoryEntry = {
    id,
    recordedAt: now.toISOString(),
    commit: options.commit,
    branch: options.branch,
    gitSource: options.gitSource,
    kind: entry.kind,
    schema: String(entry.doc.schema),
    sourceFile: path.resolve(entry.file),
    document: documentPath,
    model: modelOf(entry),
    dataset: entry.kind === 'speed' ? null : entry.doc.dataset.name,
    split:
      entry.kind === 'eval' || entry.kind === 'robust'
        ? entry.doc.dataset.split
        : entry.kind === 'cv'
          ? `${entry.doc.protocol.folds}-fold`
          : null,
    metrics: entryMetrics(entry),
    createdAt: entry.doc.createdAt,
    datasetDigest: question.datasetDigest,
    protocol: question.protocol,
    runner: question.runner,
  }
  ensureStoreDir(options.store, 'the history store (--store)')
  ensureStoreDir(path.join(options.store, 'documents'), "the history store's documents folder")
  ensureStoreDir(path.join(options.store, 'index'), "the history store's index folder")
  writeFileAtomic(path.join(options.store, documentPath), `${JSON.stringify(entry.doc, null, 2)}\n`)
  writeFileAtomic(path.join(options.store, 'index', `${id}.json`), `${JSON.stringify(record)}\n`)
  return record
}

/** Every entry in the store, oldest first (ids sort by time). Unreadable entries are an error naming the file. */
export function readHistory(store: string): HistoryEntry[] {
  const dir = path.join(store, 'index')
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    throw usageError(
      `${store}: not a ferbench history store (no index/ folder); record a document first with ferbench history add <doc> --store ${store}`,
    )
  }
  return names
    .filter((n) => n.endsWith('.json') && ID.test(n.slice(0, -5)))
    .sort()
    .map((n) => {
      const file = path.join(dir, n)
      return parseDocument(
        readJsonDocument(file, 'a ferbench history index entry'),
        historyEntrySchema,
        file,
        'history entry',
      )
    })
}

export function storedDocumentPath(store: string, entry: HistoryEntry): string {
  return path.join(store, entry.document)
}
