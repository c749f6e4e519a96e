import { EXIT_CODES, type ExitCodeName } from './exitCodes.js'

/** An error a user can act on: says what was wrong, where, and carries its documented exit code. */
export class FerbenchError extends Error {
  readonly kind: ExitCodeName
  readonly exitCode: number

  constructor(kind: ExitCodeName, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'FerbenchError'
    this.kind = kind
    this.exitCode = EXIT_CODES[kind].code
  }
}

export const dataError = (message: string): FerbenchError => new FerbenchError('data', message)
export const modelError = (message: string): FerbenchError => new FerbenchError('model', message)
export const cardError = (message: string): FerbenchError => new FerbenchError('card', message)
export const usageError = (message: string): FerbenchError => new FerbenchError('usage', message)
export const runnerError = (message: string): FerbenchError => new FerbenchError('runner', message)

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
