import { Command, Errors, ux } from '@oclif/core'
import { FerbenchError } from '../base/errors.js'
import { plainOutput, terminalText } from '../report/escape.js'
import { plainJsonText } from './jsonText.js'
import type { Terminal } from './terminal.js'

/**
 * Base of every ferbench command: maps FerbenchError to its documented exit code and prints only
 * the message (no stack, no wrapping) as `Error: …` on stderr — or as JSON `{error}` on stdout when
 * --json is on. Everything it prints to the terminal has its control characters escaped (a file
 * name with an escape sequence is shown as `\x1B[…`, never run by the terminal).
 */
export abstract class FerbenchCommand extends Command {
  static override enableJsonFlag = true

  override log(message = '', ...args: unknown[]): void {
    super.log(terminalText(message, !plainOutput()), ...args)
  }

  override logToStderr(message = '', ...args: unknown[]): void {
    super.logToStderr(terminalText(message, false), ...args)
  }

  /** A warning on stderr that shows with --json too (oclif's logToStderr is silent then): stdout stays the JSON document. */
  warnToStderr(message: string): void {
    process.stderr.write(`${terminalText(message, false)}\n`)
  }

  /** As oclif's logJson prints it (src/cli/jsonText.ts), without tokenizing a document no theme colours. */
  override logJson(json: unknown): void {
    const text = plainJsonText(json, this.config.theme?.json)
    if (text === undefined) super.logJson(json)
    else ux.stdout(text)
  }

  /** This command's output, for the layers that print (src/cli/terminal.ts). */
  protected terminal(): Terminal {
    return {
      json: this.jsonEnabled(),
      log: (text) => this.log(text),
      note: (text) => this.logToStderr(text),
      warn: (text) => this.warnToStderr(text),
    }
  }

  protected override async catch(err: Error & { exitCode?: number }): Promise<unknown> {
    let failure: FerbenchError | undefined
    if (err instanceof FerbenchError) failure = err
    else if (err instanceof Errors.CLIError && err.oclif?.exit === 2) failure = new FerbenchError('usage', err.message)
    if (!failure) return super.catch(err)
    process.exitCode = failure.exitCode
    if (this.jsonEnabled()) {
      this.logJson({ error: { kind: failure.kind, exitCode: failure.exitCode, message: failure.message } })
      return undefined
    }
    process.stderr.write(`Error: ${terminalText(failure.message, false)}\n`)
    throw new Errors.ExitError(failure.exitCode)
  }
}
