import { performance } from 'node:perf_hooks'
import { Flags } from '@oclif/core'
import { FerbenchCommand } from '../cli/baseCommand.js'
import { countInBackground, progressOnStderr } from '../cli/progress.js'
import { writeFileAtomic } from '../base/atomicWrite.js'
import { FerbenchError, usageError } from '../base/errors.js'
import { EXIT_CODES } from '../base/exitCodes.js'
import { evaluate, type EvalOptions } from '../eval/evaluate.js'
import { PartialResultError } from '../eval/partialResult.js'
import { DEFAULT_PARTIAL_FILE, evalOptionsFromPartial, readPartialResult, resumedPaths } from '../eval/resume.js'
import { parseShard, type Shard } from '../eval/shard.js'
import { shardFromEnvironment } from '../eval/shardAuto.js'
import { debugPauseAfterPartial, watchInterrupts, type InterruptWatch } from '../cli/interrupt.js'
import { DEMO } from '../base/paths.js'
import type { EvalResult } from '../documents/evalDocument.js'
import { writeReports } from '../cli/reportFlags.js'
import { CV_SCHEMA, CvPartialError, crossValidate, modelForFold, type CrossValidateOptions, type CvResult } from '../eval/crossValidate.js'
import { cvOptionsFromPartial, readCvPartial } from '../eval/cvResume.js'
import { readJsonDocument, schemaOf } from '../documents/readDocument.js'
import { evalDatasetOptions, runSettingsFromFlags, type CvFlags } from '../cli/datasetFlags.js'
import { modelFlags } from '../cli/flags/model.js'
import { runnerFlags } from '../cli/flags/runner.js'
import { adapterFlags, dataFlags, foldFlags, imageLimitFlags } from '../cli/flags/dataset.js'
import { concurrencyFlag, scoringFlags, strictFlag } from '../cli/flags/evalRun.js'
import { formatFlag, outputFlag, reportFlag } from '../cli/flags/output.js'
import { writePredictionsCsv } from '../report/predictionsCsv.js'
import { DEFAULT_SLICE_MIN_SAMPLES } from '../metrics/slices.js'
import { stageTimingsText } from '../report/stageTimings.js'
import { checkOutputs, writeOutputs, type NamedPath } from '../cli/outputs.js'
import { reportFormats } from '../report/render.js'
import type { SamplePrediction } from '../documents/predictions.js'
import { DEGENERATE_PREFIX } from '../metrics/degenerate.js'
import { decodePredictions } from '../documents/predictions.js'

/**
 * What a finished run keeps: the rows for a --predictions CSV (decoded before the embedded
 * predictions lose their scores), then the embedded predictions without those scores, or none
 * with --no-embed-predictions. A partial result keeps all it has, for --resume.
 */
function settlePredictions(result: EvalResult, csv: string | undefined, embed: boolean): SamplePrediction[] | undefined {
  if (result.resume) result.resume.options.embedPredictions = embed
  if (!result.complete) return undefined
  const rows = csv !== undefined && result.predictions ? decodePredictions(result.predictions) : undefined
  if (!embed) delete result.predictions
  else if (result.predictions && !Array.isArray(result.predictions)) delete result.predictions.top
  return rows
}

/** --slice-by, --slice-min-samples, --calibrate and --calibration-split as evaluate options. */
function sliceAndCalibrationOptions(flags: { 'slice-by'?: string[] | undefined; 'slice-min-samples'?: number | undefined; calibrate?: string | undefined; 'calibration-split'?: string | undefined }): Pick<EvalOptions, 'sliceBy' | 'sliceMinSamples' | 'calibrate'> {
  if (flags.calibrate !== undefined && flags['calibration-split'] === undefined) throw usageError('--calibrate temperature needs --calibration-split <split> (a split other than the one scored)')
  if (flags.calibrate === undefined && flags['calibration-split'] !== undefined) throw usageError('--calibration-split needs --calibrate temperature')
  if (flags['slice-min-samples'] !== undefined && flags['slice-by'] === undefined) throw usageError('--slice-min-samples needs --slice-by <attribute>')
  return {
    ...(flags['slice-by'] ? { sliceBy: flags['slice-by'] } : {}),
    ...(flags['slice-min-samples'] !== undefined ? { sliceMinSamples: flags['slice-min-samples'] } : {}),
    ...(flags.calibrate ? { calibrate: { method: 'temperature' as const, split: flags['calibration-split']! } } : {}),
  }
}

