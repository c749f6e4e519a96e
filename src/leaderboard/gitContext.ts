import { spawnSync } from 'node:child_process'

export interface GitContext {
  commit: string | null
  branch: string | null
  /** Where commit and branch were read from: a CI's variables, the git repository, or the command line. */
  source: string
}

type Env = Readonly<Record<string, string | undefined>>

/** CI variables that name the commit and branch, in the order they are tried. */
const CI_VARIABLES: ReadonlyArray<{ ci: string; commit: string; branch: readonly string[] }> = [
  // GitHub Actions: on pull requests GITHUB_HEAD_REF is the source branch, GITHUB_REF_NAME is "N/merge".
  { ci: 'GitHub Actions', commit: 'GITHUB_SHA', branch: ['GITHUB_HEAD_REF', 'GITHUB_REF_NAME'] },
  {
    ci: 'GitLab CI',
    commit: 'CI_COMMIT_SHA',
    branch: ['CI_COMMIT_BRANCH', 'CI_MERGE_REQUEST_SOURCE_BRANCH_NAME', 'CI_COMMIT_REF_NAME'],
  },
  { ci: 'CircleCI', commit: 'CIRCLE_SHA1', branch: ['CIRCLE_BRANCH'] },
  { ci: 'Buildkite', commit: 'BUILDKITE_COMMIT', branch: ['BUILDKITE_BRANCH'] },
  { ci: 'Jenkins', commit: 'GIT_COMMIT', branch: ['BRANCH_NAME', 'GIT_BRANCH'] },
]

function git(args: readonly string[], cwd: string): string | null {
  const run = spawnSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
  return run.status === 0 ? run.stdout.trim() || null : null
}

/** The commit and branch a document belongs to: a CI's environment variables first, then `git` in `cwd`. */
export function gitContext(env: Env = process.env, cwd: string = process.cwd()): GitContext {
  for (const v of CI_VARIABLES) {
    const commit = env[v.commit]
    if (!commit) continue
    const branch = v.branch.map((name) => env[name]).find((b) => b !== undefined && b !== '') ?? null
    return { commit, branch, source: `${v.ci} (${v.commit})` }
  }
  const commit = git(['rev-parse', 'HEAD'], cwd)
  if (commit === null) return { commit: null, branch: null, source: 'none (not a git repository and no CI variables)' }
  const branch = git(['rev-parse', '--abbrev-ref', 'HEAD'], cwd)
  return { commit, branch: branch === 'HEAD' ? null : branch, source: 'git' }
}
