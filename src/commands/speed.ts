import { Flags } from '@oclif/core'
import { FerbenchCommand } from '../cli/baseCommand.js'
import { runCommand } from '../cli/runCommand.js'
import { benchmark } from '../engine/speedBenchmark.js'
import { DEFAULT_REPEATS, SPEED_DEFAULTS } from '../engine/speedSpec.js'
import { speedSpecFromFlags } from '../cli/speedSpecFlags.js'
import type { SpeedResult } from '../results/speedDocument.js'
import { renderSpeedTables } from '../report/speedTable.js'
import { DEGENERATE_PREFIX } from '../metrics/degenerate.js'
import { cellProgress } from '../cli/progress.js'
import { cardFlag, modelFlag, presetFlag } from '../cli/flags/model.js'
import { deviceFlag, runnerFlag } from '../cli/flags/runner.js'
import { dataFlag, datasetFlag, splitFlag } from '../cli/flags/dataset.js'
import { outputFlag } from '../cli/flags/output.js'

export default class Speed extends FerbenchCommand {
  static override summary =
    'Measure latency and throughput: session creation, first inference, and warmed latency statistics per batch × threads.'
  static override description =
    'Times the runner call only, on a synthetic batch shaped by the model card (or the model input shape). Each cell runs at least ' +
    '--iterations calls AND --duration seconds after --warmup calls. Latency: mean, std, min, p50, p90, p95, p99 (nearest rank), max. ' +
    'Model bytes, parameters and multiply-accumulates come from the file. --reference times a second model in the same cells, interleaved ' +
    'in --repeats ABBA blocks, and records the latency ratio with a 95% interval (docs/detectors.md); ' +
    '--e2e also times the whole evaluation pipeline per stage on a dataset.'
  static override examples = [
    '<%= config.bin %> speed --model m.onnx',
    '<%= config.bin %> speed --model m.onnx --batch 1,8,32 --threads 1,2 --iterations 200 --duration 5 --json --output speed.json',
    '<%= config.bin %> speed --model new.onnx --reference old.onnx --batch 1',
    '<%= config.bin %> speed --model m.onnx --e2e --dataset fer2013 --data fer2013.csv --split PrivateTest',
    '<%= config.bin %> speed --model fixtures/models/tinyconv.onnx --duration 0.2',
    '<%= config.bin %> speed --model fixtures/models/tinyconv.onnx --reference fixtures/models/oracle.onnx --batch 1,4 --duration 0.2 --json --output speed.json',
  ]

  static override flags = {
    model: modelFlag({ required: true }),
    card: cardFlag({
      description:
        'model card JSON (default: <model>.ferbench.json; without any card the input shape is read from the model)',
    }),
    preset: presetFlag({ description: 'a built-in model card by name' }),
    runner: runnerFlag(),
    device: deviceFlag(),
    batch: Flags.string({
      char: 'b',
      description: 'images per call, comma-separated: one cell each',
      default: SPEED_DEFAULTS.batches.join(','),
    }),
    threads: Flags.string({
      description: 'intra-op threads, comma-separated: one session each (default: the engine decides)',
    }),
    warmup: Flags.integer({ description: 'untimed calls before each cell', default: SPEED_DEFAULTS.warmup, min: 0 }),
    iterations: Flags.integer({
      description: 'minimum timed calls per cell',
      default: SPEED_DEFAULTS.minIterations,
      min: 1,
    }),
    duration: Flags.string({
      description: 'minimum seconds per cell (both minimums must be met)',
      default: String(SPEED_DEFAULTS.minDurationS),
    }),
    reference: Flags.string({
      description:
        "a reference model timed in the same run and cells, interleaved in ABBA blocks; each cell gets latencyRatio (median call latency / the reference's, geometric mean over blocks) and latencyRatioCI95",
    }),
    repeats: Flags.integer({
      description:
        'with --reference: ABBA blocks per cell (the --iterations and --duration minimums are split over them)',
      default: DEFAULT_REPEATS,
      min: 1,
    }),
    'reference-card': Flags.string({
      description: 'model card of the reference (default: its sidecar, else its input shape)',
    }),
    e2e: Flags.boolean({
      description: 'also time the whole pipeline (read → decode → preprocess → infer → metrics) on --dataset/--data',
    }),
    dataset: datasetFlag({ description: 'with --e2e: dataset adapter', default: 'fer2013' }),
    data: dataFlag({ description: 'with --e2e: the dataset file or folder' }),
    split: splitFlag({ description: 'with --e2e: split' }),
    output: outputFlag(),
  }

  async run(): Promise<SpeedResult> {
    const { flags } = await this.parse(Speed)
    const spec = speedSpecFromFlags(flags)
    return runCommand(this.terminal(), {
      outputs: [{ flag: '--output', file: flags.output }],
      inputs: [
        { flag: '--model', file: flags.model },
        { flag: '--card', file: flags.card },
        { flag: '--reference', file: flags.reference },
        { flag: '--reference-card', file: flags['reference-card'] },
        { flag: '--data', file: flags.data },
      ],
      // one timed cell per batch × threads (and as many end-to-end runs with --e2e): done/total and ETA
      progress: { label: 'ferbench speed', unit: 'cells' },
      run: ({ progress }) =>
        benchmark(spec, {
          onProgress: progress.active
            ? cellProgress(progress, spec.batches.length * spec.threads.length * (spec.e2e ? 2 : 1))
            : undefined,
        }),
      warnings: (result) =>
        result.warnings.filter((w) => w.startsWith(DEGENERATE_PREFIX)).map((w) => `ferbench speed: warning: ${w}`),
      output: flags.output,
      view: renderSpeedTables,
    })
  }
}
