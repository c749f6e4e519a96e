import { performance } from 'node:perf_hooks'
import { writeFileAtomic } from '../base/atomicWrite.js'
import { EXIT_CODES } from '../base/exitCodes.js'
import { debugPauseAfterPartial, watchInterrupts } from './interrupt.js'
import { writeOutputs } from '../base/writeOutputs.js'
import { checkOutputs, type NamedPath } from './outputs.js'
import { progressOnStderr, type Progress } from './progress.js'
import type { Terminal } from './terminal.js'

/** What the run step gets: the progress line, and (with `interrupts`) the signal that stops the run at SIGINT/SIGTERM. */
export interface RunContext {
  progress: Progress
  signal: AbortSignal | undefined
}

/**
 * The steps of a command that runs something and writes a document, in the order `runCommand`
 * takes them. Only `outputs`, `progress`, `run` and one of `view` / `reports` are needed.
 */
export interface CommandSteps<R> {
  /** The output paths, main document first: each checked before any work (an input or another output: exit 2; not writable: exit 10). */
  outputs: readonly NamedPath[]
  /** The input paths, which no output may be. */
  inputs: readonly NamedPath[]
  /** Further checks after the outputs', before any work (e.g. each --report file's format). */
  before?: (() => void) | undefined
  /** The progress line on stderr (shown on a terminal, never with --json). */
  progress: { label: string; unit?: string | undefined }
  /** Watch SIGINT/SIGTERM from the start of the run until everything is written (src/cli/interrupt.ts). */
  interrupts?: boolean | undefined
  run: (context: RunContext) => Promise<R>
  /** A run that stopped early (complete:false): `keep` writes its partial result and returns the note to print; the command then exits 9. */
  partial?: { stopped: (result: R) => boolean; keep: (result: R) => string } | undefined
  /** Warnings shown on stderr (with --json too), before anything is written. */
  warnings?: ((result: R) => readonly string[]) | undefined
  /** Where the JSON document goes (atomically); undefined: stdout only. */
  output?: string | undefined
  /** Files written after the document (e.g. a predictions CSV). */
  sideOutputs?: ((result: R) => ReadonlyArray<(() => unknown) | undefined | false>) | undefined
  /**
   * `stop` (the default): a write that fails ends the command (exit 10) before the next. `each`: the
   * document, the side outputs and the reports are each tried, the failures named together (exit 10).
   */
  writeFailures?: 'stop' | 'each' | undefined
  /** The tables printed without --json. */
  view?: ((result: R) => string) | undefined
  /** Instead of `view`: writes the report files and returns what stdout shows (undefined with --json). */
  reports?: ((result: R) => Promise<string | undefined>) | undefined
  /** After the tables: what the command adds on stderr, given how long the writes took (eval --timings). */
  after?: ((result: R, writeMs: number) => void) | undefined
  /** The exit code of a finished run when not 0 (e.g. 7: some samples failed). */
  exitCode?: ((result: R) => number | undefined) | undefined
}

/**
 * One command, start to end: check outputs → progress → run → (a partial result kept, exit 9) →
 * warnings → write the JSON atomically → tables or reports → `after` → exit code. Returns the result, which
 * oclif prints with --json.
 */
export async function runCommand<R>(term: Terminal, steps: CommandSteps<R>): Promise<R> {
  checkOutputs(steps.outputs, steps.inputs)
  steps.before?.()
  const progress = progressOnStderr(!term.json, steps.progress.label, steps.progress.unit)
  const interrupts = steps.interrupts ? watchInterrupts() : undefined
  try {
    let result: R
    try {
      result = await steps.run({ progress, signal: interrupts?.signal })
    } finally {
      progress.stop()
    }
    if (steps.partial?.stopped(result)) {
      term.note(steps.partial.keep(result))
      process.exitCode = EXIT_CODES.interrupted.code
      await debugPauseAfterPartial()
      return result
    }
    for (const warning of steps.warnings?.(result) ?? []) term.warn(warning)
    const { output, reports } = steps
    let text: string | undefined
    const writes = [
      output ? () => writeFileAtomic(output, `${JSON.stringify(result, null, 2)}\n`) : undefined,
      ...(steps.sideOutputs?.(result) ?? []),
      reports
        ? async () => {
            text = await reports(result)
          }
        : undefined,
    ]
    const writeStarted = performance.now()
    if (steps.writeFailures === 'each') await writeOutputs(writes)
    else for (const write of writes) if (write) await write()
    const writeMs = performance.now() - writeStarted
    if (!reports && steps.view && !term.json) text = steps.view(result)
    if (text !== undefined) term.log(text)
    steps.after?.(result, writeMs)
    const code = steps.exitCode?.(result)
    if (code !== undefined) process.exitCode = code
    return result
  } finally {
    interrupts?.dispose()
  }
}
