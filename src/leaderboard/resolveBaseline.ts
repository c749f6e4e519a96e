import { collectDocuments } from './collect.js'
import { historyBaseline } from './historyQuery.js'

const HISTORY_PREFIX = 'history:'

/**
 * `--baseline history:<branch>` → the stored document to compare with and the line naming its
 * entry; any other value is a file path, returned as it is (no description).
 */
export function resolveBaseline(
  baseline: string,
  currentFile: string,
  store: string,
): { file: string; description?: string } {
  if (!baseline.startsWith(HISTORY_PREFIX)) return { file: baseline }
  const branch = baseline.slice(HISTORY_PREFIX.length)
  const current = collectDocuments([currentFile]).documents[0]!
  const found = historyBaseline(store, branch, current)
  return { file: found.file, description: `${baseline} is entry ${found.entry.id}: ${found.description}` }
}
