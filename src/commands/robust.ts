import { LIMITS } from '../base/limits.js'
import { Flags } from '@oclif/core'
import { FerbenchCommand } from '../cli/baseCommand.js'
import { evalSpecFromFlags } from '../cli/evalSpecFlags.js'
import { passProgress } from '../cli/progress.js'
import { runCommand } from '../cli/runCommand.js'
import { reportFormats } from '../report/render.js'
import { writeReports } from '../report/writeReports.js'
import { modelFlags } from '../cli/flags/model.js'
import { runnerFlags } from '../cli/flags/runner.js'
import { adapterFlags, dataFlags, faceFlags, foldFlags, imageLimitFlags } from '../cli/flags/dataset.js'
import { concurrencyFlag, scoringFlags, strictFlag } from '../cli/flags/evaluation.js'
import { formatFlag, outputFlag, reportFlag } from '../cli/flags/output.js'
import { usageError } from '../base/errors.js'
import { EXIT_CODES } from '../base/exitCodes.js'
import type { RobustResult } from '../results/robustDocument.js'
import { CORRUPTIONS, SEVERITIES, type Corruption } from '../results/robustDocument.js'
import { DEFAULT_ROBUST_SEED, robust, type RobustResumeFrom } from '../robust/robust.js'
import {
  DEFAULT_ROBUST_PARTIAL_FILE,
  ROBUST_FIXED_BY_RESUME,
  ROBUST_RUN,
  robustResumeFromPartial,
} from '../robust/robustResume.js'
import { readRobustDocument } from '../robust/mergeRobust.js'
import { checkReferenceCovers, referenceErrors } from '../robust/imagenetC.js'
import { flagsGiven } from '../cli/flagsGiven.js'
import { EvalSession, refuseFixedFlags } from '../engine/evalSession.js'
import type { EvalSpec } from '../engine/spec.js'

/** Comma-separated values of a list flag, each checked against the allowed ones. */
function list<T extends string | number>(
  flag: string,
  text: string | undefined,
  allowed: readonly T[],
  parse: (s: string) => T,
): T[] {
  if (text === undefined) return [...allowed]
  const values = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(parse)
  const bad = values.filter((v) => !allowed.includes(v))
  if (values.length === 0 || bad.length > 0)
    throw usageError(`--${flag} ${text}: expected a comma-separated subset of ${allowed.join(', ')}`)
  return allowed.filter((a) => values.includes(a))
}

export default class Robust extends FerbenchCommand {
  static override summary =
    'Accuracy under seeded image corruptions (noise, blur, JPEG, low resolution, brightness, contrast, rotation, occlusion) at severities 1–5.'
  static override description =
    "Evaluates the model on the clean split, then once per corruption × severity, each decoded image corrupted before the card's preprocessing. " +
    'Every corrupted image is seeded by the sample id and --seed: two runs give identical documents (ferbench/robust@1), whatever --concurrency. ' +
    'Definitions and parameters: docs/beyond-accuracy.md.'
  static override examples = [
    '<%= config.bin %> robust',
    '<%= config.bin %> robust --model m.onnx --data fer2013.csv --corruptions gaussian-noise,jpeg --severities 1,3,5 --output robust.json --report robust.html',
    '<%= config.bin %> robust --model fixtures/models/oracle.onnx --data fixtures/fer2013/fer2013.csv --corruptions gaussian-noise --severities 1,3',
    '<%= config.bin %> robust --corruptions jpeg,contrast --severities 1,5 --output ref.json && <%= config.bin %> robust --model fixtures/models/tinyconv.onnx --data fixtures/fer2013/fer2013.csv --corruptions jpeg,contrast --severities 1,5 --reference ref.json',
  ]

