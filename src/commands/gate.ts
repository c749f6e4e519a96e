import { Flags } from '@oclif/core'
import { FerbenchCommand } from '../cli/baseCommand.js'
import { writeReports } from '../report/writeReports.js'
import { formatFlag, outputFlag } from '../cli/flags/output.js'
import { runCommand } from '../cli/runCommand.js'
import { usageError } from '../base/errors.js'
import { EXIT_CODES } from '../base/exitCodes.js'
import { DEFAULT_MAX_ACCURACY_DROP, gateFiles } from '../compare/gate.js'
import { resolveBaseline } from '../leaderboard/resolveBaseline.js'
import { storeFlag } from '../cli/flags/history.js'
import type { GateResult } from '../results/gateDocument.js'

function number(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (value.trim() === '' || !Number.isFinite(n)) throw usageError(`--${flag} ${value}: expected a number`)
  return n
}

export default class Gate extends FerbenchCommand {
  static override summary =
    'Fail CI on a regression: compare a current result with a baseline, check by check, with significance.'
  static override description =
    `Exit ${EXIT_CODES.ok.code} when every check passes, ${EXIT_CODES.regression.code} when at least one fails (a regression). ` +
    'Eval and cross-validation (eval --folds N) documents: accuracy (and per-class recall, pooled over folds) may not drop by more than the threshold in percentage points; ' +
    "when both results carry per-sample predictions (embedded by default) a drop fails only if McNemar's exact test also finds it significant (p < alpha); " +
    'without them the gate says so and judges on the threshold alone. Samples are paired by pixel content, so results read from different files of the same pictures compare. ' +
    'Speed documents (ferbench speed --reference <model>): the latency ratio to the reference model, timed in the same run, may not grow by more than --max-latency-increase percent; ' +
    "a cell fails only when the whole 95% interval of the change (from both runs' ABBA blocks) lies above it, so noise alone does not fail the gate (docs/detectors.md). Absolute times are never compared across machines."
  static override examples = [
    '<%= config.bin %> gate --baseline base.json --current cur.json --max-accuracy-drop 1',
    '<%= config.bin %> gate --baseline base.json --current cur.json --max-class-recall-drop 5 --output gate.xml --output gate.md',
    '<%= config.bin %> gate --baseline base.json --current cur.json --max-group-gap 5',
    '<%= config.bin %> gate --baseline speed-base.json --current speed-cur.json --max-latency-increase 10',
    '<%= config.bin %> gate --baseline history:main --current cur.json --store .ferbench-history',
    '<%= config.bin %> eval --embed-predictions --output base.json && <%= config.bin %> eval --model fixtures/models/tinyconv.onnx --data fixtures/fer2013/fer2013.csv --embed-predictions --output cur.json && <%= config.bin %> gate --baseline base.json --current cur.json --max-accuracy-drop 1',
    '<%= config.bin %> eval --embed-predictions --output result.json && <%= config.bin %> gate --baseline result.json --current result.json --output gate.xml --output gate.md',
  ]

  static override flags = {
    baseline: Flags.string({
      description:
        'baseline result document (eval, cross-validation or speed JSON), or history:<branch>: the newest entry on that branch of the same kind, model (name or sha256) and data (ferbench history add); the entry used is printed on stderr and recorded in the result, and none is exit 3 naming what the branch holds',
      required: true,
    }),
    store: storeFlag({ description: 'history store for --baseline history:<branch>' }),
    current: Flags.string({ description: 'current result document of the same kind', required: true }),
    'max-accuracy-drop': Flags.string({
      description: `largest allowed accuracy drop, percentage points (eval documents; default ${DEFAULT_MAX_ACCURACY_DROP})`,
    }),
    'max-class-recall-drop': Flags.string({
      description: "largest allowed drop of any class's recall, percentage points (eval documents; off unless given)",
    }),
    'max-group-gap': Flags.string({
      description:
        'largest allowed growth, in points, of the accuracy gap between groups of an eval --slice-by attribute; fails only when the current gap is also significant (Fisher exact p < alpha)',
    }),
    'max-latency-increase': Flags.string({
      description:
        "largest allowed increase of the latency ratio to the reference model, percent (speed documents): fails when the 95% interval's low end is above it",
    }),
    alpha: Flags.string({ description: "significance level of McNemar's exact test", default: '0.05' }),
    format: formatFlag(),
    output: outputFlag({
      description:
        'write the gate report to this file (format from --format or the extension: .xml = JUnit, .md, .html, .json, .txt); repeatable',
      multiple: true,
    }),
  }

  async run(): Promise<GateResult> {
    const { flags } = await this.parse(Gate)
    const maxAccuracyDrop = number('max-accuracy-drop', flags['max-accuracy-drop'])
    const maxClassRecallDrop = number('max-class-recall-drop', flags['max-class-recall-drop'])
    const maxLatencyIncrease = number('max-latency-increase', flags['max-latency-increase'])
    const maxGroupGap = number('max-group-gap', flags['max-group-gap'])
    return runCommand(this.terminal(), {
      outputs: (flags.output ?? []).map((file) => ({ flag: '--output', file })),
      inputs: [
        { flag: '--baseline', file: flags.baseline },
        { flag: '--current', file: flags.current },
      ],
      run: async (): Promise<GateResult> => {
        const baseline = resolveBaseline(flags.baseline, flags.current, flags.store)
        if (baseline.description) this.warnToStderr(`baseline: ${baseline.description}`)
        const gated = gateFiles({
          baseline: baseline.file,
          current: flags.current,
          alpha: number('alpha', flags.alpha)!,
          ...(maxAccuracyDrop !== undefined ? { maxAccuracyDrop } : {}),
          ...(maxClassRecallDrop !== undefined ? { maxClassRecallDrop } : {}),
          ...(maxLatencyIncrease !== undefined ? { maxLatencyIncrease } : {}),
          ...(maxGroupGap !== undefined ? { maxGroupGap } : {}),
        })
        return baseline.description
          ? { ...gated, baseline: { ...gated.baseline, history: baseline.description } }
          : gated
      },
      reports: (result) =>
        writeReports(
          { kind: 'gate', result },
          {
            ...(flags.format ? { format: flags.format } : {}),
            ...(flags.output ? { files: flags.output } : {}),
            json: this.jsonEnabled(),
          },
        ),
      exitCode: (result) => (result.passed ? undefined : EXIT_CODES.regression.code),
    })
  }
}
