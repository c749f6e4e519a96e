import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Config } from '@oclif/core'
import { describe, expect, it } from 'vitest'
import { BIN, ROOT, tempDir } from '../helpers/cli.js'

const PRELOAD = path.join(ROOT, 'tests', 'helpers', 'loadedModules.mjs')

/** Packages with native bindings or large module graphs that only the code paths using them may import. */
const HEAVY = [
  'onnxruntime-node',
  'onnxruntime-common',
  '@tensorflow/',
  'sharp',
  '@img/',
  'zod',
  'onnx-proto',
  'protobufjs',
  'csv-parse',
  'cli-table3',
  'cli-progress',
]

/** Runs the built CLI with the module-recording preload; returns its stdout and the code files it loaded (package.json reads excluded). */
function loadedBy(args: readonly string[]): { status: number | null; stdout: string; modules: string[] } {
  const out = path.join(tempDir('ferbench-modules-'), 'loaded.txt')
  const run = spawnSync(process.execPath, ['--import', PRELOAD, BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', FERBENCH_LOADED_MODULES_OUT: out },
    encoding: 'utf8',
  })
  const modules = readFileSync(out, 'utf8')
    .split('\n')
    .filter((m) => m !== '' && !m.endsWith('/package.json'))
    // ES modules come as file: URLs, percent-encoded (a checkout path with spaces or non-ASCII names): as paths
    .map((m) => (m.startsWith('file:') ? fileURLToPath(m) : m))
  return { status: run.status, stdout: run.stdout, modules }
}

/**
 * The loaded modules with each file of a bundled command (dist/bundles/, tools/build/build.mjs)
 * replaced by the files bundled in it (ferbench's modules and package files, from
 * dist/bundles/modules.json), so a test names modules whether they load one by one or in a bundle.
 */
