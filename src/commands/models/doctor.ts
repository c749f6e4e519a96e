import { Flags } from '@oclif/core'
import { LIMITS } from '../../base/limits.js'
import { FerbenchCommand } from '../../cli/baseCommand.js'
import { datasetSelectionFlags, ignoreExifOrientationFlag, splitFlag } from '../../cli/flags/dataset.js'
import { cardFlag, modelFlag, presetFlag } from '../../cli/flags/model.js'
import { batchFlag, deviceFlag, runnerFlag, threadsFlag } from '../../cli/flags/runner.js'
import { evalDatasetOptions } from '../../cli/flags/dataset.js'
import { progressOnStderr } from '../../cli/progress.js'
import { writeFileAtomic } from '../../base/atomicWrite.js'
import { doctor, DOCTOR_DEFAULT_SAMPLES, DOCTOR_DEFAULT_SEED } from '../../doctor/doctor.js'
import type { DoctorResult } from '../../results/doctorDocument.js'
import { renderDoctor } from '../../report/doctorTable.js'
import { EXIT_CODES } from '../../base/exitCodes.js'

/** The first-order card fields the blocking ties leave open (resize and crop never block), for the message when no card is written. */
function undecidedFields(result: DoctorResult): string {
  const fields = [
    ...new Set(
      result.ties
        .filter((t) => t.blocking)
        .flatMap((t) => t.fields)
        .filter((f) => f !== 'resize' && f !== 'crop'),
    ),
  ]
  return fields.length > 0 ? fields.join(', ') : 'the card'
}

export default class ModelsDoctor extends FerbenchCommand {
  static override summary =
    'Find the card a model wants: try every scale, channel order, layout, resize and crop its input allows on a labelled sample.'
  static override description =
    'Takes a seeded stratified sample of the split, decodes each image once, runs the model under every candidate card and ranks them ' +
    "by accuracy under the best label assignment (the output count from one probe inference when the graph leaves it dynamic). McNemar's " +
    'exact test (p < 0.01) must separate the top card from every candidate that differs in scale, channel order, layout or labels; a tie in ' +
    "resize or crop only takes the given card's value, else bilinear and no crop, listed in origin.evidence.unsettled. While a tie blocks " +
    'the card the sample grows (the whole split, then other splits with --other-splits). See docs/doctor.md.'
  static override examples = [
    '<%= config.bin %> models doctor --model m.onnx --dataset fer2013 --data fer2013.csv --split PublicTest',
    '<%= config.bin %> models doctor --model m.onnx --dataset rafdb --data RAF-DB/basic --write-card m.onnx.ferbench.json',
    '<%= config.bin %> models doctor --model m.onnx --card m.card.json --dataset folder --data faces/ --json',
    '<%= config.bin %> models doctor --model fixtures/models/oracle.onnx --dataset fer2013 --data fixtures/fer2013/fer2013.csv --split PrivateTest',
    '<%= config.bin %> models doctor --model fixtures/models/oracle.onnx --dataset fer2013 --data fixtures/fer2013/fer2013.csv --split PrivateTest --other-splits --json',
    '<%= config.bin %> models doctor --model m.onnx --dataset fer2013 --data fer2013.csv --write-card m.onnx.ferbench.json && <%= config.bin %> eval --model m.onnx --data fer2013.csv',
  ]

  static override flags = {
    model: modelFlag({ required: true }),
    ...datasetSelectionFlags,
    split: splitFlag({ description: "split to sample (default: the adapter's default split)" }),
    samples: Flags.integer({
      char: 'n',
      description: 'images to sample, in equal shares per class',
      default: DOCTOR_DEFAULT_SAMPLES,
      min: 1,
      max: LIMITS.doctorSamples,
    }),
    seed: Flags.integer({ description: 'sampling seed', default: DOCTOR_DEFAULT_SEED, min: 0, max: LIMITS.seed }),
    'other-splits': Flags.boolean({
      description:
        "when a tie blocks the card even on every labelled image of --split, let the sample grow into the dataset's other splits (the model may have been trained on them)",
    }),
    card: cardFlag({
      description:
        'a card to check: its labels are the declared order; its resize and crop win ties in those fields, its values win among identical predictions (default: the sidecar, if any)',
    }),
    preset: presetFlag({ description: 'a built-in card to check (see `ferbench models presets`)' }),
    'write-card': Flags.string({
      description: `write the recommended card here (atomically), with origin {inferred, evidence}; when the sample leaves a scale, channel order, layout or label order open nothing is written and the exit code is ${EXIT_CODES.undecided.code}`,
    }),
    'ignore-exif-orientation': ignoreExifOrientationFlag,
    device: deviceFlag(),
    runner: runnerFlag(),
    threads: threadsFlag(),
    batch: batchFlag(`images per inference call, 1–${LIMITS.batch} (ignored when the model fixes its batch)`),
  }

  async run(): Promise<DoctorResult> {
    const { flags } = await this.parse(ModelsDoctor)
    const progress = progressOnStderr(!this.jsonEnabled(), 'ferbench models doctor', 'candidates')
    let result: DoctorResult
    try {
      result = await doctor({
        model: flags.model,
        dataset: flags.dataset,
        data: flags.data,
        ...(flags.split ? { split: flags.split } : {}),
        samples: flags.samples,
        seed: flags.seed,
        otherSplits: flags['other-splits'],
        ...(flags.card ? { card: flags.card } : {}),
        ...(flags.preset ? { preset: flags.preset } : {}),
        device: flags.device,
        ...(flags.runner ? { runner: flags.runner } : {}),
        ...(flags.threads !== undefined ? { threads: flags.threads } : {}),
        batch: flags.batch,
        datasetOptions: evalDatasetOptions(flags),
        onProgress: (done) => progress.update(done),
      })
    } finally {
      progress.stop()
    }
    if (!this.jsonEnabled()) this.log(renderDoctor(result))
    const target = flags['write-card']
    if (target) {
      if (result.recommended) {
        writeFileAtomic(target, `${JSON.stringify(result.recommended.card, null, 2)}\n`)
        this.logToStderr(`ferbench models doctor: wrote the recommended card (${result.recommended.name}) to ${target}`)
      } else {
        this.logToStderr(
          `ferbench models doctor: no card written to ${target}: the sample leaves ${undecidedFields(result)} open (see ties); exit ${EXIT_CODES.undecided.code}`,
        )
        process.exitCode = EXIT_CODES.undecided.code
      }
    }
    return result
  }
}
