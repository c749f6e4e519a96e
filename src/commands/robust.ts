import { Flags } from '@oclif/core'
import { FerbenchCommand } from '../cli/baseCommand.js'
import { evalSpecFromFlags } from '../cli/evalSpecFlags.js'
import { checkOutputs } from '../cli/outputs.js'
import { passProgress, progressOnStderr } from '../cli/progress.js'
import { reportFormats } from '../report/render.js'
import { writeReports } from '../cli/reportFlags.js'
import { modelFlags } from '../cli/flags/model.js'
import { runnerFlags } from '../cli/flags/runner.js'
import { adapterFlags, dataFlags, foldFlags, imageLimitFlags } from '../cli/flags/dataset.js'
import { concurrencyFlag, scoringFlags, strictFlag } from '../cli/flags/evaluation.js'
import { formatFlag, outputFlag, reportFlag } from '../cli/flags/output.js'
import { writeFileAtomic } from '../base/atomicWrite.js'
import { usageError } from '../base/errors.js'
import { EXIT_CODES } from '../base/exitCodes.js'
import type { RobustResult } from '../documents/robustDocument.js'
import { CORRUPTIONS, SEVERITIES, type Corruption } from '../documents/robustDocument.js'
import { DEFAULT_ROBUST_SEED, robust } from '../robust/robust.js'
import { readRobustDocument } from '../robust/mergeRobust.js'
import { checkReferenceCovers, referenceErrors } from '../robust/imagenetC.js'

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
    }),
    reference: Flags.string({
      description:
        "a reference model's ferbench/robust@1 document on the same samples, corruptions, severities and seed: adds ImageNet-C's mCE and relative mCE (referenceErrors)",
    }),
    output: outputFlag({ description: 'write the ferbench/robust@1 JSON to this file (atomically)' }),
    format: formatFlag(),
    report: reportFlag({
      description: 'write a report file (.md, .html, .png with a line chart per corruption, .json, .txt); repeatable',
    }),
  }

  async run(): Promise<RobustResult> {
    const { flags } = await this.parse(Robust)
    const spec = evalSpecFromFlags('robust', flags, {})
    if (flags.folds !== undefined && flags.fold === undefined)
      throw usageError('robust evaluates one split or one fold: give --fold with --folds')
    const corruptions = list<Corruption>('corruptions', flags.corruptions, CORRUPTIONS, (s) => s as Corruption)
    const severities = list<number>('severities', flags.severities, SEVERITIES, Number)
    checkOutputs(
      [{ flag: '--output', file: flags.output }, ...(flags.report ?? []).map((file) => ({ flag: '--report', file }))],
      [
        { flag: '--model', file: flags.model },
        { flag: '--card', file: flags.card },
        { flag: '--data', file: flags.data },
        { flag: '--labels', file: flags.labels },
      ],
    )
    reportFormats('robust', flags.format, flags.report ?? []) // each --report file's format, checked before the run
    const reference = flags.reference === undefined ? undefined : readRobustDocument(flags.reference)
    if (reference && flags.reference)
      checkReferenceCovers(reference, flags.reference, { corruptions, severities, seed: flags.seed })
    const progress = progressOnStderr(!this.jsonEnabled(), 'robust')
    let result: RobustResult
    try {
      result = await robust(spec, { corruptions, severities, seed: flags.seed, onProgress: passProgress(progress) })
    } finally {
      progress.stop()
    }
    if (reference && flags.reference)
      result = { ...result, referenceErrors: referenceErrors(result, reference, flags.reference) }
    for (const why of result.referenceErrors?.undefinedBecause ?? []) this.warnToStderr(`warning: ${why}`)
    if (flags.output) writeFileAtomic(flags.output, `${JSON.stringify(result, null, 2)}\n`)
    const text = await writeReports(
      { kind: 'robust', result },
      { format: flags.format, files: flags.report, json: this.jsonEnabled() },
    )
    if (text !== undefined) this.log(text)
    if (result.clean.failures > 0 || result.results.some((r) => r.failures > 0))
      process.exitCode = EXIT_CODES.incomplete.code
    return result
  }
}
