import { usageError } from '../base/errors.js'
import { collectDocuments } from './collect.js'
import { gitContext, type GitContext } from './gitContext.js'
import { addToHistory, type HistoryEntry } from './historyStore.js'

export interface Recorded {
  entries: HistoryEntry[]
  /** The commit recorded with every entry (null: none known, none given). */
  commit: string | null
  /** Where git's commit and branch would have come from (CI variables, git, or why neither). */
  git: GitContext
}

/**
 * Records result documents (files or folders of them) in the history store with their commit and
 * branch: the ones given, else the CI's or git's. Refuses (usage error) when no document is found.
 */
export function recordInHistory(
  files: readonly string[],
  options: { store: string; commit?: string | undefined; branch?: string | undefined },
): Recorded {
  const { documents } = collectDocuments(files)
  if (documents.length === 0) throw usageError(`${files.join(', ')}: no result documents to record`)
  const git = gitContext()
  const commit = options.commit ?? git.commit
  const branch = options.branch ?? git.branch
  const gitSource = options.commit || options.branch ? `command line${git.commit ? `; ${git.source}` : ''}` : git.source
  const entries = documents.map((d) => addToHistory(d, { store: options.store, commit, branch, gitSource }))
  return { entries, commit, git }
}