/** The output paths of an eval command line, main result first. */
function outputPaths(flags: { output?: string | undefined; predictions?: string | undefined; report?: string[] | undefined }, output = flags.output): NamedPath[] {
  return [{ flag: '--output', file: output }, { flag: '--predictions', file: flags.predictions }, ...(flags.report ?? []).map((file) => ({ flag: '--report', file }))]
}

/** The input paths of an evaluation (never overwritten by an output). */
function inputPaths(o: { model: string; card?: string | undefined; data: string; datasetOptions?: { labels?: string | undefined } | undefined }): NamedPath[] {
  return [
    { flag: '--model', file: o.model },
    { flag: '--card', file: o.card },
    { flag: '--data', file: o.data },
    { flag: '--labels', file: o.datasetOptions?.labels },
  ]
}

export default class Eval extends FerbenchCommand {
  static override summary = 'Evaluate a model on a dataset: accuracy with a 95% interval, per-class metrics, confusion matrix.'
  static override description =
    'With no --model and no --data, runs the bundled demo (an oracle model on a miniature fer2013.csv). ' +
    'The model card (--card, --preset or <model>.ferbench.json) says how to preprocess and which label each output is.'
  static override examples = [
    '<%= config.bin %> eval',
    '<%= config.bin %> eval --model m.onnx --dataset fer2013 --data fer2013.csv --split PrivateTest',
    '<%= config.bin %> eval --model m.onnx --card m.card.json --data fer2013.csv --json --output result.json',
    '<%= config.bin %> eval --model fixtures/models/tinyconv.onnx --data fixtures/fer2013/fer2013.csv --split PublicTest',
  ]

  static override flags = {
    ...modelFlags,
    ...dataFlags,
    ...runnerFlags,
    ...scoringFlags,
    output: outputFlag(),
    'embed-predictions': Flags.boolean({
      description: 'embed per-sample predictions (compact columns: ids, truth, prediction, pixel-content key) in the result JSON, which compare and gate need for McNemar\'s test (default; --no-embed-predictions omits them)',
      allowNo: true,
      default: true,
    }),
    predictions: Flags.string({ description: 'write per-sample predictions to this CSV (id, truth, predicted, correct, top-3 labels with scores), atomically' }),
    format: formatFlag(),
    report: reportFlag(),
    strict: strictFlag,
    ...adapterFlags,
    ...foldFlags,
    concurrency: concurrencyFlag,
    timings: Flags.boolean({ description: 'print on stderr where the time went: start-up, read, decode, preprocess, infer, metrics, write (also in the JSON as timing.split)' }),
    ...imageLimitFlags,
    shard: Flags.string({ description: 'evaluate one part i/n (1-based) of the split, chosen by a hash of the sample id; combine with `ferbench merge`. `auto`: i/n from the engine running it (Kubernetes Indexed Job, SLURM array, GitLab/CircleCI/Buildkite parallel)' }),
    'shard-count': Flags.integer({ description: 'with --shard auto: the number of shards where the engine gives only an index (Kubernetes: .spec.completions)', min: 1 }),
    'slice-by': Flags.string({
      description: 'per-group metrics by this attribute (repeatable): rafdb gender, race, age (from basic/Annotation/manual); subject (CK+, JAFFE, a manifest subject column); a manifest\'s extra columns',
      multiple: true,
    }),
    'slice-min-samples': Flags.integer({ description: `groups with fewer samples are reported but not ranked for the largest gap (default ${DEFAULT_SLICE_MIN_SAMPLES})`, min: 1 }),
    calibrate: Flags.option({ description: 'fit a calibration on --calibration-split and report calibration before and after: temperature (one scalar dividing the logits)', options: ['temperature'] as const })(),
    'calibration-split': Flags.string({ description: 'the split the --calibrate temperature is fitted on (never the scored split)' }),
    resume: Flags.string({
      description: `continue an interrupted run from its partial result (written on SIGINT/SIGTERM to --output, else ./${DEFAULT_PARTIAL_FILE}); the final result replaces it unless --output is given`,
    }),
  }

