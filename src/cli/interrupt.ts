import { EXIT_CODES } from '../core/exitCodes.js'

export interface InterruptWatch {
  /** Aborted (reason: the signal name) at the first SIGINT or SIGTERM. */
  signal: AbortSignal
  dispose(): void
}

/**
 * Turns the first SIGINT/SIGTERM into an abort, so that the run stops after the batch in flight
 * and its partial result can be written; a second signal exits at once (exit code 9) without
 * writing anything.
 */
export function watchInterrupts(): InterruptWatch {
  const controller = new AbortController()
  const handler = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      process.stderr.write(`ferbench: second ${signal}: exiting now without writing a partial result\n`)
      process.exit(EXIT_CODES.interrupted.code)
    }
    process.stderr.write(`ferbench: ${signal} received: finishing the batch in flight, then writing a partial result (send it again to exit at once)\n`)
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
