import type { Runner } from '../runners/types.js'

/**
 * After a stop signal, how long the inference calls in flight may still run. Then the engine is
 * stopped where the runner can stop it (ONNX on the CPU: its child process is killed, even inside
 * native code) and those calls' samples stay unsettled, so the partial result is written within a
 * few seconds of the signal even when a batch never returns.
 */
export const SIGNAL_GRACE_MS = 3000

/** The reason the calls still in flight were given up after a stop signal (never a failure of the run). */
export class InferenceAbandoned extends Error {}

export interface StopGrace {
  /** `call`, or a rejection with InferenceAbandoned once the grace after the signal has passed. */
  race<T>(call: Promise<T>): Promise<T>
  dispose(): void
}

/**
 * Watches `signal` for a loop that runs `runner`: SIGNAL_GRACE_MS after it, the runner is abandoned
 * (runner.abandon) and every call raced here rejects with InferenceAbandoned, so the loop can stop
 * with what it settled (a runner on the main thread cannot be stopped; its calls are still given up).
 */
export function stopGrace(signal: AbortSignal | undefined, runner: Runner): StopGrace {
  let giveUp: (reason: InferenceAbandoned) => void = () => undefined
  const givenUp = new Promise<never>((_, reject) => {
    giveUp = reject
  })
  givenUp.catch(() => undefined)
  let timer: NodeJS.Timeout | undefined
  const onStop = (): void => {
    timer = setTimeout(() => {
      const reason = new InferenceAbandoned(
        `inference calls still running ${SIGNAL_GRACE_MS / 1000} s after ${String(signal?.reason ?? 'the stop signal')}: stopped`,
      )
      runner.abandon?.(reason)
      giveUp(reason)
    }, SIGNAL_GRACE_MS)
  }
  if (signal?.aborted) onStop()
  else signal?.addEventListener('abort', onStop, { once: true })
  return {
    race: (call) => Promise.race([call, givenUp]),
    dispose: () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onStop)
    },
  }
}
