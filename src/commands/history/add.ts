import { Args, Flags } from '@oclif/core'
import type { HistoryEntry } from '../../leaderboard/historyStore.js'
import { recordInHistory } from '../../leaderboard/recordHistory.js'
import { FerbenchCommand } from '../../cli/baseCommand.js'
import { storeFlag } from '../../cli/flags/history.js'

export default class HistoryAdd extends FerbenchCommand {
  static override summary = 'Record result documents in the history store with their git commit, branch and time.'
  static override description =
    "The commit and branch come from the CI's variables (GitHub Actions, GitLab CI, CircleCI, Buildkite, Jenkins), else from git in the current " +
    'folder, unless --commit/--branch say otherwise. The store is a plain folder (documents/ and index/, one file per entry, each written ' +
    'atomically under a unique name), safe for parallel CI jobs appending at once.'
  static override strict = false
  static override examples = [
    '<%= config.bin %> history add result.json',
    '<%= config.bin %> history add result.json speed.json --store .ferbench-history --branch main',
    '<%= config.bin %> eval --output result.json && <%= config.bin %> history add result.json --store history --branch main',
    '<%= config.bin %> eval --output result.json && <%= config.bin %> speed --model fixtures/models/oracle.onnx --duration 0.2 --output speed.json && <%= config.bin %> history add result.json speed.json --store history --commit 0123abc --branch main',
  ]
  static override args = {
    documents: Args.string({ description: 'result documents (eval, cv, robust, speed JSON)', required: true }),
  }
  static override flags = {
    store: storeFlag(),
    commit: Flags.string({ description: 'commit to record (default: from CI variables or git)' }),
    branch: Flags.string({ description: 'branch to record (default: from CI variables or git)' }),
  }

  async run(): Promise<{ store: string; entries: HistoryEntry[] }> {
    const { argv, flags } = await this.parse(HistoryAdd)
    const { entries, commit, git } = recordInHistory(argv.map(String), {
      store: flags.store,
      commit: flags.commit,
      branch: flags.branch,
    })
    if (!this.jsonEnabled()) {
      for (const e of entries)
        this.log(
          `recorded ${e.kind} ${e.model.name}${e.dataset ? ` on ${e.dataset} ${e.split}` : ''} at ${e.commit?.slice(0, 8) ?? '(no commit)'} on ${e.branch ?? '(no branch)'} as ${e.id}`,
        )
      if (commit === null) this.warn(`no commit recorded: ${git.source}; pass --commit`)
    }
    return { store: flags.store, entries }
  }
}
