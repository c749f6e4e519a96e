// `npm run build`: compiles src/ into dist/, then writes oclif.manifest.json, without ever leaving a
// moment where dist/ lacks a module. tsc writes into a fresh staging folder beside dist/; each file
// then replaces its counterpart in dist/ by rename (atomic on one file system), and only then are
// files that no source produces any more removed. A CLI started meanwhile (a test, or `npx
// ferbench` whose cold npx cache reinstalls the project and so runs `prepare` again) reads either
// the old or the new copy of a module, never a missing or half-written one.
import { spawnSync } from 'node:child_process'
import {
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
  for (const file of filesUnder(outDir).filter((f) => f.endsWith('.js') && !f.startsWith(`vendor${path.sep}`))) {
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

const staging = mkdtempSync(path.join(ROOT, '.dist-build-'))
try {
  run([TSC, '-p', 'tsconfig.json', '--outDir', staging])
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
