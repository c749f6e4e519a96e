import { performance } from 'node:perf_hooks'
import { EXIT_CODES } from '../base/exitCodes.js'
import type { EvalResult } from '../results/evalDocument.js'
import type { SamplePrediction } from '../results/predictions.js'
import type { CvResult } from '../results/cvDocument.js'
import { EvalSession, planResume, refuseFixedFlags, type SessionSettings } from '../engine/evalSession.js'
import type { EvalSpec } from '../engine/spec.js'
import { DEGENERATE_PREFIX } from '../metrics/degenerate.js'
import { reportFormats } from '../report/render.js'
import { stageTimingsText } from '../report/stageTimings.js'
import { allFoldSpecFromFlags, evalSpecFromFlags, type EvalSpecFlags } from './evalSpecFlags.js'
import type { NamedPath } from './outputs.js'
import { runCommand } from './runCommand.js'
import { countInBackground } from './progress.js'
import { writePredictionsCsv, writeReports } from '../report/writeReports.js'
import type { Terminal } from './terminal.js'

/** The flags of `ferbench eval` that this file reads beyond the spec's. */
export interface EvalFlags extends EvalSpecFlags {
  output?: string | undefined
  predictions?: string | undefined
  format?: string | undefined
  report?: string[] | undefined
  timings?: boolean | undefined
  resume?: string | undefined
  'embed-predictions'?: boolean | undefined
  'batch-timeout': number
  workers?: number | undefined
}

/** Where an eval command line sends its results. */
interface EvalOutputs {
  /** The result JSON (and a partial result when the run stops). */
  output?: string | undefined
  /** --predictions: the per-sample CSV. */
  predictions?: string | undefined
  format?: string | undefined
  report?: string[] | undefined
  /** --timings: where the time went, on stderr. */
  timings?: boolean | undefined
}

/** What `eval --resume` lets a command line give (the usage error lists them). */
const MAY_GIVE_WITH_RESUME =
  '--concurrency, --batch-timeout, --workers and the output flags --output, --predictions, --report, --format, --json'

/**
 * `ferbench eval` from its parsed flags: every fold (--folds without --fold), the run a partial
 * result stores (--resume; `fixedGiven`: the flags given that it fixes), or one split (the bundled
 * demo without --model and --data). The engine's session (src/engine/evalSession.ts) runs it.
 */