  /** Flags that define what is evaluated: taken from the partial result under --resume, never given again. */
  static readonly fixedByResume = ['model', 'card', 'preset', 'dataset', 'data', 'split', 'batch', 'threads', 'device', 'runner', 'tta', 'extra-classes', 'embed-predictions', 'strict', 'shard', 'shard-count', 'labels', 'class-map', 'ckplus-neutral', 'classes', 'folds', 'fold', 'max-pixels', 'allow-outside-root', 'slice-by', 'slice-min-samples', 'calibrate', 'calibration-split']

  /** --shard i/n, or --shard auto read from the engine's environment (announced on stderr). */
  private shardFromFlags(text: string, shardCount: number | undefined): Shard {
    if (text.trim() !== 'auto') {
      if (shardCount !== undefined) throw usageError('--shard-count goes with --shard auto')
      return parseShard(text)
    }
    const auto = shardFromEnvironment(process.env, shardCount)
    if (!this.jsonEnabled()) this.logToStderr(`ferbench eval: shard ${auto.shard.index}/${auto.shard.count} from ${auto.source}`)
    return auto.shard
  }

  /** SIGINT/SIGTERM for the whole command: the first stops the run, a later one exits 9 (after the partial is written, it stays as written). */
  private interrupts: InterruptWatch | undefined

  private get signal(): AbortSignal {
    this.interrupts ??= watchInterrupts()
    return this.interrupts.signal
  }

  async run(): Promise<EvalResult | CvResult> {
    try {
      return await this.evalCommand()
    } finally {
      this.interrupts?.dispose()
    }
  }

  private async evalCommand(): Promise<EvalResult | CvResult> {
    const { flags, raw } = await this.parse(Eval)
    const datasetOptions = evalDatasetOptions(flags)
    if (flags.folds !== undefined && flags.fold === undefined && !flags.resume) return this.crossValidateRun(flags, datasetOptions)
    if (flags.resume) return this.resumeRun(flags.resume, flags, raw)
    const demo = flags.model === undefined && flags.data === undefined
    if (!demo && (flags.model === undefined || flags.data === undefined)) {
      throw usageError(`eval needs both --model and --data (or neither, for the bundled demo); missing ${flags.model === undefined ? '--model' : '--data'}`)
    }
    if (demo && !this.jsonEnabled()) this.logToStderr('ferbench eval: no --model/--data given, running the bundled demo (oracle model on fixtures/fer2013/fer2013.csv)')
    const model = flags.model === undefined ? DEMO.model : flags.fold !== undefined ? modelForFold(flags.model, flags.fold) : flags.model
    checkOutputs(outputPaths(flags), inputPaths({ model, card: flags.card, data: flags.data ?? DEMO.data, datasetOptions }))
    reportFormats('eval', flags.format, flags.report ?? []) // each --report file's format, checked before the run
    const embedPredictions = flags['embed-predictions'] === true // an absent boolean flag is undefined
    const result = await this.runInterruptible({
        model,
        dataset: demo ? DEMO.dataset : flags.dataset,
        ...(Object.keys(datasetOptions).length > 0 ? { datasetOptions } : {}),
        data: flags.data ?? DEMO.data,
        ...(flags.split ? { split: flags.split } : demo ? { split: DEMO.split } : {}),
        ...runSettingsFromFlags(flags),
        predictions: embedPredictions || flags.predictions !== undefined,
        predictionScores: flags.predictions !== undefined,
        demo,
        ...(flags.shard ? { shard: this.shardFromFlags(flags.shard, flags['shard-count']) } : {}),
        ...sliceAndCalibrationOptions(flags),
      },
      { output: flags.output, embedPredictions },
    )
    const predictions = settlePredictions(result, flags.predictions, embedPredictions)
    return this.finish(result, flags.output, { predictionsCsv: flags.predictions, predictions, ...(flags.format ? { format: flags.format } : {}), ...(flags.report ? { files: flags.report } : {}) }, flags.timings)
  }

