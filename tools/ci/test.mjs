// `npm test`: the linter (Biome, then knip), the type-check (tests/tsconfig.json) and vitest at the
// same time, so the checks fill the cores vitest leaves idle near its end instead of running before
// it. vitest's output streams as it comes; the checks' output is held and printed after it, each
// under its own heading, so nothing interleaves. The exit code is the first failing phase's (lint,
// type-check, vitest), 0 when all pass. Arguments go to vitest (`npm test -- tests/cli`).
import { spawn } from 'node:child_process'
import { setPriority } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const bin = (name) => path.join(root, 'node_modules', '.bin', name)

/** Runs the commands one after the other; resolves to the first non-zero exit code (or 0) and the output. */
function checks(name, commands, { background }) {
  const started = performance.now()
  const output = []
  const next = (i) =>
    new Promise((resolve) => {
      if (i === commands.length) return resolve(0)
      const [command, ...args] = commands[i]
      output.push(`$ ${[path.basename(command), ...args].join(' ')}\n`)
      const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: process.env })
      // Below vitest's priority: the checks take the cores vitest leaves idle, not the ones it uses.
      if (background && child.pid !== undefined) {
        try {
          setPriority(child.pid, 10)
        } catch {
          // a priority that cannot be lowered only costs speed, never correctness
        }
      }
      child.stdout.on('data', (chunk) => output.push(chunk.toString()))
      child.stderr.on('data', (chunk) => output.push(chunk.toString()))
      child.on('error', (error) => {
        output.push(`${error.message}\n`)
        resolve(1)
      })
      child.on('close', (code, signal) => {
        if (code !== 0) return resolve(code ?? (signal ? 1 : 0))
        resolve(next(i + 1))
      })
    })
  return next(0).then((code) => ({
    name,
    code,
    output: output.join(''),
    seconds: (performance.now() - started) / 1000,
  }))
}

/**
 * The phases' commands; FERBENCH_TEST_PHASES (JSON of the same shape) replaces them, so that
 * tests/architecture/lint.test.ts can check how failures are reported without running the suite.
 */
const phases = process.env.FERBENCH_TEST_PHASES
  ? JSON.parse(process.env.FERBENCH_TEST_PHASES)
  : {
      lint: [['npm', 'run', '--silent', 'lint']],
      typeCheck: [[bin('tsc'), '-p', 'tests/tsconfig.json']],
      vitest: [bin('vitest'), 'run', '--config', 'tests/vitest.config.ts'],
    }

const lint = checks('lint (npm run lint: biome ci, then knip)', phases.lint, { background: true })
const typeCheck = checks('type-check (tsc -p tests/tsconfig.json)', phases.typeCheck, { background: true })

const vitestStarted = performance.now()
const vitest = new Promise((resolve) => {
  const [command, ...args] = phases.vitest
  const child = spawn(command, [...args, ...process.argv.slice(2)], {
    cwd: root,
    stdio: 'inherit',
    env: process.env,
  })
  child.on('error', (error) => {
    process.stderr.write(`vitest did not start: ${error.message}\n`)
    resolve(1)
  })
  child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)))
}).then((code) => ({ name: 'vitest', code, output: '', seconds: (performance.now() - vitestStarted) / 1000 }))

const results = [await lint, await typeCheck, await vitest]
for (const r of results.slice(0, 2)) {
  if (r.code !== 0 || r.output.trim() !== '') {
    process.stdout.write(`\n── ${r.name}: ${r.code === 0 ? 'passed' : `FAILED (exit ${r.code})`} ──\n${r.output}`)
  }
}
process.stdout.write('\n')
for (const r of results)
  process.stdout.write(`${r.code === 0 ? 'passed' : 'FAILED'}  ${r.name}  ${r.seconds.toFixed(1)} s wall\n`)
process.exitCode = results.find((r) => r.code !== 0)?.code ?? 0
