import { performance } from 'node:perf_hooks'
import { writeFileAtomic } from '../base/atomicWrite.js'
import { FerbenchError, usageError } from '../base/errors.js'
import { EXIT_CODES } from '../base/exitCodes.js'
import type { EvalResult } from '../results/evalDocument.js'
import { decodePredictions, type SamplePrediction } from '../results/predictions.js'
import type { CvRun } from '../engine/crossValidate.js'
import type { CvResult } from '../results/cvDocument.js'
import { evaluate, type EvalRun } from '../engine/evaluate.js'
import { PartialResultError } from '../engine/partialResult.js'
import { DEFAULT_PARTIAL_FILE, resumeFromPartial } from '../engine/resume.js'
import type { EvalSpec } from '../engine/spec.js'
import { DEGENERATE_PREFIX } from '../metrics/degenerate.js'
import { reportFormats } from '../report/render.js'
import { stageTimingsText } from '../report/stageTimings.js'
import { debugPauseAfterPartial, watchInterrupts, type InterruptWatch } from './interrupt.js'
import { checkOutputs, type NamedPath } from './outputs.js'
import { writeOutputs } from '../base/writeOutputs.js'
import { countInBackground, progressOnStderr } from './progress.js'
import { writePredictionsCsv, writeReports } from '../report/writeReports.js'
import type { Terminal } from './terminal.js'

/** Where an eval command line sends its results. */
export interface EvalOutputs {
  /** The result JSON (and a partial result when the run stops). */
  output?: string | undefined
  /** --predictions: the per-sample CSV. */
  predictions?: string | undefined
  format?: string | undefined
  report?: string[] | undefined
  /** --timings: where the time went, on stderr. */
  timings?: boolean | undefined
}

/** The output paths of an eval command line, main result first. */
function outputPaths(o: EvalOutputs): NamedPath[] {
  return [
    { flag: '--output', file: o.output },
    { flag: '--predictions', file: o.predictions },
    ...(o.report ?? []).map((file) => ({ flag: '--report', file })),
  ]
}

/** The input paths of an evaluation (never overwritten by an output). */
function inputPaths(spec: EvalSpec): NamedPath[] {
  return [
    { flag: '--model', file: spec.model },
    { flag: '--card', file: spec.card },
    { flag: '--data', file: spec.data },
    { flag: '--labels', file: spec.datasetOptions?.labels },
  ]
}

/**
 * What a finished run keeps: the rows for a --predictions CSV (decoded before the embedded
 * predictions lose their scores), then the embedded predictions without those scores, or none
 * with --no-embed-predictions. A partial result keeps all it has, for --resume.
 */
function settlePredictions(
  result: EvalResult,
  csv: string | undefined,
  embed: boolean,
): SamplePrediction[] | undefined {
  if (!result.complete) return undefined
  const rows = csv !== undefined && result.predictions ? decodePredictions(result.predictions) : undefined
  if (!embed) delete result.predictions
  else if (result.predictions && !Array.isArray(result.predictions)) delete result.predictions.top
  return rows
}

/**
 * One `ferbench eval` on the terminal: checks the outputs, shows progress on stderr, turns
 * SIGINT/SIGTERM (and an error after progress) into a partial result written for --resume, writes
 * the result and its side outputs, prints the tables, sets the exit code.
 */
export class EvalSession {
  /** SIGINT/SIGTERM for the whole command, watched from the first run on: the first stops the run, a later one exits 9. */
  private interrupts: InterruptWatch | undefined

  /** `batchTimeoutMs`: --batch-timeout, `workers`: --workers; settings of this run only (never stored, so a resumed run may change them). */
  constructor(
    private readonly term: Terminal,
    private readonly runSettings: { batchTimeoutMs?: number | undefined; workers?: number | undefined } = {},
  ) {}

  private get signal(): AbortSignal {
    this.interrupts ??= watchInterrupts()
    return this.interrupts.signal
  }

  dispose(): void {
    this.interrupts?.dispose()
  }

  /** A run stopped by an error keeps what it settled: writes the partial result and says how to continue. */
  private keepPartial(partial: EvalResult | CvResult, outputs: EvalOutputs, settled: string): void {
    const file = this.writePartial(partial, outputs.output)
    this.term.note(
      `ferbench eval: stopped by an error after ${settled}; partial result (complete:false) written to ${file}; ` +
        `fix the input, then continue with: ferbench eval --resume ${file}`,
    )
  }

