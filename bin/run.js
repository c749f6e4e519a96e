#!/usr/bin/env node
// `ferbench --version` prints oclif's user agent (name/version platform-arch node-version) without
// loading oclif, so CI scripts that ask for it pay only Node's start-up; the text is the one oclif
// prints (tests/cli/startup.test.ts compares them). Everything else goes through oclif.
// `ferbench eval --model m.onnx` (and `robust`) on the CPU first starts the ONNX runner process (a worker thread
// there holds the session), so onnxruntime's load and the session's creation overlap the loading of
// oclif and the command
// (src/runners/onnxPrestart.ts; the eval uses it only if its model and options are the same); on a
// tfjs model.json it starts the tfjs worker threads the same way (src/runners/tfjsPool.ts); for a
// fer2013.csv of 8 MiB or more it also starts reading the split on a worker thread
// (src/datasets/fer2013Rows.ts; used only if the eval reads the same file and split).
import { readFileSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import v8 from 'node:v8'

/** V8's interrupt budget for this process and its worker threads: about three times V8's own (132 KiB). */
const INTERRUPT_BUDGET_BYTES = 400_000

// A function runs in V8's interpreter until it has used its "interrupt budget" (132 KiB of bytecode
// by default), then gets queued for the optimizing compiler on a helper thread. In a command of a few
// seconds that compiling competes for the cores with the work itself: a budget three times larger
// leaves lukewarm functions alone and still optimizes the hot loops early (docs/performance.md,
// "V8's interrupt budget"). Only on Node 20, where it was measured: the V8 of Node 22 and later has
// no such flag (it counts invocations instead) and prints an error for a flag it does not know.
// A --interrupt-budget given to node wins.
if (
  process.versions.node.split('.')[0] === '20' &&
  !process.execArgv.some((a) => a.startsWith('--interrupt-budget') || a.startsWith('--interrupt_budget'))
)
  v8.setFlagsFromString(`--interrupt-budget=${INTERRUPT_BUDGET_BYTES}`)

/** The value of `--name value`, `--name=value` or `-s value` in argv, if given once. */
function flagValue(argv, name, short) {
  let value
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === `--${name}` || (short && a === `-${short}`)) value = argv[i + 1]
    else if (a.startsWith(`--${name}=`)) value = a.slice(name.length + 3)
  }
  return value
}

async function prestartEval(argv) {
  if (argv[0] !== 'eval' && argv[0] !== 'robust') return
  if (argv.some((a) => a === '--help' || a === '-h' || a.startsWith('--resume') || a.startsWith('--folds'))) return
  const model = flagValue(argv, 'model', 'm')
  const device = flagValue(argv, 'device') ?? 'cpu'
  const threadsText = flagValue(argv, 'threads')
  const threads = threadsText === undefined ? undefined : Number(threadsText)
  if (typeof model !== 'string' || device !== 'cpu') return
  if (threads !== undefined && !(Number.isInteger(threads) && threads > 0)) return
  const tfjsFile = /\.json$/i.test(model) && !/\.ferbench\.json$/i.test(model)
  const runner = flagValue(argv, 'runner') ?? (tfjsFile ? 'tfjs' : 'onnx')
  const workersText = flagValue(argv, 'workers')
  const workers = workersText === undefined ? undefined : Number(workersText)
  const onnx = runner === 'onnx' && /\.onnx$/i.test(model)
  // tfjs: its worker threads (src/runners/tfjsPool.ts), unless --workers 0 keeps the model on the main thread
  const tfjs =
    runner === 'tfjs' &&
    tfjsFile &&
    (workers === undefined || (Number.isInteger(workers) && workers > 0 && workers <= 64))
  if (!onnx && !(tfjs && argv[0] === 'eval')) return
  try {
    if (!statSync(model).isFile()) return
  } catch {
    return // the eval names the problem
  }
  if (onnx) {
    const { prestartOnnxWorker } = await import('../dist/runners/onnxPrestart.js')
    prestartOnnxWorker(model, { device: 'cpu', threads, offThread: false, spinning: false })
  } else {
    const { prestartTfjsPool } = await import('../dist/runners/tfjsPool.js')
    prestartTfjsPool(model, { device: 'cpu', threads }, workers)
  }
  // A fer2013.csv (8 MiB or more): its split is read and parsed on a worker thread meanwhile too (eval only)
  if (argv[0] !== 'eval') return
  const dataset = flagValue(argv, 'dataset', 'd') ?? 'fer2013'
  const data = flagValue(argv, 'data')
  if (dataset !== 'fer2013' || typeof data !== 'string' || argv.some((a) => a.startsWith('--fold'))) return
  const { prestartRows } = await import('../dist/datasets/fer2013Rows.js')
  prestartRows(data, flagValue(argv, 'split') || 'PrivateTest')
}

/**
 * oclif's index checks on load that Node satisfies its `engines.node`, and loads the semver package
 * (47 modules, about a tenth of an eval's start-up) only for that. When the range is a plain
 * `>=X.Y.Z`, the same check is made here with the same warning, and oclif is told to skip its own
 * (OCLIF_DISABLE_ENGINE_WARNING, unset again once oclif is loaded). Any other range, or a user who set
 * the variable, leaves it to oclif. Returns whether the variable was set here.
 */
function checkOclifEngine() {
  if (process.env.OCLIF_DISABLE_ENGINE_WARNING !== undefined) return false
  let range
  try {
    const oclifPkg = createRequire(import.meta.url).resolve('@oclif/core/package.json')
    range = JSON.parse(readFileSync(oclifPkg, 'utf8')).engines?.node
  } catch {
    return false // oclif checks
  }
  const min = typeof range === 'string' ? /^>=\s*(\d+)\.(\d+)\.(\d+)$/.exec(range.trim()) : null
  const have = /^(\d+)\.(\d+)\.(\d+)/.exec(process.versions.node)
  if (!min || !have) return false
  let order = 0
  for (let i = 1; i <= 3 && order === 0; i++) order = Math.sign(Number(have[i]) - Number(min[i]))
  if (order < 0)
    process.emitWarning(`Node version must be ${range} to use this CLI. Current node version: ${process.versions.node}`)
  process.env.OCLIF_DISABLE_ENGINE_WARNING = '1'
  return true
}

const wsl = os.platform() === 'linux' && /microsoft/i.test(os.release()) // oclif says `wsl` there: let it
if (process.argv.length === 3 && process.argv[2] === '--version' && !wsl) {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  process.stdout.write(
    `${pkg.name}/${pkg.version} ${os.platform()}-${os.arch() === 'ia32' ? 'x86' : os.arch()} node-${process.version}\n`,
  )
} else {
  await prestartEval(process.argv.slice(2))
  const engineChecked = checkOclifEngine()
  const { execute } = await import('@oclif/core')
  if (engineChecked) delete process.env.OCLIF_DISABLE_ENGINE_WARNING // read only while oclif loads
  await execute({ dir: import.meta.url })
}
