// One in-process run of the built CLI, shared by the worker thread behind tests/helpers/cli.ts runCli
// (tests/helpers/cliWorker.mjs) and the batch runner for child processes (tests/helpers/cliBatch.mjs):
// runs the built CLI (dist/, through oclif's run() and handle(), as bin/run.js does) and returns the
// exit status, stdout and stderr. Process-global state a command may touch is reset around every
// run: process.exitCode, process.argv, environment, signal and exit listeners.
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'run.js')
const require = createRequire(bin)
const { Config, run, flush } = require('@oclif/core')
const { handle, Exit } = require('@oclif/core/handle')

// oclif's error handler ends with Exit.exit(code) (process.exit in a real process, where the first
// call ends it): record the first code of the run instead.
let exitCalled
Exit.exit = (code = 0) => {
  exitCalled ??= code
}

let config
const LISTENED = ['SIGINT', 'SIGTERM', 'SIGHUP', 'exit', 'beforeExit', 'uncaughtException', 'unhandledRejection', 'warning']

function capture(stream, chunks) {
  const original = stream.write
  stream.write = (chunk, encoding, callback) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(typeof encoding === 'string' ? encoding : 'utf8'))
    const done = typeof encoding === 'function' ? encoding : callback
    if (done) queueMicrotask(() => done())
    return true
  }
  return () => {
    stream.write = original
  }
}

/** Runs one command in this thread (oclif's run() and handle(), as bin/run.js does), its output captured. */
export async function runOnce({ args, env }) {
  const stdout = []
  const stderr = []
  const envBefore = { ...process.env }
  const argvBefore = process.argv
  const listenersBefore = new Map(LISTENED.map((e) => [e, process.listeners(e)]))
  // what the run leaves on stdout and stderr (oclif's flush() adds a 'drain' listener that stays
  // when the write it waits for returns at once): removed after it, or they pile up run after run
  const streamListenersBefore = [process.stdout, process.stderr].map((stream) => ({
    stream,
    before: new Map(stream.eventNames().map((e) => [e, stream.listeners(e)])),
  }))
  const restoreOut = capture(process.stdout, stdout)
  const restoreErr = capture(process.stderr, stderr)
  let status
  try {
    for (const [key, value] of Object.entries(env)) {
      if (value === undefined) delete process.env[key]
      else process.env[key] = value
    }
    process.argv = [process.execPath, bin, ...args]
    process.exitCode = undefined
    config ??= await Config.load(bin)
    exitCalled = undefined
    try {
      await run(args, config)
      flush()
    } catch (error) {
      await handle(error)
    }
    status = exitCalled ?? process.exitCode ?? 0
    // Let what the run scheduled for later (process.emitWarning's nextTick, stream callbacks) write
    // into this run's output.
    await new Promise((resolve) => setImmediate(resolve))
  } catch (error) {
    stderr.push(`\n[in-process runner] ${error?.stack ?? String(error)}\n`)
    status = 70
  } finally {
    restoreOut()
    restoreErr()
    process.exitCode = undefined
    process.argv = argvBefore
    for (const key of Object.keys(process.env)) if (!(key in envBefore)) delete process.env[key]
    Object.assign(process.env, envBefore)
    for (const [event, before] of listenersBefore) {
      for (const listener of process.listeners(event)) if (!before.includes(listener)) process.removeListener(event, listener)
    }
    for (const { stream, before } of streamListenersBefore) {
      for (const event of stream.eventNames()) {
        const kept = before.get(event) ?? []
        for (const listener of stream.listeners(event)) if (!kept.includes(listener)) stream.removeListener(event, listener)
      }
    }
  }
  return { status: typeof status === 'number' ? status : Number(status), stdout: stdout.join(''), stderr: stderr.join('') }
}