  /** One split (or one fold, or one shard) of one model. */
  async single(spec: EvalSpec, outputs: EvalOutputs, resumeFrom?: EvalRun['resumeFrom']): Promise<EvalResult> {
    checkOutputs(outputPaths(outputs), inputPaths(spec))
    reportFormats('eval', outputs.format, outputs.report ?? []) // each --report file's format, checked before the run
    const progress = progressOnStderr(!this.term.json, 'evaluating')
    const counting = progress.active
      ? countInBackground(progress, {
          dataset: spec.dataset,
          datasetOptions: { ...spec.datasetOptions, data: spec.data, split: spec.split },
          shard: spec.shard,
        })
      : undefined
    let result: EvalResult
    try {
      result = await evaluate(spec, {
        signal: this.signal,
        onProgress: (done) => progress.update(done),
        resumeFrom,
        batchTimeoutMs: this.runSettings.batchTimeoutMs,
        workers: this.runSettings.workers,
      })
    } catch (error) {
      if (error instanceof PartialResultError)
        this.keepPartial(error.partial, outputs, `${error.partial.resume?.settled ?? 0} sample(s)`)
      throw error
    } finally {
      counting?.abort()
      progress.stop()
    }
    return this.finish(result, outputs, settlePredictions(result, outputs.predictions, spec.embedPredictions))
  }

  /** --folds N without --fold: every fold, per-fold metrics, mean ± std and the pooled confusion matrix (schema ferbench/cv@1). */
  async allFolds(spec: EvalSpec, outputs: EvalOutputs, resumeFrom?: CvRun['resumeFrom']): Promise<CvResult> {
    checkOutputs(outputPaths(outputs), inputPaths(spec))
    reportFormats('cv', outputs.format, outputs.report ?? []) // each --report file's format, checked before the run
    // the all-fold modules load only for an all-fold run: a single eval never needs them
    const { CvPartialError, crossValidate } = await import('../engine/crossValidate.js')
    const progress = progressOnStderr(!this.term.json, 'cross-validating')
    // every sample of the split is in exactly one fold: the split's count is the total over all folds
    const { folds: _folds, fold: _fold, ...unfolded } = spec.datasetOptions ?? {}
    const counting = progress.active
      ? countInBackground(progress, {
          dataset: spec.dataset,
          datasetOptions: { ...unfolded, data: spec.data, split: spec.split },
        })
      : undefined
    let result: CvResult
    try {
      result = await crossValidate(spec, {
        signal: this.signal,
        onProgress: (done) => progress.update(done),
        resumeFrom,
        batchTimeoutMs: this.runSettings.batchTimeoutMs,
        workers: this.runSettings.workers,
      })
    } catch (error) {
      if (error instanceof CvPartialError)
        this.keepPartial(
          error.partial,
          outputs,
          `${error.partial.folds.length} of ${error.partial.protocol.folds} fold(s)`,
        )
      throw error
    } finally {
      counting?.abort()
      progress.stop()
    }
    if (!result.complete) {
      const file = this.writePartial(result, outputs.output)
      this.term.note(
        `ferbench eval: interrupted after ${result.folds.length} of ${result.protocol.folds} fold(s); partial result (complete:false) written to ${file}; ` +
          `continue with: ferbench eval --resume ${file}`,
      )
      process.exitCode = EXIT_CODES.interrupted.code
      await debugPauseAfterPartial()
      return result
    }
    let text: string | undefined
    await writeOutputs([
      outputs.output !== undefined && (() => writeFileAtomic(outputs.output!, `${JSON.stringify(result, null, 2)}\n`)),
      async () => {
        text = await writeReports(
          { kind: 'cv', result },
          { format: outputs.format, files: outputs.report, json: this.term.json },
        )
      },
    ])
    if (text !== undefined) this.term.log(text)
    if (result.failures.length > 0) process.exitCode = EXIT_CODES.incomplete.code
    return result
  }

