import { writeFileAtomic } from '../base/atomicWrite.js'
import { FerbenchError, usageError } from '../base/errors.js'
import type { CvResult } from '../results/cvDocument.js'
import type { EvalResult } from '../results/evalDocument.js'
import { decodePredictions, type SamplePrediction } from '../results/predictions.js'
import type { CvRun } from './crossValidate.js'
import { evaluate, type EvalRun } from './evaluate.js'
import { PartialResultError } from './partialResult.js'
import { DEFAULT_PARTIAL_FILE, resumeFromPartial } from './resume.js'
import type { EvalSpec } from './spec.js'

/** The settings of one command line that every run of its session is given, and where the session's notes go. */
export interface SessionSettings {
  /** --batch-timeout in milliseconds: a setting of this command line only (never stored, so a resumed run may change it). */
  batchTimeoutMs?: number | undefined
  /** --workers: a setting of this command line only. */
  workers?: number | undefined
  /** A note on stderr (where a partial result went, how to continue). */
  note: (line: string) => void
}

/** What a run is given by its session: the stop signal and the settings of this command line. */
export type RunControl = Pick<EvalRun, 'signal' | 'batchTimeoutMs' | 'workers'>

/** How a kind of run keeps a partial result: one split, every fold, robust. */
export interface PartialKind<R> {
  /** The command that continues it: `ferbench <command> --resume <file>`. */
  command: 'eval' | 'robust'
  /** Where its partial result goes when no --output is given (in the working directory). */
  partialFile: string
  /** When --output cannot take the partial result: write it to `partialFile` instead (eval), or fail (robust). */
  fallBack: boolean
  /** What a partial result settled, for the note: `12 sample(s)`, `2 of 5 fold(s)`. */
  settled(partial: R, stoppedBy: 'error' | 'interrupt'): string
}

/** A kind of run, and how to find its partial result in an error that stopped it. */
export interface Resumable<R> extends PartialKind<R> {
  partialOf(error: unknown): R | undefined
}

/** What a caller adds to a run: the signal that stops it, where its result goes, the partial result it continues, progress. */
export interface RunOptions<From> {
  /** SIGINT/SIGTERM (src/cli/interrupt.ts): the run stops after the batch in flight and returns a partial result. */
  signal?: AbortSignal | undefined
  /** The result JSON, and where a partial result goes (else the kind's `partialFile`). */
  output?: string | undefined
  resumeFrom?: From | undefined
  onProgress?: ((done: number) => void) | undefined
}

/** One split (or one fold, or one shard) of `eval`. */
export const ONE_SPLIT: Resumable<EvalResult> = {
  command: 'eval',
  partialFile: DEFAULT_PARTIAL_FILE,
  fallBack: true,
  partialOf: (error) => (error instanceof PartialResultError ? (error.partial as EvalResult) : undefined),
  settled: (partial) => `${partial.resume?.settled ?? 0} sample(s)`,
}

/** Every fold of `eval --folds N` (the error that carries its partial result is known once crossValidate is loaded). */
export const ALL_FOLDS: PartialKind<CvResult> = {
  command: 'eval',
  partialFile: DEFAULT_PARTIAL_FILE,
  fallBack: true,
  settled: (partial) => `${partial.folds.length} of ${partial.protocol.folds} fold(s)`,
}

/**
 * What a finished run keeps: the rows for a --predictions CSV (decoded before the embedded
 * predictions lose their scores), then the embedded predictions without those scores, or none
 * with --no-embed-predictions. A partial result keeps all it has, for --resume.
 */
function settlePredictions(result: EvalResult, csv: boolean, embed: boolean): SamplePrediction[] | undefined {
  if (!result.complete) return undefined
  const rows = csv && result.predictions ? decodePredictions(result.predictions) : undefined
  if (!embed) delete result.predictions
  else if (result.predictions && !Array.isArray(result.predictions)) delete result.predictions.top
  return rows
}

/**
 * The runs of one command line, as the engine sees them: each run is given its stop signal and
 * this command line's settings; a run stopped by an error after it settled samples leaves a
 * partial result (complete:false), written to --output (else the kind's file) and named in a note
 * with the command that continues it; a run stopped by the signal returns its partial result,
 * which `keepInterrupted` writes; `planResume` reads a partial result back and says which run it
 * continues. Single-split eval, all-fold eval and robust run through it.
 */
export class EvalSession {
  constructor(private readonly settings: SessionSettings) {}

  /**
   * Runs `start` with its stop signal and the session's settings. An error carrying a partial
   * result of this kind has it written and named, then goes on up.
   */
  async run<R>(
    kind: Resumable<R>,
    options: Pick<RunOptions<unknown>, 'signal' | 'output'>,
    start: (control: RunControl) => Promise<R>,
  ): Promise<R> {
    try {
      return await start({
        signal: options.signal,
        batchTimeoutMs: this.settings.batchTimeoutMs,
        workers: this.settings.workers,
      })
    } catch (error) {
      const partial = kind.partialOf(error)
      if (partial !== undefined) {
        const file = this.keep(kind, partial, options.output)
        this.settings.note(
          `ferbench ${kind.command}: stopped by an error after ${kind.settled(partial, 'error')}; partial result (complete:false) written to ${file}; ` +
            `fix the input, then continue with: ferbench ${kind.command} --resume ${file}`,
        )
      }
      throw error
    }
  }

