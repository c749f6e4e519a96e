#!/usr/bin/env node
// Equivalence capture: runs a checkout's built CLI (bin/run.js over dist/) on a fixed list of command
// lines (tools/equiv/cases.mjs) and on `--help` of every command and topic in its oclif manifest, and
// stores stdout, stderr, exit code and every file each command line wrote, for tools/equiv/diff.mjs.
//
//   node tools/equiv/capture.mjs --out DIR [--repo CHECKOUT] [--jobs N] [--only REGEX]
//
// The checkout's bin/, dist/, fixtures/, schemas/, package.json and manifest are copied into one
// temp folder whose path has the same length on every run (/tmp/fbeq-XXXXXX/pkg), so that a path
// printed in a table pads it the same way whichever checkout is captured; node_modules is linked.
// Each case runs in its own folder holding a `fixtures` link, with a fixed environment (HOME in the
// temp folder, TZ=UTC, NO_COLOR, no CI variables). Paths of the temp folder are written as <WORK>.
// Node runs with --preserve-symlinks, so node_modules too is named inside the temp folder (runners,
// device errors), whatever the checkout's path; diff.mjs masks the checkout's path should it show.
import { spawn } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { lstatSync, realpathSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { CASES } from './cases.mjs'

function parseArgs(argv) {
  const args = { repo: process.cwd(), jobs: 3, only: undefined, out: undefined, keep: false }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const next = () => {
      const v = argv[++i]
      if (v === undefined) throw new Error(`${a} needs a value`)
      return v
    }
    if (a === '--out') args.out = next()
    else if (a === '--repo') args.repo = next()
    else if (a === '--jobs') args.jobs = Number(next())
    else if (a === '--only') args.only = new RegExp(next())
    else if (a === '--keep') args.keep = true
    else
      throw new Error(`unknown argument ${a}; usage: capture.mjs --out DIR [--repo CHECKOUT] [--jobs N] [--only REGEX]`)
  }
  if (!args.out) throw new Error('--out DIR is required')
  if (!Number.isInteger(args.jobs) || args.jobs < 1) throw new Error('--jobs: expected a positive integer')
  return args
}

const VOLATILE_ENV =
  /^(FERBENCH_|GITHUB_|GITLAB_|CI_|CIRCLE|BUILDKITE|GIT_|BRANCH_NAME|JENKINS|CI$|FORCE_COLOR|COLUMNS|LINES)/

function environment(work) {
  const env = {}
  for (const [k, v] of Object.entries(process.env)) if (!VOLATILE_ENV.test(k)) env[k] = v
  return {
    ...env,
    HOME: path.join(work, 'home'),
    XDG_CACHE_HOME: path.join(work, 'home', '.cache'),
    XDG_CONFIG_HOME: path.join(work, 'home', '.config'),
    XDG_DATA_HOME: path.join(work, 'home', '.local', 'share'),
    TMPDIR: path.join(work, 'tmp'),
    TZ: 'UTC',
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    NO_COLOR: '1',
    // module paths stay under WORK/pkg/node_modules (not the checkout's), in worker threads and child processes too
    NODE_OPTIONS: '--preserve-symlinks --preserve-symlinks-main',
  }
}

/** Copies what the CLI reads at run time into WORK/pkg, linking node_modules. */
function stage(repo, work) {
  const pkg = path.join(work, 'pkg')
  mkdirSync(pkg)
  for (const entry of ['bin', 'dist', 'fixtures', 'schemas', 'package.json', 'oclif.manifest.json']) {
    cpSync(path.join(repo, entry), path.join(pkg, entry), { recursive: true, verbatimSymlinks: true })
  }
  symlinkSync(realpathSync(path.join(repo, 'node_modules')), path.join(pkg, 'node_modules'))
  return pkg
}

function gitHead(repo) {
  return new Promise((resolve) => {
    const child = spawn('git', ['-C', repo, 'log', '-1', '--format=%H %s'], { stdio: ['ignore', 'pipe', 'ignore'] })
    let out = ''
    child.stdout.on('data', (d) => {
      out += d
    })
    child.on('close', () => resolve(out.trim()))
  })
}

