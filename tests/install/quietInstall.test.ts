import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ROOT, tempDir } from '../helpers/cli.js'

/**
 * `npm warn` lines the project could prevent. Lines about config the machine sets (user, global,
 * builtin, or env config exported by an outer npm) are not the project's and are left out; any
 * other warning (unknown project config, unreviewed install scripts, deprecated or engine-mismatched
 * dependencies, …) is the project's to fix.
 */
function preventableWarnings(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => /^npm warn/i.test(line))
    .filter((line) => !/Unknown (user|global|builtin|env) config/.test(line))
}

function npm(args: string[], cwd: string): { status: number | null; output: string } {
  const run = spawnSync('npm', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    maxBuffer: 64 * 1024 * 1024,
  })
  return { status: run.status, output: `${run.stdout}\n${run.stderr}` }
}

describe('a clean install and start print no preventable npm warning', () => {
  const dir = tempDir('ferbench-install-')
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('npm ci in a clean copy of package.json, package-lock.json and .npmrc', () => {
    for (const file of ['package-lock.json', '.npmrc']) {
      if (existsSync(path.join(ROOT, file))) copyFileSync(path.join(ROOT, file), path.join(dir, file))
    }
    // The real package.json, except that `build` (tsc, run by `prepare`) is a no-op here: the
    // nested `npm run build` that `prepare` starts still runs, so its config warnings still show.
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    expect(pkg.scripts.prepare).toBe('npm run build')
    pkg.scripts.build = 'node -e ""'
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg, null, 2))

    const run = npm(['ci', '--prefer-offline', '--no-audit', '--no-fund'], dir)
    expect(run.status, run.output).toBe(0)
    expect(preventableWarnings(run.output), run.output).toEqual([])
    // onnxruntime-node's CPU provider is bundled: it loads without its (denied) install script.
    const load = spawnSync(
      process.execPath,
      ['-e', "require('onnxruntime-node').listSupportedBackends().some((b) => b.name === 'cpu') || process.exit(3)"],
      { cwd: dir, encoding: 'utf8' },
    )
    expect(load.status, load.stderr).toBe(0)
  }, 600_000)

  it('npx ferbench --version in the repository, with a cold npx cache (as on a fresh CI machine)', () => {
    // With a cold cache, `npm exec` installs the project from its own folder into the npx cache and
    // runs its `prepare` (`npm run build`) there. Run in the repository, that rebuilt the dist/ every
    // other test runs. So: a copy of what npm reads (package.json, lockfile, .npmrc, bin/) in a temp
    // folder whose `build` only leaves a mark, and an npm cache of the test's own, always empty.
    const repo = tempDir('ferbench-npx-')
    const cache = tempDir('ferbench-npx-cache-')
    try {
      for (const file of ['package-lock.json', '.npmrc']) {
        if (existsSync(path.join(ROOT, file))) copyFileSync(path.join(ROOT, file), path.join(repo, file))
      }
      mkdirSync(path.join(repo, 'bin'))
      copyFileSync(path.join(ROOT, 'bin', 'run.js'), path.join(repo, 'bin', 'run.js'))
      const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>
      }
      expect(pkg.scripts.prepare).toBe('npm run build')
      pkg.scripts.build = `node -e "require('node:fs').writeFileSync('built', '')"`
      writeFileSync(path.join(repo, 'package.json'), JSON.stringify(pkg, null, 2))
      const distBefore = statSync(path.join(ROOT, 'dist')).ino

      const run = npm(['exec', '--offline', '--cache', cache, '--', 'ferbench', '--version'], repo)
      expect(run.status, run.output).toBe(0)
      expect(run.output).toMatch(/^ferbench\/\d+\.\d+\.\d+ /m)
      expect(preventableWarnings(run.output), run.output).toEqual([])
      // the cold path was taken: `prepare` ran the (marking) build, so its output was checked too
      expect(existsSync(path.join(repo, 'built'))).toBe(true)
      expect(statSync(path.join(ROOT, 'dist')).ino).toBe(distBefore)
    } finally {
      rmSync(repo, { recursive: true, force: true })
      rmSync(cache, { recursive: true, force: true })
    }
  })

  it('the filter is not blind: an unknown project config is caught', () => {
    const probe = tempDir('ferbench-npmrc-')
    try {
      writeFileSync(path.join(probe, 'package.json'), '{"name":"probe","version":"1.0.0"}')
      writeFileSync(path.join(probe, '.npmrc'), 'onnxruntime-node-install=skip\n')
      const run = npm(['pkg', 'get', 'name'], probe)
      expect(preventableWarnings(run.output).join('\n')).toMatch(/Unknown project config "onnxruntime-node-install"/)
    } finally {
      rmSync(probe, { recursive: true, force: true })
    }
  })
})
