import type { ChildProcess } from 'node:child_process'
import { deserializeError, type ProcessRequest, type WorkerRequest } from './onnxThreadMessages.js'
import { RemoteOnnxRunner, type SessionHost } from './onnxRemote.js'
import { keepSpare, pixelFileOf, startOnnxProcess, takePrestartedWorker, untrack } from './onnxPrestart.js'
import { PixelSlots } from './pixelFile.js'
import type { Runner, RunnerOptions } from './types.js'

/**
 * Calls posted in one turn of the event loop go to the runner process together, in one IPC message
 * of at most this many bytes of batches: each message costs both processes a fixed share of
 * serializing, writing, reading and parsing, and `robust` posts thousands of small batches.
 */
export const CALLS_MESSAGE_BYTES = 1 << 20

export function childHost(child: ChildProcess): SessionHost {
  let killed = false
  const kill = (): void => {
    if (killed) return
    killed = true
    child.kill('SIGKILL')
  }
  /** Calls posted and not yet sent (their buffers copied by post()), in order. */
  let queued: WorkerRequest[] = []
  let queuedBytes = 0
  let scheduled = false
  /** The pixel file's slots (src/runners/pixelFile.ts), when the child was started with one; the slot of each call in it. */
  const fd = pixelFileOf(child)
  const slots = fd === undefined ? undefined : new PixelSlots(fd)
  const slotOf = new Map<number, number>()
  if (slots)
    child.on('message', (reply: { kind?: string; id?: number }) => {
      if ((reply.kind !== 'scores' && reply.kind !== 'error') || reply.id === undefined) return
      const offset = slotOf.get(reply.id)
      if (offset === undefined) return
      slotOf.delete(reply.id)
      slots.release(offset)
    })
  /** The call as queued: its pixels written to the pixel file where they can be, else its buffer copied. */
  const queueable = (request: Extract<WorkerRequest, { kind: 'run' | 'runPixels' }>): WorkerRequest => {
    if (request.kind === 'run') return { ...request, batch: request.batch.slice() }
    const offset = slots?.write(request.pixels)
    if (offset === undefined) return { ...request, pixels: request.pixels.slice() }
    slotOf.set(request.id, offset)
    const { pixels, ...rest } = request
    return { ...rest, kind: 'runPixelFile', offset, bytes: pixels.byteLength }
  }
  const sendQueued = (): void => {
    const requests = queued
    queued = []
    queuedBytes = 0
    if (requests.length === 0 || !child.connected) return
    child.send(requests.length === 1 ? requests[0]! : ({ kind: 'calls', requests } satisfies ProcessRequest))
  }
  return {
    name: `onnxruntime child process ${child.pid}`,
    // Run calls wait for the end of this turn (or a full message), then go together (sendQueued);
    // anything else goes at once, after the calls posted before it. The V8 serializer keeps typed
    // arrays typed, writing a view's bytes only; nothing to transfer.
    post: (request) => {
      if (request.kind === 'run' || request.kind === 'runPixels') {
        const call = queueable(request)
        queued.push(call)
        queuedBytes +=
          call.kind === 'run' ? call.batch.byteLength : call.kind === 'runPixels' ? call.pixels.byteLength : 0
        if (queuedBytes >= CALLS_MESSAGE_BYTES) sendQueued()
        else if (!scheduled) {
          scheduled = true
          setImmediate(() => {
            scheduled = false
            sendQueued()
          })
        }
        return
      }
      sendQueued()
      if (child.connected) child.send(request)
    },
    copiesOnPost: true,
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
      if (keepSpare(child)) return
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
  const { child, first: firstReply } = takePrestartedWorker(modelPath, options) ?? startOnnxProcess(modelPath, options)
  const first = await firstReply
  child.removeAllListeners('error')
  child.removeAllListeners('exit')
  child.once('exit', () => untrack(child))
  const host = childHost(child)
  if (first.kind === 'ready') {
    const runner = new RemoteOnnxRunner(
      host,
      first.info,
      first.input,
      first.outputs,
      modelPath,
      options.batchTimeoutMs,
      first.engines ?? 1,
    )
    host.busy(false)
    return runner
  }
  host.kill()
  throw first.kind === 'failed'
    ? deserializeError(first.error)
    : new Error(`ONNX runner process: unexpected first reply '${first.kind}'`)
}