function expanded(modules: readonly string[]): string[] {
  const dist = path.join(ROOT, 'dist')
  const bundled = JSON.parse(readFileSync(path.join(dist, 'bundles', 'modules.json'), 'utf8')) as Record<
    string,
    string[]
  >
  return modules
    .map((m) => m.replace(/^file:\/\//, ''))
    .flatMap((m) => {
      const inBundle = m.startsWith(dist + path.sep)
        ? bundled[path.relative(dist, m).split(path.sep).join('/')]
        : undefined
      return inBundle ? inBundle.map((b) => path.join(dist, b)) : [m]
    })
}

/** Files of ferbench's own build (dist/) among the loaded modules, bundled ones included. */
function ownCode(modules: readonly string[]): string[] {
  const dist = path.join(ROOT, 'dist') + path.sep
  return expanded(modules).filter((m) => m.startsWith(dist))
}

/** The heavy packages among the loaded modules, bundled ones included; zod counts also as dist/vendor/zod.js, its bundled copy. */
function heavyIn(modules: readonly string[]): string[] {
  const vendored = path.join(ROOT, 'dist', 'vendor', 'zod.js')
  return expanded(modules).filter((m) => HEAVY.some((pkg) => m.includes(`/node_modules/${pkg}`)) || m === vendored)
}

describe('start-up: what --version, --help and listing commands import', () => {
  it('--version prints exactly what oclif would, and imports neither oclif nor any command or heavy package', async () => {
    const run = loadedBy(['--version'])
    expect(run.status).toBe(0)
    const config = await Config.load(ROOT)
    expect(run.stdout).toBe(`${config.userAgent}\n`)
    // The recorder itself works: the bin was seen loading.
    expect(run.modules.some((m) => m.endsWith('/bin/run.js'))).toBe(true)
    expect(run.modules.filter((m) => m.includes('/node_modules/'))).toEqual([])
    expect(ownCode(run.modules)).toEqual([])
  })

  it('--version with anything after it still goes through oclif', () => {
    const run = loadedBy(['--version', '--help'])
    expect(run.status).toBe(0)
    expect(run.modules.some((m) => m.includes('/node_modules/@oclif/core/'))).toBe(true)
    expect(heavyIn(run.modules)).toEqual([])
  })

  it('eval --help prints the flags from the manifest without importing the eval command', () => {
    const run = loadedBy(['eval', '--help'])
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('--model')
    expect(run.stdout).toContain('--split')
    expect(heavyIn(run.modules)).toEqual([])
    expect(ownCode(run.modules)).toEqual([])
  })

  it('datasets list imports neither a runner engine nor sharp', () => {
    const run = loadedBy(['datasets', 'list', '--json'])
    expect(run.status).toBe(0)
    expect(run.modules.some((m) => m.includes('/dist/commands/datasets/list.js'))).toBe(true)
    expect(heavyIn(run.modules).filter((m) => /onnxruntime|@tensorflow|sharp|@img/.test(m))).toEqual([])
  })

  it('an ONNX eval on the CPU runs onnxruntime in its runner process: the command process imports neither it nor tfjs', () => {
    const run = loadedBy(['eval', '--json'])
    expect(run.status).toBe(0)
    const doc = JSON.parse(run.stdout) as { runner: { name: string; backend: string }; dataset: { samples: number } }
    expect(doc.runner).toMatchObject({ name: 'onnx', backend: 'onnxruntime-node/cpu' })
    expect(doc.dataset.samples).toBeGreaterThan(0)
    const heavy = heavyIn(run.modules)
    expect(heavy.filter((m) => /\/node_modules\/(onnxruntime-node|@tensorflow)\//.test(m))).toEqual([])
  })

  it('an ONNX eval of a FER2013 CSV loads its adapter and nothing for other datasets, formats, folds or downloads', () => {
    // The demo is an ONNX model on a fer2013.csv; --json prints the document, so no renderer is needed.
    const run = loadedBy(['eval', '--json'])
    expect(run.status).toBe(0)
    const own = ownCode(run.modules).map((m) => m.replace(/^file:\/\//, '').slice(path.join(ROOT, 'dist').length + 1))
    expect(own).toContain('datasets/fer2013.js')
    expect(own).toContain('runners/onnxProcess.js')
    const notNeeded = [
      // other adapters, and the image decoders only they use
      ...['affectnet', 'ckplus', 'ferplus', 'folder', 'jaffe', 'manifest', 'rafdb', 'decode', 'files', 'lines'].map(
        (m) => `datasets/${m}.js`,
      ),
      // report renderers (and robust's views behind them)
      ...['evalTable', 'cvTable', 'gateTable', 'markdown', 'html', 'png', 'junit', 'robustViews', 'svg'].map(
        (m) => `report/${m}.js`,
      ),
      // document schemas: a run writes its document without building them; they load for --resume
      ...['readDocument', 'evalDocument', 'cvDocument', 'speedDocument'].map((m) => `results/${m}.js`),
      'engine/crossValidate.js',
      'engine/cvResume.js',
      'zoo/transfer.js',
      'faces/blazeface.js',
      'faces/detectedFaces.js',
      // without --faces, --calibrate or --resume: the face crop, the temperature fit and the resume checks
      ...['openFaces', 'faceCrop'].map((m) => `faces/${m}.js`),
      ...['temperatureFit', 'resume', 'documentChecks'].map((m) => `engine/${m}.js`),
      'metrics/temperature.js',
      'zoo/cache.js',
      // the model registry (and its schemas) for a --model that is a path; the tfjs runner for an ONNX model
      ...['resolveModel', 'registry', 'registryData', 'schema', 'pull'].map((m) => `zoo/${m}.js`),
      ...['tfjs', 'tfjsPool', 'tfjsBackends'].map((m) => `runners/${m}.js`),
    ]
    expect(own.filter((m) => notNeeded.includes(m) || m.startsWith('robust/') || m.startsWith('compare/'))).toEqual([])
    expect(run.modules.filter((m) => /\/node_modules\/(undici|bmp-ts|@tensorflow)\//.test(m))).toEqual([])
    // The model's input shape is read (protobuf decoder) only for the message of a model without a card;
    // oclif's Node-version check is made by bin/run.js, so semver is not loaded either.
    expect(
      own.filter((m) => ['inspect', 'modelInput', 'onnxStats', 'tfjsStats'].some((f) => m === `model/${f}.js`)),
    ).toEqual([])
    expect(run.modules.filter((m) => /\/node_modules\/(onnx-proto|protobufjs|semver)\//.test(m))).toEqual([])
  })

  it('an eval of a model given by its path loads neither the model registry nor the tfjs runner', () => {
    const run = loadedBy([
      'eval',
      '--model',
      path.join('fixtures', 'models', 'tinyconv.onnx'),
      '--data',
      path.join('fixtures', 'fer2013', 'fer2013.csv'),
      '--split',
      'PublicTest',
      '--json',
    ])
    expect(run.status).toBe(0)
    const own = ownCode(run.modules).map((m) => m.replace(/^file:\/\//, '').slice(path.join(ROOT, 'dist').length + 1))
    expect(own).toContain('runners/registry.js')
    expect(own.filter((m) => /^zoo\/(resolveModel|registry|registryData|schema|pull)\.js$/.test(m))).toEqual([])
    expect(own.filter((m) => /^runners\/(tfjs|tfjsPool|tfjsBackends)\.js$/.test(m))).toEqual([])
  })

  it("oclif's Node-version check: bin/run.js warns as oclif would, and a user's OCLIF_DISABLE_ENGINE_WARNING is left to oclif", () => {
    const warnFor = (env: Record<string, string>, ...preload: string[]) =>
      spawnSync(process.execPath, [...preload, BIN, 'datasets', 'list', '--json'], {
        cwd: ROOT,
        env: { ...process.env, NO_COLOR: '1', ...env },
        encoding: 'utf8',
      })
    // A preload that makes Node report an old version: both checks must then print the warning.
    const old = path.join(tempDir('ferbench-engine-'), 'oldNode.mjs')
    writeFileSync(old, "Object.defineProperty(process.versions, 'node', { value: '17.9.1' })\n")
    const engines = (
      JSON.parse(readFileSync(path.join(ROOT, 'node_modules', '@oclif', 'core', 'package.json'), 'utf8')) as {
        engines: { node: string }
      }
    ).engines.node
    const expected = `Node version must be ${engines} to use this CLI. Current node version: 17.9.1`
    const ours = warnFor({}, '--import', old)
    expect(ours.status).toBe(0)
    expect(ours.stderr).toContain(expected)
    expect(ours.stderr.split(expected).length - 1).toBe(1) // once: oclif's own check was skipped
    const oclifs = warnFor({ OCLIF_DISABLE_ENGINE_WARNING: 'no' }, '--import', old)
    expect(oclifs.stderr.split(expected).length - 1).toBe(1) // 'no' is not truthy: oclif checks, we do not
    const current = warnFor({})
    expect(current.status).toBe(0)
    expect(current.stderr).not.toContain('Node version must be')
  })

  it('an eval that prints its table loads the table renderer and no other', () => {
    const run = loadedBy(['eval'])
    expect(run.status).toBe(0)
    const own = ownCode(run.modules)
    expect(own.some((m) => m.endsWith('/dist/report/evalTable.js'))).toBe(true)
    expect(own.filter((m) => /\/dist\/report\/(html|png|markdown|junit|robustViews)\.js$/.test(m))).toEqual([])
  })
})

describe('oclif.manifest.json', () => {
  it('lists exactly the commands built into dist/commands, at the package version', () => {
    const manifest = JSON.parse(readFileSync(path.join(ROOT, 'oclif.manifest.json'), 'utf8')) as {
      version: string
      commands: Record<string, unknown>
    }
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }
    expect(manifest.version).toBe(pkg.version)
    const dir = path.join(ROOT, 'dist', 'commands')
    const built = (readdirSync(dir, { recursive: true }) as string[])
      .filter((f) => f.endsWith('.js'))
      .map((f) => f.replace(/\.js$/, '').split(path.sep).join(':'))
      .map((id) => id.replace(/:index$/, ''))
      .sort()
    expect(Object.keys(manifest.commands).sort()).toEqual(built)
  })
})
