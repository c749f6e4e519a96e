import { spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { isMainThread, MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
export const FIXTURES = path.join(ROOT, 'fixtures')
export const BIN = path.join(ROOT, 'bin', 'run.js')

export interface CliRun {
  status: number | null
  stdout: string
  stderr: string
}

export interface CliOptions {
  cwd?: string
  env?: NodeJS.ProcessEnv
}

/** How long runCli waits for one in-process command before giving up on it. */
const IN_PROCESS_LIMIT_MS = 300_000

/**
 * Runs the built CLI (dist/, made by `npm run build` / `npm ci`) as a user would, with NO_COLOR=1
 * and stdout/stderr not a terminal. By default the command runs in process: in a worker thread of
 * this test file (tests/helpers/cliWorker.mjs) through oclif's run() and error handler, as bin/run.js
 * does, without paying Node's and oclif's start-up for every case; process-global state (exit code,
 * argv, environment, signal listeners) is reset between runs. A `cwd` is honoured in process too:
 * a worker cannot change directory, but it shares its process's, so the test thread changes
 * directory around the run — while it blocks on the answer, so no other code of this file runs in
 * between — and changes back. It runs as a child process instead (runCliProcess) with
 * FERBENCH_TEST_SPAWN=1, or given a `cwd` where the test itself runs in a worker thread.
 */
export function runCli(args: readonly string[], options: CliOptions = {}): CliRun {
  if (process.env.FERBENCH_TEST_SPAWN === '1') return runCliProcess(args, options)
  const cwd = path.resolve(options.cwd ?? ROOT)
  const here = process.cwd()
  if (cwd === here) return runInProcess(args, options.env ?? {})
  if (!isMainThread) return runCliProcess(args, options)
  process.chdir(cwd)
  try {
    return runInProcess(args, options.env ?? {})
  } finally {
    process.chdir(here)
  }
}

/** Runs the CLI as a child process (`node bin/run.js …`): for what needs a real process (signals, exit, stdin, cwd). */
export function runCliProcess(args: readonly string[], options: CliOptions = {}): CliRun {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

export interface BatchOptions extends CliOptions {
  /** Run the child process as this user and group (e.g. 65534, nobody); the test must run as root. */
  uid?: number
  gid?: number
}

/**
 * Runs several commands in ONE child process, one after the other, each in process there as runCli
 * runs them (tests/helpers/cliBatch.mjs): for commands that need a process of their own (another
 * user, as for unreadable files when the tests run as root) without a Node and oclif start-up each.
 * `options.env` is the child's whole environment (NO_COLOR=1 is added per command). One answer per
 * command, in order; throws with the child's stderr when it gives no answers.
 */
export function runCliBatch(commands: ReadonlyArray<readonly string[]>, options: BatchOptions = {}): CliRun[] {
  if (commands.length === 0) return []
  const dir = tempDir('ferbench-batch-')
  chmodSync(dir, 0o755) // another user reads the requests
  try {
    const requests = path.join(dir, 'requests.json')
    writeFileSync(requests, JSON.stringify(commands.map((args) => ({ args }))), { mode: 0o644 })
    const result = spawnSync(process.execPath, [path.join(ROOT, 'tests', 'helpers', 'cliBatch.mjs'), requests], {
      cwd: options.cwd ?? ROOT,
      env: options.env ?? process.env,
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      ...(options.uid !== undefined ? { uid: options.uid } : {}),
      ...(options.gid !== undefined ? { gid: options.gid } : {}),
    })
    try {
      const answers = JSON.parse(result.stdout) as CliRun[]
      if (answers.length === commands.length) return answers
    } catch {
      // reported below
    }
    throw new Error(
      `the batch of ${commands.length} commands gave no answers (exit ${result.status}):\n${result.stderr}`,
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Runs with --json and parses stdout; fails the test with stderr when stdout is not JSON. */
export function runJson<T>(
  args: readonly string[],
  options: CliOptions = {},
): { status: number | null; json: T; stderr: string } {
  const run = runCli([...args, '--json'], options)
  try {
    return { status: run.status, json: JSON.parse(run.stdout) as T, stderr: run.stderr }
  } catch {
    throw new Error(`stdout is not JSON (status ${run.status}):\n${run.stdout}\nstderr:\n${run.stderr}`)
  }
}

export function tempDir(prefix = 'ferbench-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix))
}

interface InProcessCli {
  worker: Worker
  port: MessagePort
  signal: Int32Array
}

let cli: InProcessCli | undefined

function startWorker(): InProcessCli {
  // sharp's native library must be loaded by the main thread before any worker loads it, or
  // unloading it when the worker ends can crash the process (sharp's documented worker caveat).
  createRequire(BIN)('sharp')
  const { port1, port2 } = new MessageChannel()
  const signal = new Int32Array(new SharedArrayBuffer(4))
  const worker = new Worker(new URL('./cliWorker.mjs', import.meta.url), {
    workerData: { port: port2, signal },
    transferList: [port2],
    stdout: true,
    stderr: true,
  })
  worker.unref()
  return { worker, port: port1, signal }
}

let lastRequest = 0

/**
 * Posts the command to the worker and blocks until the answer with its id arrives. The worker bumps
 * `signal` after each answer it posts; answers to an earlier request (one that gave up) are dropped,
 * so a late answer can never be taken for the next command's.
 */
function runInProcess(args: readonly string[], env: NodeJS.ProcessEnv): CliRun {
  cli ??= startWorker()
  const { port, signal } = cli
  const id = ++lastRequest
  let seen = Atomics.load(signal, 0)
  port.postMessage({ id, args: [...args], env: { NO_COLOR: '1', ...env } })
  const deadline = performance.now() + IN_PROCESS_LIMIT_MS
  for (;;) {
    for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
      const answer = m.message as { id: number; run: CliRun }
      if (answer.id === id) return answer.run
    }
    const left = deadline - performance.now()
    if (left <= 0) {
      void cli.worker.terminate()
      cli = undefined
      throw new Error(
        `ferbench ${args.join(' ')}: no answer from the in-process run within ${IN_PROCESS_LIMIT_MS / 1000} s`,
      )
    }
    Atomics.wait(signal, 0, seen, left)
    seen = Atomics.load(signal, 0)
  }
}
