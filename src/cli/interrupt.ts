import { EXIT_CODES } from '../base/exitCodes.js'
import { SIGNAL_GRACE_MS } from '../engine/stopGrace.js'

export interface InterruptWatch {
  /** Aborted (reason: the signal name) at the first SIGINT or SIGTERM. */
  signal: AbortSignal
  dispose(): void
}

/**
 * Turns the first SIGINT/SIGTERM into an abort, so that the run stops after the batch in flight
 * (or, when that batch does not return within SIGNAL_GRACE_MS, stops it: src/engine/evalLoop.ts) and
 * its partial result can be written (`then` says what happens next, for the message); a second signal exits at once with exit code 9 (a
 * partial result already written stays as written; before that, nothing more is written). The
 * command keeps the watch until it has written everything, so no signal falls through to
 * Node's default (exit 130, nothing written).
 */
export function watchInterrupts(then = 'then writing a partial result'): InterruptWatch {
  const controller = new AbortController()
  const handler = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      process.stderr.write(`ferbench: second ${signal}: exiting now without writing a partial result\n`)
      process.exit(EXIT_CODES.interrupted.code)
    }
    process.stderr.write(
      `ferbench: ${signal} received: finishing the batch in flight (at most ${SIGNAL_GRACE_MS / 1000} s), ${then} (send it again to exit at once)\n`,
    )
    controller.abort(signal)
  }
  process.on('SIGINT', handler)
  process.on('SIGTERM', handler)
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', handler)
      process.off('SIGTERM', handler)
    },
  }
}

/** An interrupt watch started when its signal is first asked for (when the first run starts), kept until disposed. */
export function watchInterruptsFromFirstRun(): { signal: () => AbortSignal; dispose: () => void } {
  let watch: InterruptWatch | undefined
  return {
    signal: () => {
      watch ??= watchInterrupts()
      return watch.signal
    },
    dispose: () => watch?.dispose(),
  }
}

/**
 * Test hook (FERBENCH_DEBUG_SAMPLE_DELAY_MS set, as for the per-sample delay in evalLoop.ts): after
 * a partial result is written, say so on stderr and wait a second, so that a test can send the
 * second signal at a known point. Not a user setting.
 */
export async function debugPauseAfterPartial(): Promise<void> {
  if (Number(process.env.FERBENCH_DEBUG_SAMPLE_DELAY_MS ?? 0) <= 0) return
  process.stderr.write('ferbench debug: partial result written\n')
  await new Promise((resolve) => setTimeout(resolve, 1000))
}