  static override flags = {
    ...modelFlags,
    ...dataFlags,
    ...runnerFlags,
    ...scoringFlags,
    ...adapterFlags,
    ...foldFlags,
    strict: strictFlag,
    concurrency: concurrencyFlag,
    ...imageLimitFlags,
    ...faceFlags,
    shard: Flags.string({
      description:
        'evaluate one part i/n (1-based) of the split, chosen by a hash of the sample id, under every condition; combine with `ferbench merge`',
    }),
    corruptions: Flags.string({ description: `comma-separated subset of: ${CORRUPTIONS.join(', ')} (default: all)` }),
    severities: Flags.string({ description: 'comma-separated subset of 1,2,3,4,5 (default: all)' }),
    seed: Flags.integer({
      description:
        'seed of the random parts (noise, motion direction, rotation sign); with the sample id it fixes every corrupted image',
      default: DEFAULT_ROBUST_SEED,
      min: 0,
      max: LIMITS.seed,
    }),
    reference: Flags.string({
      description:
        "a reference model's ferbench/robust@1 document on the same samples, corruptions, severities and seed: adds ImageNet-C's mCE and relative mCE (referenceErrors)",
    }),
    output: outputFlag({ description: 'write the ferbench/robust@1 JSON to this file (atomically)' }),
    resume: Flags.string({
      description: `continue an interrupted run from its partial result (written on SIGINT/SIGTERM to --output, else ./${DEFAULT_ROBUST_PARTIAL_FILE}); the final result replaces it unless --output is given`,
    }),
    format: formatFlag(),
    report: reportFlag({
      description: 'write a report file (.md, .html, .png with a line chart per corruption, .json, .txt); repeatable',
    }),
  }

  async run(): Promise<RobustResult> {
    const { flags, raw } = await this.parse(Robust)
    let spec: EvalSpec
    let conditions: { corruptions: Corruption[]; severities: number[]; seed: number }
    let resumeFrom: RobustResumeFrom | undefined
    if (flags.resume) {
      refuseFixedFlags(
        flags.resume,
        flagsGiven(raw, ROBUST_FIXED_BY_RESUME),
        '--concurrency, --batch-timeout, --workers and the output flags --output, --report, --format, --json',
      )
      const partial = robustResumeFromPartial(flags.resume, flags.concurrency)
      spec = partial.spec
      conditions = {
        corruptions: partial.document.corruptions,
        severities: partial.document.severities,
        seed: partial.document.seed,
      }
      resumeFrom = partial.resumeFrom
    } else {
      spec = evalSpecFromFlags('robust', flags, {})
      if (flags.folds !== undefined && flags.fold === undefined)
        throw usageError('robust evaluates one split or one fold: give --fold with --folds')
      conditions = {
        corruptions: list<Corruption>('corruptions', flags.corruptions, CORRUPTIONS, (s) => s as Corruption),
        severities: list<number>('severities', flags.severities, SEVERITIES, Number),
        seed: flags.seed,
      }
    }
    const output = flags.output ?? flags.resume
    let reference: RobustResult | undefined
    return runCommand(this.terminal(), {
      outputs: [
        { flag: '--output', file: output },
        ...(flags.report ?? []).map((file) => ({ flag: '--report', file })),
      ],
      inputs: [
        { flag: '--model', file: spec.model },
        { flag: '--card', file: spec.card },
        { flag: '--data', file: spec.data },
        { flag: '--labels', file: spec.datasetOptions?.labels },
      ],
      before: () => {
        reportFormats('robust', flags.format, flags.report ?? []) // each --report file's format, checked before the run
        reference = flags.reference === undefined ? undefined : readRobustDocument(flags.reference)
        if (reference && flags.reference) checkReferenceCovers(reference, flags.reference, conditions)
      },
      progress: { label: 'robust' },
      run: async ({ progress, stopProgress, signal }) => {
        // SIGINT/SIGTERM watched from the run on: the first stops it (a partial result kept), a later one exits 9
        const session = new EvalSession({
          signal,
          batchTimeoutMs: flags['batch-timeout'] * 1000,
          workers: flags.workers,
          note: (line) => this.terminal().note(line),
        })
        const { result } = await session.run(
          ROBUST_RUN,
          output,
          (control) => robust(spec, { ...conditions, onProgress: passProgress(progress) }, { ...control, resumeFrom }),
          stopProgress,
        )
        return result.complete !== false && reference && flags.reference
          ? { ...result, referenceErrors: referenceErrors(result, reference, flags.reference) }
          : result
      },
      stopped: (result) => !ROBUST_RUN.complete(result),
      warnings: (result) => (result.referenceErrors?.undefinedBecause ?? []).map((why) => `warning: ${why}`),
      output,
      reports: (result) =>
        writeReports(
          { kind: 'robust', result },
          { format: flags.format, files: flags.report, json: this.jsonEnabled() },
        ),
      exitCode: (result) =>
        result.clean.failures > 0 || result.results.some((r) => r.failures > 0)
          ? EXIT_CODES.incomplete.code
          : undefined,
    })
  }
}
