import { type ChildProcess, fork } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { StartRequest } from './onnxProcessEntry.js'
import type { WorkerReply } from './onnxThreadMessages.js'
import { builtSibling } from './onnxThread.js'
import { closePixelFile, openPixelFile } from './pixelFile.js'
import type { RunnerOptions } from './types.js'

/** Children still running, killed when this process exits for any reason (a second signal's process.exit too). */
const running = new Set<ChildProcess>()
let exitHook = false
function track(child: ChildProcess): void {
  running.add(child)
  child.once('exit', () => running.delete(child))
  if (exitHook) return
  exitHook = true
  process.once('exit', () => {
    for (const c of running) c.kill('SIGKILL')
  })
}

export const untrack = (child: ChildProcess): boolean => running.delete(child)

/** A runner process and its first reply ('ready' with the session, or 'failed'), listened for from its start. */
export interface StartedProcess {
  child: ChildProcess
  first: Promise<WorkerReply>
}

/**
 * Test seam, off in the product: runner processes released cleanly wait here for the next runner
 * of this thread instead of exiting (tests/helpers/cliInProcess.mjs turns it on, so the hundreds of
 * in-process test commands do not start Node for each eval). A spare has ended its worker thread
 * and session; it still ends when its parent goes away (its IPC channel closes).
 */
let spares: ChildProcess[] | undefined
/** How long a spare waits for the next runner before it ends. */
const SPARE_IDLE_MS = 1000
const idleTimers = new Map<ChildProcess, NodeJS.Timeout>()

/** Turns the test seam above on for this thread. */
export function reuseRunnerProcesses(): void {
  spares ??= []
}

/** After a clean release: keeps the (idle) child as a spare when the seam is on; false when it is off. */
export function keepSpare(child: ChildProcess): boolean {
  if (!spares || !child.connected) return false
  child.removeAllListeners('message')
  child.removeAllListeners('exit')
  child.removeAllListeners('error')
  child.unref()
  child.channel?.unref()
  spares.push(child)
  child.once('exit', () => {
    spares = spares?.filter((c) => c !== child)
    clearTimeout(idleTimers.get(child))
    idleTimers.delete(child)
    running.delete(child)
  })
  // An idle spare ends soon (its IPC channel closed: it exits), so it does not outlive its parent's
  // work: the parent, still running, collects its exit and the CPU it used.
  const idle = setTimeout(() => {
    if (spares?.includes(child)) {
      spares = spares.filter((c) => c !== child)
      if (child.connected) child.disconnect()
    }
  }, SPARE_IDLE_MS)
  idle.unref()
  idleTimers.set(child, idle)
  return true
}

function takeSpare(): ChildProcess | undefined {
  for (let child = spares?.pop(); child; child = spares?.pop()) {
    clearTimeout(idleTimers.get(child))
    idleTimers.delete(child)
    if (!child.connected) continue
    child.removeAllListeners('exit')
    child.ref()
    child.channel?.ref()
    running.add(child)
    return child
  }
  return undefined
}

/** The pixel file (src/runners/pixelFile.ts) each runner process was started with: this process's descriptor of it. */
const pixelFiles = new WeakMap<ChildProcess, number>()

/** The descriptor of the pixel file `child` shares with this process, if it was started with one. */
export const pixelFileOf = (child: ChildProcess): number | undefined => pixelFiles.get(child)

/** Forks a runner process, with a pixel file as its descriptor PIXEL_FILE_FD when one can be made. */
function forkRunner(): ChildProcess {
  const fd = openPixelFile()
  const child = fork(fileURLToPath(builtSibling('onnxProcessEntry.js')), [], {
    serialization: 'advanced',
    execArgv: [],
    stdio: fd === undefined ? ['ignore', 'inherit', 'inherit', 'ipc'] : ['ignore', 'inherit', 'inherit', 'ipc', fd],
  })
  if (fd !== undefined) {
    pixelFiles.set(child, fd)
    // the child holds its own descriptor; this one is closed once the child has gone
    child.once('close', () => {
      pixelFiles.delete(child)
      closePixelFile(fd)
    })
  }
  return child
}

/** Starts the runner process for a model: it loads onnxruntime and creates the session at once. */
export function startOnnxProcess(modelPath: string, options: RunnerOptions): StartedProcess {
  const child = takeSpare() ?? forkRunner()
  track(child)
  const first = new Promise<WorkerReply>((resolve, reject) => {
    child.once('message', resolve)
    child.once('error', reject)
    child.once('exit', (code, signal) =>
      reject(new Error(`ONNX runner process exited (${signal ?? `code ${code}`}) before its session was ready`)),
    )
  })
  first.catch(() => undefined) // read (and thrown) by whoever takes the process
  child.send({
    kind: 'start',
    modelPath,
    options,
    keep: spares !== undefined,
    cwd: process.cwd(),
  } satisfies StartRequest)
  return { child, first }
}

const keyOf = (modelPath: string, o: RunnerOptions): string =>
  JSON.stringify([
    path.resolve(modelPath),
    o.device,
    o.threads ?? null,
    o.graphOptimization ?? null,
    o.spinning ?? null,
  ])

let early: { key: string; started: StartedProcess } | undefined

/**
 * `ferbench eval` on an ONNX model on the CPU starts its runner process (src/runners/onnxProcess.ts)
 * before the command's modules load (bin/run.js), so onnxruntime's load and the session's creation
 * overlap them. The process does not keep ferbench alive until the eval takes it (and is killed
 * when ferbench exits); a run that asks for another model or other options ends it and starts its
 * own, so the result never depends on this.
 */
export function prestartOnnxWorker(modelPath: string, options: RunnerOptions): void {
  const started = startOnnxProcess(modelPath, options)
  started.child.unref()
  started.child.channel?.unref()
  early = { key: keyOf(modelPath, options), started }
}

/** The process started early for exactly this model and these options, if any (once); any other is ended. */
export function takePrestartedWorker(modelPath: string, options: RunnerOptions): StartedProcess | undefined {
  const found = early
  early = undefined
  if (!found) return undefined
  if (found.key !== keyOf(modelPath, options)) {
    found.started.child.kill('SIGKILL')
    return undefined
  }
  found.started.child.ref()
  found.started.child.channel?.ref()
  return found.started
}