  /**
   * `--resume file`: the run a partial result stores (one split, or every fold), continued with
   * `concurrency` from now; the result replaces the partial unless --output is given. `given`:
   * the flags of the command line that the partial result fixes (a usage error).
   */
  async resume(
    file: string,
    given: readonly string[],
    concurrency: number,
    outputs: EvalOutputs,
  ): Promise<EvalResult | CvResult> {
    if (given.length > 0) {
      throw usageError(
        `--resume ${file}: ${given.map((flag) => `--${flag}`).join(', ')} cannot be given with --resume; the partial result fixes them ` +
          '(only --concurrency, --batch-timeout, --workers and the output flags --output, --predictions, --report, --format, --json may be given)',
      )
    }
    const to = { ...outputs, output: outputs.output ?? file }
    // the document reader and its schemas load only for --resume
    const { readJsonDocument, schemaOf } = await import('../results/readDocument.js')
    const { CV_SCHEMA } = await import('../results/cvDocument.js')
    const document = readJsonDocument(file, 'a partial result written by an interrupted `ferbench eval`')
    if (schemaOf(document) === CV_SCHEMA) {
      if (outputs.predictions !== undefined)
        throw usageError('--predictions is not available for an all-fold run (--folds without --fold)')
      // the all-fold modules load only for an all-fold run
      const { cvResumeFromPartial, readCvPartial } = await import('../engine/cvResume.js')
      const { spec, resumeFrom } = cvResumeFromPartial(file, readCvPartial(file, document), concurrency)
      return this.allFolds(spec, to, resumeFrom)
    }
    const { spec, resumeFrom } = await resumeFromPartial(file, concurrency)
    return this.single(spec, to, resumeFrom)
  }

  /**
   * Writes a partial result to `output` (else ./ferbench-eval.partial.json); when that cannot be
   * written, to ./ferbench-eval.partial.json, so that what was scored is not lost. Returns the file written.
   */
  private writePartial(result: EvalResult | CvResult, output: string | undefined): string {
    const text = `${JSON.stringify(result, null, 2)}\n`
    const file = output ?? DEFAULT_PARTIAL_FILE
    try {
      writeFileAtomic(file, text)
      return file
    } catch (error) {
      if (!(error instanceof FerbenchError) || file === DEFAULT_PARTIAL_FILE) throw error
      writeFileAtomic(DEFAULT_PARTIAL_FILE, text)
      this.term.note(
        `ferbench eval: ${error.message}; the partial result was written to ${DEFAULT_PARTIAL_FILE} instead`,
      )
      return DEFAULT_PARTIAL_FILE
    }
  }

  /**
   * Writes the result (a partial one too, then exit code 9), then the side outputs (predictions
   * CSV, reports), each failure named (exit 10), and prints the tables.
   */
  private async finish(
    result: EvalResult,
    outputs: EvalOutputs,
    predictions: SamplePrediction[] | undefined,
  ): Promise<EvalResult> {
    if (!result.complete) {
      const file = this.writePartial(result, outputs.output)
      this.term.note(
        `ferbench eval: interrupted after ${result.resume?.settled ?? 0} sample(s); partial result (complete:false) written to ${file}; ` +
          `continue with: ferbench eval --resume ${file}`,
      )
      process.exitCode = EXIT_CODES.interrupted.code
      await debugPauseAfterPartial()
      return result
    }
    for (const w of result.warnings) if (w.startsWith(DEGENERATE_PREFIX)) this.term.warn(`ferbench eval: warning: ${w}`)
    const writeStarted = performance.now()
    let text: string | undefined
    await writeOutputs([
      outputs.output !== undefined && (() => writeFileAtomic(outputs.output!, `${JSON.stringify(result, null, 2)}\n`)),
      outputs.predictions !== undefined && (() => writePredictionsCsv(outputs.predictions!, predictions ?? [])),
      async () => {
        text = await writeReports(
          { kind: 'eval', result },
          { format: outputs.format, files: outputs.report, json: this.term.json },
        )
      },
    ])
    const writeMs = performance.now() - writeStarted
    if (text !== undefined) this.term.log(text)
    // On stderr even with --json (stdout stays the document).
    if (outputs.timings && result.timing.split)
      process.stderr.write(`${stageTimingsText(result.timing.split, writeMs, performance.now())}\n`)
    if (result.failures.length > 0) process.exitCode = EXIT_CODES.incomplete.code
    return result
  }
}
