// `npm run build`: compiles src/ into dist/, then writes oclif.manifest.json, without ever leaving a
// moment where dist/ lacks a module. tsc writes into a fresh staging folder beside dist/; each file
// then replaces its counterpart in dist/ by rename (atomic on one file system), and only then are
// files that no source produces any more removed. A CLI started meanwhile (a test, or `npx
// ferbench` whose cold npx cache reinstalls the project and so runs `prepare` again) reads either
// the old or the new copy of a module, never a missing or half-written one.
import { spawnSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  rmdirSync,
  writeFileSync,
} from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const DIST = path.join(ROOT, 'dist')
const TSC = path.join(path.dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc')

/** Files under `dir`, relative to it (forward slashes are not needed: only joined back onto dirs). */
function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
}

/** Removes the empty folders under `dir` (deepest first), keeping `dir`. */
function removeEmptyFolders(dir) {
  const folders = readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isDirectory())
    .map((e) => path.join(e.parentPath, e.name))
    .sort((a, b) => b.length - a.length)
  for (const folder of folders) {
    if (readdirSync(folder).length === 0) rmdirSync(folder)
  }
}

function run(args) {
  const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' })
  if (result.status !== 0) process.exit(result.status ?? 1)
}

/**
 * zod as one module: `dist/vendor/zod.js`, bundled from node_modules/zod by rolldown, and every
 * `import { z } from 'zod'` tsc wrote pointed at it. The package is about a hundred modules, each
 * resolved, read and compiled on its own when a command starts (60 ms of an eval's start-up here);
 * one file of the same code loads in 25 (docs/performance.md). Any other import of zod in the output
 * stops the build, so no module is left loading the package a second time.
 */
async function vendorZod(outDir) {
  const { rolldown } = await import('rolldown')
  const entry = path.join(outDir, 'vendor', 'zod-entry.js')
  mkdirSync(path.dirname(entry), { recursive: true })
  writeFileSync(entry, "export { z } from 'zod'\n")
  const bundle = await rolldown({ input: entry, platform: 'node', logLevel: 'warn', cwd: ROOT })
  await bundle.write({ file: path.join(outDir, 'vendor', 'zod.js'), format: 'esm', codeSplitting: false })
  await bundle.close()
  rmSync(entry)
  const skip = (f) => f.startsWith(`vendor${path.sep}`) || f.startsWith(`bundles${path.sep}`)
  for (const file of filesUnder(outDir).filter((f) => f.endsWith('.js') && !skip(f))) {
    const at = path.join(outDir, file)
    const text = readFileSync(at, 'utf8')
    if (!text.includes("'zod'")) continue
    let target = path
      .relative(path.dirname(at), path.join(outDir, 'vendor', 'zod.js'))
      .split(path.sep)
      .join('/')
    if (!target.startsWith('.')) target = `./${target}`
    const rewritten = text.replaceAll("import { z } from 'zod';", `import { z } from '${target}';`)
    if (rewritten.includes("'zod'"))
      throw new Error(`build: ${file} imports zod other than as { z }: add it to vendorZod()`)
    writeFileSync(at, rewritten)
  }
}

/** The commands users wait on, bundled (bundleCommands). */
const BUNDLED_COMMANDS = ['eval', 'robust']
/**
 * Modules bin/run.js imports itself before oclif (the prestarted runner process, FER2013 reader and
 * tfjs workers), with everything they import: left out of the bundles and imported from dist/ as
 * they are, so a command finds the very instances bin/run.js started (and one FerbenchError class).
 */
const SHARED_ENTRIES = ['runners/onnxPrestart.js', 'datasets/fer2013Rows.js', 'runners/tfjsPool.js']

/** The modules `entries` import statically (relative imports only), entries included, as absolute paths. */
function staticClosure(entries) {
  const seen = new Set()
  const walk = (file) => {
    if (seen.has(file)) return
    seen.add(file)
    const text = readFileSync(file, 'utf8')
    for (const m of text.matchAll(/^\s*(?:import|export)\s(?:[^;]*?\sfrom\s)?\s*'([^']+)'/gm))
      if (m[1].startsWith('.')) walk(path.resolve(path.dirname(file), m[1]))
  }
  for (const entry of entries) walk(entry)
  return seen
}

