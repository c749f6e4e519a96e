import { LIMITS } from '../base/limits.js'
import { Args, Flags } from '@oclif/core'
import { cacheDirFlag } from '../cli/flags/zoo.js'
import { zooModelForClaim } from '../zoo/forClaim.js'
import { FerbenchCommand } from '../cli/baseCommand.js'
import { runCommand } from '../cli/runCommand.js'
import { cardFlag, modelFlag, presetFlag } from '../cli/flags/model.js'
import { dataFlag } from '../cli/flags/dataset.js'
import { batchFlag, deviceFlag, runnerFlag, threadsFlag } from '../cli/flags/runner.js'
import { reproduceClaim, type ReproduceResult } from '../compare/reproduce.js'
import { renderReproduce } from '../report/reproduceView.js'

export default class Reproduce extends FerbenchCommand {
  static override summary =
    'Check a published claim: run its protocol and print claimed vs measured, the difference, the 95% interval and a verdict.'
  static override description =
    'Verdicts: "reproduced" (accuracy: the claimed value lies inside the measured 95% Wilson interval; size: within the claimed bound), ' +
    '"not reproduced", or "not comparable" (the protocol differs — each difference named —, ferbench cannot run it, or a speed claim on other hardware, ' +
    'reported as a ratio). The exit code is 0 whatever the verdict; read `verdict` in --json.'
  static override examples = [
    '<%= config.bin %> reproduce vgg19-fer2013-privatetest --model vgg19.onnx --data fer2013.csv',
    '<%= config.bin %> reproduce fixture-oracle-fer2013-privatetest --model fixtures/models/oracle.onnx --data fixtures/fer2013/fer2013.csv',
    '<%= config.bin %> reproduce fixture-oracle-fer2013-64px --model fixtures/models/oracle.onnx --data fixtures/fer2013/fer2013.csv',
    '<%= config.bin %> reproduce ferplus-ferplus-privatetest --pull --data fer2013.csv',
  ]

  static override args = { claim: Args.string({ description: 'claim id (see ferbench claims)', required: true }) }

  static override flags = {
    model: modelFlag({ description: 'the model to check' }),
    data: dataFlag({ description: "the claim's dataset, as downloaded (accuracy claims)" }),
    card: cardFlag({ description: "model card (default: the claim's preset, else the sidecar)" }),
    preset: presetFlag({ description: "a built-in model card instead of the claim's preset" }),
    batch: batchFlag(),
    threads: threadsFlag(`intra-op threads (1–${LIMITS.threads})`),
    device: deviceFlag(),
    runner: runnerFlag({ description: 'runner' }),
    pull: Flags.boolean({
      description:
        "without --model: download the claim's model from the registry first (`ferbench models list`), verified by sha256; never without this flag",
    }),
    'cache-dir': cacheDirFlag(),
  }

  async run(): Promise<ReproduceResult> {
    const { args, flags } = await this.parse(Reproduce)
    return runCommand(this.terminal(), {
      // no output file: the result goes to stdout (--json) or the table
      outputs: [],
      inputs: [],
      progress: { label: 'reproducing' },
      run: async ({ progress }) => {
        const zoo = flags.model
          ? {}
          : await zooModelForClaim(args.claim, {
              ...(flags['cache-dir'] ? { cacheDir: flags['cache-dir'] } : {}),
              pull: flags.pull,
              timeoutS: 30,
              attempts: 5,
            })
        const model = flags.model ?? zoo.path
        return reproduceClaim({
          claimId: args.claim,
          ...(model ? { model } : {}),
          ...(zoo.hint ? { modelHint: zoo.hint } : {}),
          ...(flags.data ? { data: flags.data } : {}),
          ...(flags.card ? { card: flags.card } : {}),
          ...(flags.preset ? { preset: flags.preset } : {}),
          batch: flags.batch,
          ...(flags.threads !== undefined ? { threads: flags.threads } : {}),
          device: flags.device,
          ...(flags.runner ? { runner: flags.runner } : {}),
          onProgress: (done) => progress.update(done),
        })
      },
      view: renderReproduce,
    })
  }
}
