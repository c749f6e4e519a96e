import { performance } from 'node:perf_hooks'
import { writeFileAtomic } from '../base/atomicWrite.js'
import { EXIT_CODES } from '../base/exitCodes.js'
import { debugPauseAfterPartial, watchInterruptsFromFirstRun } from './interrupt.js'
import { writeOutputs } from '../base/writeOutputs.js'
import { checkOutputs, type NamedPath } from './outputs.js'
import type { Progress } from './progress.js'
import type { Terminal } from './terminal.js'

/** What the run step gets. */
export interface RunContext {
  /** The progress line (inactive with --json or off a terminal). */
  progress: Progress
  /** Stops the progress line now (before a partial result is written); the skeleton stops it after the run in any case. */
  stopProgress: () => void
  /**
   * The signal that stops the run at the first SIGINT/SIGTERM: asking for it starts the watch, which
   * lasts until everything is written (a later signal exits 9 at once, src/cli/interrupt.ts).
   */
  signal: () => AbortSignal
}

/**
 * The steps of a command that runs something and writes a document, in the order `runCommand`
 * takes them. Only `outputs`, `inputs`, `run` and one of `view` / `reports` are needed.
 */
export interface CommandSteps<R> {
  /** The output paths, main document first: each checked before any work (an input or another output: exit 2; not writable: exit 10). */
  outputs: readonly NamedPath[]
  /** The input paths, which no output may be. */
  inputs: readonly NamedPath[]
  /** Further checks after the outputs', before any work (e.g. each --report file's format). */
  before?: (() => void) | undefined
  /** The progress line on stderr (shown on a terminal, never with --json); absent: a command too quick for one (compare, gate, merge). */
  progress?: { label: string; unit?: string | undefined } | undefined
  run: (context: RunContext) => Promise<R>
  /**
   * Whether the run stopped early (complete:false), its partial result already written and named by
   * the run step (src/engine/evalSession.ts): the command then exits 9 and writes nothing else.
   */
  stopped?: ((result: R) => boolean) | undefined
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

/** The progress of a command without a progress line. */
const NO_PROGRESS: Progress = {
  active: false,
  update: () => undefined,
  setTotal: () => undefined,
  note: () => undefined,
  stop: () => undefined,
}

/**
 * One command, start to end: check outputs → progress → run → (stopped early: exit 9) →
 * warnings → write the JSON atomically → tables or reports → `after` → exit code. Returns the result, which
 * oclif prints with --json.
 */
export async function runCommand<R>(term: Terminal, steps: CommandSteps<R>): Promise<R> {
  checkOutputs(steps.outputs, steps.inputs)
  steps.before?.()
  // loaded only for a command with a progress line (its sample counter reaches the dataset adapters)
  const progress = steps.progress
    ? (await import('./progress.js')).progressOnStderr(!term.json, steps.progress.label, steps.progress.unit)
    : NO_PROGRESS
  let progressShown = true
  const stopProgress = (): void => {
    if (progressShown) progress.stop()
    progressShown = false
  }
  const interrupts = watchInterruptsFromFirstRun()
  try {
    let result: R
    try {
      result = await steps.run({ progress, stopProgress, signal: interrupts.signal })
    } finally {
      stopProgress()
    }
    if (steps.stopped?.(result)) {
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
    interrupts.dispose()
  }
}