/** Runs one command line; `interrupt` sends a signal once stderr matches its pattern. */
function runStep(bin, step, cwd, env) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint()
    const child = spawn(process.execPath, [bin, ...step.args], {
      cwd,
      env: { ...env, ...(step.env ?? {}) },
      stdio: [step.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    })
    const out = []
    const err = []
    let errText = ''
    let sent = false
    const timer = setTimeout(() => child.kill('SIGKILL'), (step.timeoutS ?? 60) * 1000)
    child.stdout.on('data', (d) => out.push(d))
    child.stderr.on('data', (d) => {
      err.push(d)
      if (!step.interrupt || sent) return
      errText += d.toString()
      if (step.interrupt.when(errText)) {
        sent = true
        child.kill(step.interrupt.signal ?? 'SIGINT')
      }
    })
    if (step.stdin !== undefined) child.stdin.end(step.stdin)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err),
        ms: Number(process.hrtime.bigint() - t0) / 1e6,
      })
    })
  })
}

/** Every file under `dir` (links are not followed), as paths relative to it, sorted. */
function listFiles(dir, skip) {
  const files = []
  const walk = (rel) => {
    for (const name of readdirSync(path.join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name
      if (skip.has(r)) continue
      const st = lstatSync(path.join(dir, r))
      if (st.isDirectory()) walk(r)
      else if (st.isFile()) files.push(r)
      else files.push(`${r} (link)`)
    }
  }
  walk('')
  return files
}

const TEXT_EXT = /\.(json|jsonl|md|markdown|html|htm|svg|xml|csv|txt|tsv|js|sh|yml|yaml)$/i

/** Replaces the temp folder's paths (as given and resolved) with <WORK>. */
function unpath(buffer, work, realWork) {
  let text = buffer.toString('utf8')
  for (const p of [realWork, work]) text = text.split(p).join('<WORK>')
  return text
}

async function runCase(c, ctx) {
  const caseDir = path.join(ctx.work, 'cases', c.name)
  mkdirSync(caseDir, { recursive: true })
  symlinkSync(path.join('..', '..', 'pkg', 'fixtures'), path.join(caseDir, 'fixtures'))
  if (c.setup) await c.setup({ dir: caseDir, fixtures: path.join(ctx.pkg, 'fixtures') })
  const dest = path.join(ctx.out, 'cases', c.name)
  mkdirSync(path.join(dest, 'steps'), { recursive: true })
  const before = new Set(listFiles(caseDir, new Set(['fixtures'])))
  const steps = []
  for (const [i, step] of c.steps.entries()) {
    if (step.before) await step.before({ dir: caseDir, fixtures: path.join(ctx.pkg, 'fixtures') })
    const r = await runStep(ctx.bin, step, caseDir, ctx.env)
    const base = path.join(dest, 'steps', String(i + 1))
    writeFileSync(`${base}.cmd`, `ferbench ${step.args.join(' ')}\n`)
    writeFileSync(`${base}.stdout`, unpath(r.stdout, ctx.work, ctx.realWork))
    writeFileSync(`${base}.stderr`, unpath(r.stderr, ctx.work, ctx.realWork))
    writeFileSync(`${base}.code`, `${r.code ?? `signal ${r.signal}`}\n`)
    steps.push({ args: step.args, code: r.code, signal: r.signal, ms: Math.round(r.ms) })
  }
  const written = listFiles(caseDir, new Set(['fixtures'])).filter((f) => !before.has(f))
  for (const f of written) {
    if (f.endsWith(' (link)')) continue
    const target = path.join(dest, 'files', f)
    mkdirSync(path.dirname(target), { recursive: true })
    const bytes = readFileSync(path.join(caseDir, f))
    writeFileSync(target, TEXT_EXT.test(f) ? unpath(bytes, ctx.work, ctx.realWork) : bytes)
  }
  writeFileSync(
    path.join(dest, 'case.json'),
    `${JSON.stringify({ name: c.name, about: c.about, volatile: c.volatile ?? {}, files: written, steps }, null, 2)}\n`,
  )
  return steps
}

/** `--help` of the root, every topic and every command the manifest lists, plus the autocomplete plugin's. */
function helpCases(pkg) {
  const manifest = JSON.parse(readFileSync(path.join(pkg, 'oclif.manifest.json'), 'utf8'))
  const ids = Object.keys(manifest.commands).sort()
  const topics = new Set(
    Object.keys(JSON.parse(readFileSync(path.join(pkg, 'package.json'), 'utf8')).oclif?.topics ?? {}),
  )
  for (const id of ids) if (id.includes(':')) topics.add(id.split(':')[0])
  const lines = [['--help'], ['--version'], ['autocomplete', '--help']]
  for (const t of [...topics].sort()) lines.push([t, '--help'])
  for (const id of ids) lines.push([...id.split(':'), '--help'])
  return {
    name: 'help',
    about: '--help of the root, every topic and command in oclif.manifest.json; --version',
    steps: lines.map((args) => ({ args })),
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2))
  const repo = path.resolve(args.repo)
  const out = path.resolve(args.out)
  rmSync(out, { recursive: true, force: true })
  mkdirSync(out, { recursive: true })
  const work = mkdtempSync(path.join('/tmp', 'fbeq-'))
  const realWork = realpathSync(work)
  for (const d of ['home', 'tmp', 'cases']) mkdirSync(path.join(work, d))
  const t0 = Date.now()
  const cpu0 = process.cpuUsage()
  const load0 = os.loadavg()
  const pkg = stage(repo, work)
  const ctx = { work, realWork, pkg, bin: path.join(pkg, 'bin', 'run.js'), out, env: environment(work) }
  const cases = [helpCases(pkg), ...CASES].filter((c) => !args.only || args.only.test(c.name))
  const names = new Set()
  for (const c of cases) {
    if (names.has(c.name)) throw new Error(`case ${c.name} listed twice`)
    names.add(c.name)
  }
  const queue = [...cases]
  const timings = []
  const worker = async () => {
    for (let c = queue.shift(); c !== undefined; c = queue.shift()) {
      const s0 = Date.now()
      try {
        const steps = await runCase(c, ctx)
        timings.push({ name: c.name, ms: Date.now() - s0, codes: steps.map((s) => s.code ?? s.signal) })
      } catch (error) {
        timings.push({ name: c.name, ms: Date.now() - s0, error: String(error) })
        process.stderr.write(`capture: case ${c.name} could not run: ${error}\n`)
      }
    }
  }
  await Promise.all(Array.from({ length: args.jobs }, worker))
  const meta = {
    repo,
    realRepo: realpathSync(repo),
    commit: await gitHead(repo),
    capturedAt: new Date().toISOString(),
    node: process.version,
    wallSeconds: (Date.now() - t0) / 1000,
    harnessCpuSeconds: (process.cpuUsage(cpu0).user + process.cpuUsage(cpu0).system) / 1e6,
    loadAverage: { before: load0, after: os.loadavg() },
    jobs: args.jobs,
    cases: timings.sort((a, b) => a.name.localeCompare(b.name)),
  }
  writeFileSync(path.join(out, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`)
  if (!args.keep) rmSync(work, { recursive: true, force: true })
  const failed = timings.filter((t) => t.error)
  process.stdout.write(
    `captured ${timings.length} case(s), ${timings.reduce((n, t) => n + (t.codes?.length ?? 0), 0)} command line(s) of ${meta.commit.slice(0, 12)} into ${out} in ${meta.wallSeconds.toFixed(1)} s (load ${load0[0].toFixed(1)} → ${os.loadavg()[0].toFixed(1)})${failed.length ? `; ${failed.length} case(s) could not run: ${failed.map((f) => f.name).join(', ')}` : ''}\n`,
  )
  process.exitCode = failed.length ? 1 : 0
}

main().catch((error) => {
  process.stderr.write(`capture: ${error instanceof Error ? error.message : error}\n`)
  process.exitCode = 2
})