/**
 * `eval` and `robust` as bundles in dist/bundles/ (rolldown): the command with every module it
 * imports statically in one file (<command>-static.js), each module it imports on demand in a file
 * of its own as before; dist/commands/<command>.js re-exports the command class. An eval otherwise
 * resolves, reads and compiles about a hundred of its own modules one by one at start-up, while its
 * runner process and reader compete for the same cores (docs/performance.md). Packages stay in
 * node_modules, but zod, whose parts the command uses are bundled in (tree-shaken: dist/vendor/zod.js
 * is one namespace object, all of zod); the modules of SHARED_ENTRIES stay in dist/. dist/bundles/modules.json lists the
 * modules in each bundle file (tests/cli/startup.test.ts reads it). The build stops when a relative
 * import of a bundle file does not resolve to a built file.
 */
async function bundleCommands(outDir) {
  const { rolldown } = await import('rolldown')
  const shared = staticClosure(SHARED_ENTRIES.map((f) => path.join(outDir, f)))
  const bundles = path.join(outDir, 'bundles')
  const modules = {}
  for (const command of BUNDLED_COMMANDS) {
    const entry = path.join(outDir, 'commands', `${command}.js`)
    const statics = staticClosure([entry])
    const bundle = await rolldown({
      input: { [command]: entry },
      platform: 'node',
      logLevel: 'silent',
      cwd: ROOT,
      external: (id, importer) => {
        if (id === 'zod' || id.startsWith('zod/')) return false
        if (id.startsWith('node:') || !(id.startsWith('.') || path.isAbsolute(id))) return true
        return shared.has(importer && !path.isAbsolute(id) ? path.resolve(path.dirname(importer), id) : id)
      },
    })
    const { output } = await bundle.write({
      dir: bundles,
      format: 'esm',
      entryFileNames: '[name].js',
      chunkFileNames: `${command}-[name].js`,
      codeSplitting: { groups: [{ name: 'static', test: (id) => statics.has(id) && id !== entry }] },
    })
    await bundle.close()
    for (const chunk of output) {
      if (chunk.type !== 'chunk') continue
      modules[`bundles/${chunk.fileName}`] = chunk.moduleIds
        .filter((id) => path.isAbsolute(id))
        .map((id) => path.relative(outDir, id).split(path.sep).join('/'))
      const text = readFileSync(path.join(bundles, chunk.fileName), 'utf8')
      for (const m of text.matchAll(/(?:from|import\()\s*"(\.[^"]+)"/g)) {
        const target = path.resolve(bundles, m[1])
        if (!existsSync(target))
          throw new Error(`build: bundles/${chunk.fileName} imports ${m[1]}, which was not built`)
      }
    }
    writeFileSync(
      entry,
      `// The command and its modules are bundled in dist/bundles/ (tools/build/build.mjs).\nexport { default } from '../bundles/${command}.js'\n`,
    )
  }
  writeFileSync(path.join(bundles, 'modules.json'), `${JSON.stringify(modules, null, 2)}\n`)
}

const staging = mkdtempSync(path.join(ROOT, '.dist-build-'))
try {
  run([TSC, '-p', 'tsconfig.json', '--outDir', staging])
  await bundleCommands(staging) // zod bundled in from node_modules, only what the command uses
  await vendorZod(staging)
  const built = filesUnder(staging)
  const keep = new Set(built)
  for (const file of built) {
    mkdirSync(path.dirname(path.join(DIST, file)), { recursive: true })
    renameSync(path.join(staging, file), path.join(DIST, file))
  }
  for (const file of filesUnder(DIST)) {
    if (!keep.has(file)) rmSync(path.join(DIST, file), { force: true })
  }
  removeEmptyFolders(DIST)
} finally {
  rmSync(staging, { recursive: true, force: true })
}
run([path.join(DIST, 'cli', 'writeManifest.js')])
