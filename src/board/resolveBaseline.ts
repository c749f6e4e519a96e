import { collectDocuments } from './collect.js'
import { historyBaseline } from './historyQuery.js'

const HISTORY_PREFIX = 'history:'

/** `--baseline history:<branch>` → the stored document to compare with; any other value is a file path, returned as it is. */
export function resolveBaseline(baseline: string, currentFile: string, store: string): string {
  if (!baseline.startsWith(HISTORY_PREFIX)) return baseline
  const branch = baseline.slice(HISTORY_PREFIX.length)
  const current = collectDocuments([currentFile]).documents[0]!
  return historyBaseline(store, branch, current)
}
