import type { EvalResult } from '../results/evalDocument.js'
import { FerbenchError } from '../base/errors.js'

/** Where an interrupted eval writes its partial result when no --output is given (in the working directory). */
export const DEFAULT_PARTIAL_FILE = 'ferbench-eval.partial.json'

/**
 * A run that stopped on an error after it had settled some samples: carries the error's kind,
 * message and exit code, and the partial result (complete:false) of the samples settled before
 * it, so that the command can write it and the user can fix the input and `eval --resume`.
 */
export class PartialResultError<T = EvalResult> extends FerbenchError {
  readonly partial: T

  constructor(cause: FerbenchError, partial: T) {
    super(cause.kind, cause.message, { cause })
    this.partial = partial
  }
}