  /** --folds N without --fold: every fold, per-fold metrics, mean ± std and the pooled confusion matrix (schema ferbench/cv@1). */
  private async crossValidateRun(flags: CvFlags, datasetOptions: EvalOptions['datasetOptions'] & object): Promise<CvResult> {
    if (flags.model === undefined || flags.data === undefined) throw usageError(`--folds without --fold evaluates every fold and needs --model and --data`)
    for (const flag of ['shard', 'predictions', 'slice-by', 'calibrate'] as const) if (flags[flag] !== undefined) throw usageError(`--${flag} is not available for an all-fold run (--folds without --fold)`)
    checkOutputs(outputPaths(flags), inputPaths({ model: flags.model, card: flags.card, data: flags.data, datasetOptions }))
    reportFormats('cv', flags.format, flags.report ?? []) // each --report file's format, checked before the run
    return this.runCv(
      {
        model: flags.model,
        dataset: flags.dataset,
        data: flags.data,
        ...(flags.split ? { split: flags.split } : {}),
        ...runSettingsFromFlags(flags),
        predictions: flags['embed-predictions'] !== false,
        datasetOptions,
      },
      flags.output,
      { format: flags.format, files: flags.report },
    )
  }

  /** Runs every fold with SIGINT/SIGTERM turned into a partial all-fold result (the folds done, the fold in progress), then writes it. */
  private async runCv(
    options: Omit<CrossValidateOptions, 'signal' | 'onProgress'>,
    output: string | undefined,
    reports: { format?: string | undefined; files?: string[] | undefined } = {},
  ): Promise<CvResult> {
    const progress = progressOnStderr(!this.jsonEnabled(), 'cross-validating')
    // every sample of the split is in exactly one fold: the split's count is the total over all folds
    const { folds: _folds, fold: _fold, ...unfolded } = options.datasetOptions ?? {}
    const counting = progress.active
      ? countInBackground(progress, { dataset: options.dataset, datasetOptions: { ...unfolded, data: options.data, ...(options.split ? { split: options.split } : {}) } })
      : undefined
    let result: CvResult
    try {
      result = await crossValidate({ ...options, signal: this.signal, onProgress: (done) => progress.update(done) })
    } catch (error) {
      if (error instanceof CvPartialError) {
        const file = this.writePartial(error.partial, output)
        this.logToStderr(
          `ferbench eval: stopped by an error after ${error.partial.folds.length} of ${error.partial.protocol.folds} fold(s); partial result (complete:false) written to ${file}; ` +
            `fix the input, then continue with: ferbench eval --resume ${file}`,
        )
      }
      throw error
    } finally {
      counting?.abort()
      progress.stop()
    }
    if (!result.complete) {
      const file = this.writePartial(result, output)
      this.logToStderr(
        `ferbench eval: interrupted after ${result.folds.length} of ${result.protocol.folds} fold(s); partial result (complete:false) written to ${file}; ` +
          `continue with: ferbench eval --resume ${file}`,
      )
      process.exitCode = EXIT_CODES.interrupted.code
      await debugPauseAfterPartial()
      return result
    }
    let text: string | undefined
    await writeOutputs([
      output !== undefined && (() => writeFileAtomic(output, `${JSON.stringify(result, null, 2)}\n`)),
      async () => {
        text = await writeReports({ kind: 'cv', result }, { ...(reports.format ? { format: reports.format } : {}), ...(reports.files ? { files: reports.files } : {}), json: this.jsonEnabled() })
      },
    ])
    if (text !== undefined) this.log(text)
    if (result.failures.length > 0) process.exitCode = EXIT_CODES.incomplete.code
    return result
  }

  /** Runs an evaluation with SIGINT/SIGTERM turned into a partial result. */
  private async runInterruptible(options: Omit<EvalOptions, 'signal' | 'onProgress'>, partial: { output: string | undefined; embedPredictions: boolean }): Promise<EvalResult> {
    const progress = progressOnStderr(!this.jsonEnabled(), 'evaluating')
    const counting = progress.active
      ? countInBackground(progress, {
          dataset: options.dataset,
          datasetOptions: { ...options.datasetOptions, data: options.data, ...(options.split ? { split: options.split } : {}) },
          ...(options.shard ? { shard: options.shard } : {}),
        })
      : undefined
    try {
      return await evaluate({ ...options, signal: this.signal, onProgress: (done) => progress.update(done) })
    } catch (error) {
      if (error instanceof PartialResultError) {
        if (error.partial.resume) error.partial.resume.options.embedPredictions = partial.embedPredictions
        const file = this.writePartial(error.partial, partial.output)
        this.logToStderr(
          `ferbench eval: stopped by an error after ${error.partial.resume?.settled ?? 0} sample(s); partial result (complete:false) written to ${file}; ` +
            `fix the input, then continue with: ferbench eval --resume ${file}`,
        )
      }
      throw error
    } finally {
      counting?.abort()
      progress.stop()
    }
  }

