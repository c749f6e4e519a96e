import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { packageVersions } from '../../src/base/provenance.js'
import type { EvalResult } from '../../src/results/evalDocument.js'
import type { SpeedResult } from '../../src/results/speedDocument.js'
import { FIXTURES, ROOT, runJson } from '../helpers/cli.js'

/** The installed version, read straight from node_modules/<name>/package.json (no resolution, no exports). */
const installed = (name: string): string =>
  (JSON.parse(readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string })
    .version

const own = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  version: string
  dependencies: Record<string, string>
}
const ownVersion = own.version
const dependencies = Object.keys(own.dependencies)

describe('recorded package versions', () => {
  it('every dependency reads as installed, including packages whose exports hide package.json', () => {
    const versions = packageVersions(dependencies)
    for (const name of dependencies) expect(versions[name], name).toBe(installed(name))
    // the two that `require(name + '/package.json')` cannot read (their exports block it)
    expect(versions.sharp).not.toBe('not installed')
    expect(versions['csv-parse']).not.toBe('not installed')
  })

  it('a package that is not installed says so', () => {
    expect(packageVersions(['ferbench-no-such-package'])).toEqual({ 'ferbench-no-such-package': 'not installed' })
  })

  it('eval and speed results record the installed versions', () => {
    const evalRun = runJson<EvalResult>(['eval'])
    expect(evalRun.status).toBe(0)
    expect(evalRun.json.versions.ferbench).toBe(ownVersion)
    const recorded = Object.entries(evalRun.json.versions).filter(([name]) => name !== 'ferbench')
    expect(recorded.map(([name]) => name)).toEqual(
      expect.arrayContaining(['onnxruntime-node', '@tensorflow/tfjs-core', 'sharp', 'csv-parse']),
    )
    for (const [name, version] of recorded) expect(version, name).toBe(installed(name))
    const speed = runJson<SpeedResult>([
      'speed',
      '--model',
      path.join(FIXTURES, 'models', 'oracle.onnx'),
      '--duration',
      '0.05',
    ])
    expect(speed.status).toBe(0)
    for (const [name, version] of Object.entries(speed.json.versions)) {
      if (name === 'ferbench') expect(version).toBe(ownVersion)
      else if (name === 'node') expect(version).toBe(process.version)
      else expect(version, name).toBe(installed(name))
    }
  })
})
