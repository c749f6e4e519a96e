import { performance } from 'node:perf_hooks'
import { writeFileAtomic } from '../base/atomicWrite.js'
import { EXIT_CODES } from '../base/exitCodes.js'
import type { EvalResult } from '../results/evalDocument.js'
import type { SamplePrediction } from '../results/predictions.js'
import type { CvResult } from '../results/cvDocument.js'
import { EvalSession, planResume, refuseFixedFlags, type RunEnd } from '../engine/evalSession.js'
import type { EvalSpec } from '../engine/spec.js'
import { DEGENERATE_PREFIX } from '../metrics/degenerate.js'
import { reportFormats } from '../report/render.js'
import { stageTimingsText } from '../report/stageTimings.js'
import { allFoldSpecFromFlags, evalSpecFromFlags, type EvalSpecFlags } from './evalSpecFlags.js'
import { debugPauseAfterPartial, watchInterruptsFromFirstRun } from './interrupt.js'
import { checkOutputs, type NamedPath } from './outputs.js'
import { writeOutputs } from '../base/writeOutputs.js'
import { countInBackground, progressOnStderr } from './progress.js'
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
  // SIGINT/SIGTERM for the whole command, watched from the first run on: the first stops the run, a later one exits 9
  const interrupts = watchInterruptsFromFirstRun()
  const session = new EvalSession({
    signal: interrupts.signal,
    batchTimeoutMs: flags['batch-timeout'] * 1000,
    workers: flags.workers,
    note: (line) => term.note(line),
  })
  const outputs: EvalOutputs = {
    output: flags.output,
    predictions: flags.predictions,
    format: flags.format,
    report: flags.report,
    timings: flags.timings,
  }
  try {
    if (flags.folds !== undefined && flags.fold === undefined && !flags.resume)
      return await allFolds(term, session, allFoldSpecFromFlags(flags), outputs)
    if (flags.resume) {
      refuseFixedFlags(flags.resume, fixedGiven, MAY_GIVE_WITH_RESUME)
      const to = { ...outputs, output: outputs.output ?? flags.resume }
      const plan = await planResume(flags.resume, flags.concurrency, outputs.predictions !== undefined)
      return plan.kind === 'cv'
        ? await allFolds(term, session, plan.spec, to, plan.resumeFrom)
        : await single(term, session, plan.spec, to, plan.resumeFrom)
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
      announceShard: (line) => !term.json && term.note(line),
    })
    return await single(term, session, spec, outputs)
  } finally {
    interrupts.dispose()
  }
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

/** A run that was interrupted: its partial result is written (by the session); exit code 9. */
async function interrupted<R>(end: RunEnd<R>): Promise<R> {
  process.exitCode = EXIT_CODES.interrupted.code
  await debugPauseAfterPartial()
  return end.result
}

/** One split (or one fold, or one shard) on the terminal: outputs checked, progress on stderr, then the result written and shown. */
async function single(
  term: Terminal,
  session: EvalSession,
  spec: EvalSpec,
  outputs: EvalOutputs,
  resumeFrom?: Parameters<EvalSession['single']>[1]['resumeFrom'],
): Promise<EvalResult> {
  checkOutputs(outputPaths(outputs), inputPaths(spec))
  reportFormats('eval', outputs.format, outputs.report ?? []) // each --report file's format, checked before the run
  const progress = progressOnStderr(!term.json, 'evaluating')
  const counting = progress.active
    ? countInBackground(progress, {
        dataset: spec.dataset,
        datasetOptions: { ...spec.datasetOptions, data: spec.data, split: spec.split },
        shard: spec.shard,
      })
    : undefined
  const end = await session.single(spec, {
    output: outputs.output,
    predictionsCsv: outputs.predictions !== undefined,
    resumeFrom,
    onProgress: (done) => progress.update(done),
    stopped: () => {
      counting?.abort()
      progress.stop()
    },
  })
  if (end.partialFile !== undefined) return interrupted(end)
  return finish(term, end.result, outputs, end.predictions)
}

/** Every fold on the terminal (schema ferbench/cv@1): outputs checked, progress over all folds, then the result written and shown. */
async function allFolds(
  term: Terminal,
  session: EvalSession,
  spec: EvalSpec,
  outputs: EvalOutputs,
  resumeFrom?: Parameters<EvalSession['allFolds']>[1]['resumeFrom'],
): Promise<CvResult> {
  checkOutputs(outputPaths(outputs), inputPaths(spec))
  reportFormats('cv', outputs.format, outputs.report ?? []) // each --report file's format, checked before the run
  const progress = progressOnStderr(!term.json, 'cross-validating')
  // every sample of the split is in exactly one fold: the split's count is the total over all folds
  const { folds: _folds, fold: _fold, ...unfolded } = spec.datasetOptions ?? {}
  const counting = progress.active
    ? countInBackground(progress, {
        dataset: spec.dataset,
        datasetOptions: { ...unfolded, data: spec.data, split: spec.split },
      })
    : undefined
  const end = await session.allFolds(spec, {
    output: outputs.output,
    resumeFrom,
    onProgress: (done) => progress.update(done),
    stopped: () => {
      counting?.abort()
      progress.stop()
    },
  })
  if (end.partialFile !== undefined) return interrupted(end)
  const result = end.result
  let text: string | undefined
  await writeOutputs([
    outputs.output !== undefined && (() => writeFileAtomic(outputs.output!, `${JSON.stringify(result, null, 2)}\n`)),
    async () => {
      text = await writeReports(
        { kind: 'cv', result },
        { format: outputs.format, files: outputs.report, json: term.json },
      )
    },
  ])
  if (text !== undefined) term.log(text)
  if (result.failures.length > 0) process.exitCode = EXIT_CODES.incomplete.code
  return result
}

/**
 * Writes a finished result, then the side outputs (predictions CSV, reports), each failure named
 * (exit 10), and prints the tables.
 */
async function finish(
  term: Terminal,
  result: EvalResult,
  outputs: EvalOutputs,
  predictions: SamplePrediction[] | undefined,
): Promise<EvalResult> {
  for (const w of result.warnings) if (w.startsWith(DEGENERATE_PREFIX)) term.warn(`ferbench eval: warning: ${w}`)
  const writeStarted = performance.now()
  let text: string | undefined
  await writeOutputs([
    outputs.output !== undefined && (() => writeFileAtomic(outputs.output!, `${JSON.stringify(result, null, 2)}\n`)),
    outputs.predictions !== undefined && (() => writePredictionsCsv(outputs.predictions!, predictions ?? [])),
    async () => {
      text = await writeReports(
        { kind: 'eval', result },
        { format: outputs.format, files: outputs.report, json: term.json },
      )
    },
  ])
  const writeMs = performance.now() - writeStarted
  if (text !== undefined) term.log(text)
  // On stderr even with --json (stdout stays the document).
  if (outputs.timings && result.timing.split)
    process.stderr.write(`${stageTimingsText(result.timing.split, writeMs, performance.now())}\n`)
  if (result.failures.length > 0) process.exitCode = EXIT_CODES.incomplete.code
  return result
}