export async function runEval(
  term: Terminal,
  flags: EvalFlags,
  fixedGiven: readonly string[],
): Promise<EvalResult | CvResult> {
  const outputs: EvalOutputs = {
    output: flags.output,
    predictions: flags.predictions,
    format: flags.format,
    report: flags.report,
    timings: flags.timings,
  }
  const line: EvalCommandLine = {
    term,
    outputs,
    settings: {
      batchTimeoutMs: flags['batch-timeout'] * 1000,
      workers: flags.workers,
      note: (text) => term.note(text),
    },
  }
  if (flags.folds !== undefined && flags.fold === undefined && !flags.resume)
    return allFolds(line, allFoldSpecFromFlags(flags))
  if (flags.resume) {
    refuseFixedFlags(flags.resume, fixedGiven, MAY_GIVE_WITH_RESUME)
    const resumed = { ...line, outputs: { ...outputs, output: outputs.output ?? flags.resume } }
    const plan = await planResume(flags.resume, flags.concurrency, outputs.predictions !== undefined)
    return plan.kind === 'cv'
      ? allFolds(resumed, plan.spec, plan.resumeFrom)
      : single(resumed, plan.spec, plan.resumeFrom)
  }
  if (flags.model === undefined && flags.data === undefined && !term.json)
    term.note(
      'ferbench eval: no --model/--data given, running the bundled demo (oracle model on fixtures/fer2013/fer2013.csv)',
    )
  const embed = flags['embed-predictions'] === true // an absent boolean flag is undefined
  const keep = {
    predictions: embed || flags.predictions !== undefined,
    predictionScores: flags.predictions !== undefined,
    embedPredictions: embed,
  }
  const spec = evalSpecFromFlags('eval', flags, keep, {
    foldModel: true,
    announceShard: (text) => !term.json && term.note(text),
  })
  return single(line, spec)
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

/** What the runs of one eval command line share: where they print, their outputs, their run settings. */
interface EvalCommandLine {
  term: Terminal
  outputs: EvalOutputs
  settings: Omit<SessionSettings, 'signal'>
}

/** One split (or one fold, or one shard) on the terminal (src/cli/runCommand.ts): outputs checked, progress on stderr, the engine's session runs it, then the result written and shown. */
async function single(
  { term, outputs, settings }: EvalCommandLine,
  spec: EvalSpec,
  resumeFrom?: Parameters<EvalSession['single']>[1]['resumeFrom'],
): Promise<EvalResult> {
  let predictions: SamplePrediction[] | undefined
  return runCommand<EvalResult>(term, {
    outputs: outputPaths(outputs),
    inputs: inputPaths(spec),
    before: () => reportFormats('eval', outputs.format, outputs.report ?? []), // each --report file's format, checked before the run
    progress: { label: 'evaluating' },
    run: async ({ progress, stopProgress, signal }) => {
      const counting = progress.active
        ? countInBackground(progress, {
            dataset: spec.dataset,
            datasetOptions: { ...spec.datasetOptions, data: spec.data, split: spec.split },
            shard: spec.shard,
          })
        : undefined
      const end = await new EvalSession({ ...settings, signal }).single(spec, {
        output: outputs.output,
        predictionsCsv: outputs.predictions !== undefined,
        resumeFrom,
        onProgress: (done) => progress.update(done),
        stopped: () => {
          counting?.abort()
          stopProgress()
        },
      })
      predictions = end.predictions
      return end.result
    },
    stopped: (result) => !result.complete, // its partial result written by the session
    warnings: (result) =>
      result.warnings.filter((w) => w.startsWith(DEGENERATE_PREFIX)).map((w) => `ferbench eval: warning: ${w}`),
    output: outputs.output,
    sideOutputs: () => [
      outputs.predictions !== undefined && (() => writePredictionsCsv(outputs.predictions!, predictions ?? [])),
    ],
    writeFailures: 'each',
    reports: (result) =>
      writeReports({ kind: 'eval', result }, { format: outputs.format, files: outputs.report, json: term.json }),
    // On stderr even with --json (stdout stays the document).
    after: (result, writeMs) => {
      if (outputs.timings && result.timing.split)
        process.stderr.write(`${stageTimingsText(result.timing.split, writeMs, performance.now())}\n`)
    },
    exitCode: (result) => (result.failures.length > 0 ? EXIT_CODES.incomplete.code : undefined),
  })
}

/** Every fold on the terminal (schema ferbench/cv@1; src/cli/runCommand.ts): outputs checked, progress over all folds, the engine's session runs it, then the result written and shown. */
async function allFolds(
  { term, outputs, settings }: EvalCommandLine,
  spec: EvalSpec,
  resumeFrom?: Parameters<EvalSession['allFolds']>[1]['resumeFrom'],
): Promise<CvResult> {
  return runCommand<CvResult>(term, {
    outputs: outputPaths(outputs),
    inputs: inputPaths(spec),
    before: () => reportFormats('cv', outputs.format, outputs.report ?? []), // each --report file's format, checked before the run
    progress: { label: 'cross-validating' },
    run: async ({ progress, stopProgress, signal }) => {
      // every sample of the split is in exactly one fold: the split's count is the total over all folds
      const { folds: _folds, fold: _fold, ...unfolded } = spec.datasetOptions ?? {}
      const counting = progress.active
        ? countInBackground(progress, {
            dataset: spec.dataset,
            datasetOptions: { ...unfolded, data: spec.data, split: spec.split },
          })
        : undefined
      const end = await new EvalSession({ ...settings, signal }).allFolds(spec, {
        output: outputs.output,
        resumeFrom,
        onProgress: (done) => progress.update(done),
        stopped: () => {
          counting?.abort()
          stopProgress()
        },
      })
      return end.result
    },
    stopped: (result) => !result.complete, // its partial result written by the session
    output: outputs.output,
    writeFailures: 'each',
    reports: (result) =>
      writeReports({ kind: 'cv', result }, { format: outputs.format, files: outputs.report, json: term.json }),
    exitCode: (result) => (result.failures.length > 0 ? EXIT_CODES.incomplete.code : undefined),
  })
}
