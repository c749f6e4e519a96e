import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { BIN, tempDir } from '../helpers/cli.js'

const hasBash = spawnSync('bash', ['--version']).status === 0
// FERBENCH_CACHE_DIR (oclif's own cache-dir variable, which ferbench's caches share) would move the
// completion scripts away from XDG_CACHE_HOME: the test setup sets it, so these runs leave it out
const { FERBENCH_CACHE_DIR: _cacheDir, ...baseEnv } = process.env

describe('shell completion (@oclif/plugin-autocomplete)', () => {
  it.skipIf(!hasBash)('builds the bash completion, which completes topics, subcommands and flags', () => {
    const cache = tempDir('ferbench-completion-')
    const env = { ...baseEnv, XDG_CACHE_HOME: cache }
    const build = spawnSync(process.execPath, [BIN, 'autocomplete', '--refresh-cache'], { encoding: 'utf8', env })
    expect(build.status, build.stderr).toBe(0)
    const script = path.join(cache, 'ferbench', 'autocomplete', 'functions', 'bash', 'ferbench.bash')
    // what bash offers after `ferbench <words…><TAB>`
    const complete = (...words: string[]): string[] => {
      const run = spawnSync(
        'bash',
        [
          '-c',
          `source '${script}'; COMP_WORDS=(ferbench ${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length}; COMP_LINE="ferbench ${words.join(' ')}"; _ferbench_autocomplete; printf '%s\\n' "\${COMPREPLY[@]}"`,
        ],
        { encoding: 'utf8' },
      )
      return run.stdout.split('\n').filter(Boolean)
    }
    expect(complete('ev')).toEqual(['eval'])
    expect(complete('datasets', 'in')).toEqual(['inspect'])
    expect(complete('eval', '--emb')).toEqual(['--embed-predictions'])
  })

  it('prints how to install it', () => {
    const run = spawnSync(process.execPath, [BIN, 'autocomplete', 'bash'], {
      encoding: 'utf8',
      env: { ...baseEnv, XDG_CACHE_HOME: tempDir('ferbench-completion-') },
    })
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout).toMatch(/ferbench autocomplete/)
  })
})
