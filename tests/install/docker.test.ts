import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../helpers/cli.js'

/** Docker is optional: the image is built only where a docker daemon answers (and can reach the npm registry). */
const docker = spawnSync('docker', ['info'], { encoding: 'utf8' })
const usable = docker.status === 0
const why = docker.error
  ? `docker is not installed (${docker.error.message})`
  : `docker info failed: ${(docker.stderr ?? '').split('\n')[0]}`

describe.skipIf(!usable)(`Dockerfile${usable ? '' : ` — skipped: ${why}`}`, () => {
  it('builds, and the image runs the bundled demo offline (--network none)', () => {
    const build = spawnSync('docker', ['build', '-t', 'ferbench-test', ROOT], { encoding: 'utf8', timeout: 600_000 })
    expect(build.status, build.stderr).toBe(0)
    const run = spawnSync('docker', ['run', '--rm', '--network', 'none', 'ferbench-test', 'eval', '--json'], {
      encoding: 'utf8',
      timeout: 120_000,
    })
    expect(run.status, run.stderr).toBe(0)
    expect(JSON.parse(run.stdout).metrics.samples).toBe(28)
  }, 700_000)
})