  private async resumeRun(
    file: string,
    flags: { concurrency: number; output?: string | undefined; predictions?: string | undefined; format?: string | undefined; report?: string[] | undefined; timings?: boolean },
    raw: ReadonlyArray<{ type: string; flag?: string }>,
  ): Promise<EvalResult | CvResult> {
    const given = raw.filter((r) => r.type === 'flag' && r.flag !== undefined && Eval.fixedByResume.includes(r.flag)).map((r) => `--${r.flag}`)
    if (given.length > 0) {
      throw usageError(
        `--resume ${file}: ${given.join(', ')} cannot be given with --resume; the partial result fixes them ` +
          '(only --concurrency and the output flags --output, --predictions, --report, --format, --json may be given)',
      )
    }
    const document = readJsonDocument(file, 'a partial result written by an interrupted `ferbench eval`')
    if (schemaOf(document) === CV_SCHEMA) {
      if (flags.predictions !== undefined) throw usageError('--predictions is not available for an all-fold run (--folds without --fold)')
      const options = cvOptionsFromPartial(file, readCvPartial(file, document), flags.concurrency)
      checkOutputs(outputPaths(flags, flags.output ?? file), inputPaths(options))
      reportFormats('cv', flags.format, flags.report ?? []) // each --report file's format, checked before the run
      return this.runCv(options, flags.output ?? file, { format: flags.format, files: flags.report })
    }
    const partial = readPartialResult(file)
    const o = resumedPaths(partial.resume!.options)
    checkOutputs(outputPaths(flags, flags.output ?? file), inputPaths(o))
    reportFormats('eval', flags.format, flags.report ?? []) // each --report file's format, checked before the run
    const result = await this.runInterruptible(evalOptionsFromPartial(file, partial, flags.concurrency), { output: flags.output ?? file, embedPredictions: o.embedPredictions })
    const predictions = settlePredictions(result, flags.predictions, o.embedPredictions)
    return this.finish(result, flags.output ?? file, { predictionsCsv: flags.predictions, predictions, ...(flags.format ? { format: flags.format } : {}), ...(flags.report ? { files: flags.report } : {}) }, flags.timings)
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
      this.logToStderr(`ferbench eval: ${error.message}; the partial result was written to ${DEFAULT_PARTIAL_FILE} instead`)
      return DEFAULT_PARTIAL_FILE
    }
  }

  /**
   * Writes the result (a partial one too, then exit code 9), then the side outputs (predictions
   * CSV, reports), each failure named (exit 10), and prints the tables.
   */
  private async finish(
    result: EvalResult,
    output: string | undefined,
    side: { predictionsCsv?: string | undefined; predictions?: SamplePrediction[] | undefined; format?: string; files?: string[] } = {},
    timings = false,
  ): Promise<EvalResult> {
    if (!result.complete) {
      const file = this.writePartial(result, output)
      this.logToStderr(
        `ferbench eval: interrupted after ${result.resume?.settled ?? 0} sample(s); partial result (complete:false) written to ${file}; ` +
          `continue with: ferbench eval --resume ${file}`,
      )
      process.exitCode = EXIT_CODES.interrupted.code
      await debugPauseAfterPartial()
      return result
    }
    for (const w of result.warnings) if (w.startsWith(DEGENERATE_PREFIX)) this.warnToStderr(`ferbench eval: warning: ${w}`)
    const writeStarted = performance.now()
    let text: string | undefined
    await writeOutputs([
      output !== undefined && (() => writeFileAtomic(output, `${JSON.stringify(result, null, 2)}\n`)),
      side.predictionsCsv !== undefined && (() => writePredictionsCsv(side.predictionsCsv!, side.predictions ?? [])),
      async () => {
        text = await writeReports({ kind: 'eval', result }, { ...(side.format ? { format: side.format } : {}), ...(side.files ? { files: side.files } : {}), json: this.jsonEnabled() })
      },
    ])
    const writeMs = performance.now() - writeStarted
    if (text !== undefined) this.log(text)
    // On stderr even with --json (stdout stays the document).
    if (timings && result.timing.split) process.stderr.write(`${stageTimingsText(result.timing.split, writeMs, performance.now())}\n`)
    if (result.failures.length > 0) process.exitCode = EXIT_CODES.incomplete.code
    return result
  }
}