  /** Writes an interrupted run's partial result (to `output`, else the kind's file) and returns the note that says where it went and how to continue. */
  keepInterrupted<R>(kind: PartialKind<R>, partial: R, output: string | undefined): string {
    const file = this.keep(kind, partial, output)
    return (
      `ferbench ${kind.command}: interrupted after ${kind.settled(partial, 'interrupt')}; partial result (complete:false) written to ${file}; ` +
      `continue with: ferbench ${kind.command} --resume ${file}`
    )
  }

  /**
   * One split (or one fold, or one shard) of one model. `predictionsCsv`: a --predictions CSV will
   * be written; its rows come back with the result (see settlePredictions).
   */
  async single(
    spec: EvalSpec,
    options: RunOptions<EvalRun['resumeFrom']> & { predictionsCsv?: boolean },
  ): Promise<{ result: EvalResult; predictions: SamplePrediction[] | undefined }> {
    const { resumeFrom, onProgress } = options
    const result = await this.run(ONE_SPLIT, options, (control) =>
      evaluate(spec, { ...control, onProgress, resumeFrom }),
    )
    return { result, predictions: settlePredictions(result, options.predictionsCsv ?? false, spec.embedPredictions) }
  }

  /** --folds N without --fold: every fold, per-fold metrics, mean ± std and the pooled confusion matrix (schema ferbench/cv@1). */
  async allFolds(spec: EvalSpec, options: RunOptions<CvRun['resumeFrom']>): Promise<CvResult> {
    // the all-fold modules load only for an all-fold run: a single eval never needs them
    const { CvPartialError, crossValidate } = await import('./crossValidate.js')
    const kind: Resumable<CvResult> = {
      ...ALL_FOLDS,
      partialOf: (error) => (error instanceof CvPartialError ? error.partial : undefined),
    }
    const { resumeFrom, onProgress } = options
    return this.run(kind, options, (control) => crossValidate(spec, { ...control, onProgress, resumeFrom }))
  }

  /**
   * Writes a partial result to `output` (else the kind's file); when that cannot be written and
   * the kind falls back, to the kind's file, so that what was settled is not lost. Returns the file written.
   */
  private keep<R>(kind: PartialKind<R>, partial: R, output: string | undefined): string {
    const text = `${JSON.stringify(partial, null, 2)}\n`
    const file = output ?? kind.partialFile
    try {
      writeFileAtomic(file, text)
      return file
    } catch (error) {
      if (!kind.fallBack || !(error instanceof FerbenchError) || file === kind.partialFile) throw error
      writeFileAtomic(kind.partialFile, text)
      this.settings.note(
        `ferbench ${kind.command}: ${error.message}; the partial result was written to ${kind.partialFile} instead`,
      )
      return kind.partialFile
    }
  }
}

/**
 * `--resume file` given with flags the partial result fixes (`given`, in command-line order): a
 * usage error naming them and the flags that `mayGive` lists.
 */
export function refuseFixedFlags(file: string, given: readonly string[], mayGive: string): void {
  if (given.length === 0) return
  throw usageError(
    `--resume ${file}: ${given.map((flag) => `--${flag}`).join(', ')} cannot be given with --resume; the partial result fixes them ` +
      `(only ${mayGive} may be given)`,
  )
}

/** What `eval --resume` continues: one split (a ferbench/eval@1 partial result) or every fold (ferbench/cv@1). */
export type ResumePlan =
  | { kind: 'eval'; spec: EvalSpec; resumeFrom: NonNullable<EvalRun['resumeFrom']> }
  | { kind: 'cv'; spec: EvalSpec; resumeFrom: CvRun['resumeFrom'] }

/**
 * Reads the partial result `file` and says which run it continues, by the document's schema: its
 * stored spec (paths resolved) with `concurrency` the only setting taken from now. `predictionsCsv`:
 * --predictions was given, which an all-fold run cannot honour (a usage error).
 */
export async function planResume(file: string, concurrency: number, predictionsCsv: boolean): Promise<ResumePlan> {
  // the document reader and its schemas load only for --resume
  const { readJsonDocument, schemaOf } = await import('../results/readDocument.js')
  const { CV_SCHEMA } = await import('../results/cvDocument.js')
  const document = readJsonDocument(file, 'a partial result written by an interrupted `ferbench eval`')
  if (schemaOf(document) === CV_SCHEMA) {
    if (predictionsCsv) throw usageError('--predictions is not available for an all-fold run (--folds without --fold)')
    // the all-fold modules load only for an all-fold run
    const { cvResumeFromPartial, readCvPartial } = await import('./cvResume.js')
    return { kind: 'cv', ...cvResumeFromPartial(file, readCvPartial(file, document), concurrency) }
  }
  return { kind: 'eval', ...(await resumeFromPartial(file, concurrency)) }
}
