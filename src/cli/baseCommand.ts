import { Command, Errors } from '@oclif/core'
import { FerbenchError } from '../core/errors.js'
import { EXIT_CODES } from '../core/exitCodes.js'

/**
 * Base of every ferbench command: maps FerbenchError to its documented exit code and prints only
 * the message (no stack) — as JSON `{error}` when --json is on.
 */
export abstract class FerbenchCommand extends Command {
  static override enableJsonFlag = true

  protected override async catch(err: Error & { exitCode?: number }): Promise<unknown> {
    if (err instanceof FerbenchError) {
      process.exitCode = err.exitCode
      const cli = new Errors.CLIError(err.message, { exit: err.exitCode, code: err.kind })
      return super.catch(Object.assign(cli, { exitCode: err.exitCode }))
    }
    if (err instanceof Errors.CLIError && err.oclif?.exit === 2) {
      process.exitCode = EXIT_CODES.usage.code
    }
    return super.catch(err)
  }
}
