import { type ChildProcess, fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { deserializeError, type WorkerReply } from './onnxThreadMessages.js'
import type { StartRequest } from './onnxProcessEntry.js'
import { RemoteOnnxRunner, type SessionHost } from './onnxRemote.js'
import { builtSibling } from './onnxThread.js'
import type { Runner, RunnerOptions } from './types.js'

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

function childHost(child: ChildProcess): SessionHost {
  let killed = false
  const kill = (): void => {
    if (killed) return
    killed = true
    child.kill('SIGKILL')
  }
  return {
    name: `child process ${child.pid}`,
    // The IPC channel copies (the V8 serializer keeps typed arrays typed); nothing to transfer.
    post: (request) => {
      if (child.connected) child.send(request)
    },
    onReply: (listener) => child.on('message', listener),
    offReply: (listener) => child.off('message', listener),
    onFailure: (listener) =>
      child.once('exit', (code, signal) =>
        listener(new Error(`ONNX runner process exited (${signal ?? `code ${code}`}) while a batch was running`)),
      ),
    busy: (waiting) => {
      // An idle child must not keep ferbench alive; one with a batch in flight must.
      if (waiting) child.channel?.ref()
      else child.channel?.unref()
    },
    kill,
    close: async () => {
      child.removeAllListeners('exit')
      if (child.exitCode !== null || child.signalCode !== null) return
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve())
        if (child.connected) child.disconnect()
        else kill()
      })
    },
  }
}

/**
 * The ONNX runner with its session in a child process (src/runners/onnxProcessEntry.ts, which runs
 * it on a worker thread there): as the worker-thread runner, run() returns at once and batches run
 * in order, with the same session options, checks, messages and results. Unlike a worker thread, a
 * process can be ended while onnxruntime is stuck in native code (a model that loops without end):
 * the per-batch timeout (`options.batchTimeoutMs`) and abandon() kill it with SIGKILL, and it is
 * killed when ferbench exits. Resolves when its session is ready (or rejects with its error).
 */
export async function createOnnxProcessRunner(modelPath: string, options: RunnerOptions): Promise<Runner> {
  const child = fork(fileURLToPath(builtSibling('onnxProcessEntry.js')), [], {
    serialization: 'advanced',
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  track(child)
  const first = await new Promise<WorkerReply>((resolve, reject) => {
    child.once('message', resolve)
    child.once('error', reject)
    child.once('exit', (code, signal) =>
      reject(new Error(`ONNX runner process exited (${signal ?? `code ${code}`}) before its session was ready`)),
    )
    child.send({ kind: 'start', modelPath, options } satisfies StartRequest)
  })
  child.removeAllListeners('error')
  child.removeAllListeners('exit')
  child.once('exit', () => running.delete(child))
  const host = childHost(child)
  if (first.kind === 'ready') {
    const runner = new RemoteOnnxRunner(host, first.info, first.input, first.outputs, modelPath, options.batchTimeoutMs)
    host.busy(false)
    return runner
  }
  host.kill()
  throw first.kind === 'failed'
    ? deserializeError(first.error)
    : new Error(`ONNX runner process: unexpected first reply '${first.kind}'`)
}
