import { writeFileAtomic } from '../base/atomicWrite.js'
import { FerbenchError, usageError } from '../base/errors.js'
import type { CvResult } from '../results/cvDocument.js'
import type { EvalResult } from '../results/evalDocument.js'
import { decodePredictions, type SamplePrediction } from '../results/predictions.js'
import type { CvRun } from './crossValidate.js'
import { evaluate, type EvalRun } from './evaluate.js'
import { DEFAULT_PARTIAL_FILE, PartialResultError } from './partialResult.js'
import type { EvalSpec } from './spec.js'

/** What every run of a session is given, and where the session's messages go. */
export interface SessionSettings {
  /** The signal that stops a run (SIGINT/SIGTERM), asked for when the first run starts. */
  signal: () => AbortSignal
  /** --batch-timeout in milliseconds: a setting of this command line only (never stored, so a resumed run may change it). */
  batchTimeoutMs?: number | undefined
  /** --workers: a setting of this command line only. */
  workers?: number | undefined
  /** A note on stderr (where a partial result went, how to continue). */
  note: (line: string) => void
}

/** What a run is given by its session: the stop signal and the settings of this command line. */
export type RunControl = Required<Pick<EvalRun, 'signal'>> & Pick<EvalRun, 'batchTimeoutMs' | 'workers'>

/** One kind of run that a session stops, keeps and resumes: one split, every fold, robust. */
export interface Resumable<R> {
  /** The command that continues it: `ferbench <command> --resume <file>`. */
  command: 'eval' | 'robust'
  /** Where its partial result goes when no --output is given (in the working directory). */
  partialFile: string
  /** When --output cannot take the partial result: write it to `partialFile` instead (eval), or fail (robust). */
  fallBack: boolean
  complete(result: R): boolean
  /** The partial result an error carries, when it is one of this kind's. */
  partialOf(error: unknown): R | undefined
  /** What a partial result settled, for the message: `12 sample(s)`, `2 of 5 fold(s)`. */
  settled(partial: R, stoppedBy: 'error' | 'interrupt'): string
}

/** How a run ended: its result, and where its partial result was written when it was interrupted. */
export interface RunEnd<R> {
  result: R
  partialFile?: string | undefined
}

/** What a caller adds to a run: the partial result it continues, progress, and what to do when the run stops (before a partial result is kept). */
export interface RunOptions<From> {
  /** The result JSON, and where a partial result goes (else the kind's `partialFile`). */
  output?: string | undefined
  resumeFrom?: From | undefined
  onProgress?: ((done: number) => void) | undefined
  /** Runs once the run has stopped, whatever the outcome (the caller's progress line). */
  stopped?: (() => void) | undefined
}

const ONE_SPLIT: Resumable<EvalResult> = {
  command: 'eval',
  partialFile: DEFAULT_PARTIAL_FILE,
  fallBack: true,
  complete: (result) => result.complete,
  partialOf: (error) => (error instanceof PartialResultError ? (error.partial as EvalResult) : undefined),
  settled: (partial) => `${partial.resume?.settled ?? 0} sample(s)`,
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
 * The runs of one command line, as the engine sees them: each run is given the stop signal and
 * this command line's settings; a run stopped by the signal, or by an error after it settled
 * samples, leaves a partial result (complete:false), written to --output (else the kind's file)
 * and named in a note with the command that continues it; `--resume` reads a partial result back
 * and continues the run it stores. Single-split eval, all-fold eval and robust run through it.
 */
export class EvalSession {
  private signal: AbortSignal | undefined

  constructor(private readonly settings: SessionSettings) {}

  private control(): RunControl {
    this.signal ??= this.settings.signal()
    return { signal: this.signal, batchTimeoutMs: this.settings.batchTimeoutMs, workers: this.settings.workers }
  }

  /**
   * Runs `start` with the session's control. An error carrying a partial result of this kind has
   * it written and named (then goes on up); `stopped` runs next, whatever the outcome; an
   * interrupted run's partial result is written after it, and its file returned.
   */
  async run<R>(
    kind: Resumable<R>,
    output: string | undefined,
    start: (control: RunControl) => Promise<R>,
    stopped?: () => void,
  ): Promise<RunEnd<R>> {
    let result: R
    try {
      result = await start(this.control())
    } catch (error) {
      const partial = kind.partialOf(error)
      if (partial !== undefined) {
        const file = this.keep(kind, partial, output)
        this.settings.note(
          `ferbench ${kind.command}: stopped by an error after ${kind.settled(partial, 'error')}; partial result (complete:false) written to ${file}; ` +
            `fix the input, then continue with: ferbench ${kind.command} --resume ${file}`,
        )
      }
      throw error
    } finally {
      stopped?.()
    }
    if (kind.complete(result)) return { result }
    const file = this.keep(kind, result, output)
    this.settings.note(
      `ferbench ${kind.command}: interrupted after ${kind.settled(result, 'interrupt')}; partial result (complete:false) written to ${file}; ` +
        `continue with: ferbench ${kind.command} --resume ${file}`,
    )
    return { result, partialFile: file }
  }

  /**
   * One split (or one fold, or one shard) of one model. `predictionsCsv`: a --predictions CSV will
   * be written; its rows come back with the result (see settlePredictions).
   */
  async single(
    spec: EvalSpec,
    options: RunOptions<EvalRun['resumeFrom']> & { predictionsCsv?: boolean },
  ): Promise<RunEnd<EvalResult> & { predictions?: SamplePrediction[] | undefined }> {
    const { resumeFrom, onProgress } = options
    const end = await this.run(
      ONE_SPLIT,
      options.output,
      (control) => evaluate(spec, { ...control, onProgress, resumeFrom }),
      options.stopped,
    )
    return {
      ...end,
      predictions: settlePredictions(end.result, options.predictionsCsv ?? false, spec.embedPredictions),
    }
  }

  /** --folds N without --fold: every fold, per-fold metrics, mean ± std and the pooled confusion matrix (schema ferbench/cv@1). */
  async allFolds(spec: EvalSpec, options: RunOptions<CvRun['resumeFrom']>): Promise<RunEnd<CvResult>> {
    // the all-fold modules load only for an all-fold run: a single eval never needs them
    const { CvPartialError, crossValidate } = await import('./crossValidate.js')
    const allFolds: Resumable<CvResult> = {
      command: 'eval',
      partialFile: DEFAULT_PARTIAL_FILE,
      fallBack: true,
      complete: (result) => result.complete,
      partialOf: (error) => (error instanceof CvPartialError ? error.partial : undefined),
      settled: (partial) => `${partial.folds.length} of ${partial.protocol.folds} fold(s)`,
    }
    const { resumeFrom, onProgress } = options
    return this.run(
      allFolds,
      options.output,
      (control) => crossValidate(spec, { ...control, onProgress, resumeFrom }),
      options.stopped,
    )
  }

  /**
   * Writes a partial result to `output` (else the kind's file); when that cannot be written and
   * the kind falls back, to the kind's file, so that what was settled is not lost. Returns the file written.
   */
  private keep<R>(kind: Resumable<R>, partial: R, output: string | undefined): string {
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
  const { resumeFromPartial } = await import('./resume.js')
  return { kind: 'eval', ...(await resumeFromPartial(file, concurrency)) }
}
