import { Args, Flags } from '@oclif/core'
import { FerbenchCommand } from '../../cli/baseCommand.js'
import { cacheDirFlag } from '../../cli/flags/zoo.js'
import { progressOnStderr } from '../../cli/progress.js'
import { renderPull } from '../../report/zooViews.js'
import { cacheRoot } from '../../zoo/cache.js'
import { pullModel, type PullResult } from '../../zoo/pull.js'
import { entryBytes, requireZooEntry } from '../../zoo/registry.js'

export default class ModelsPull extends FerbenchCommand {
  static override summary =
    'Download a published model into the cache, verify its size and sha256 before it becomes visible, and write its card beside it.'
  static override description =
    'Resumes a cut download (HTTP Range), honours HTTPS_PROXY/HTTP_PROXY/NO_PROXY, and keeps nothing unverified at a model path. ' +
    'Air-gapped: --mirror <url or folder> fetches each file as <mirror>/<sha256>; --from <file> imports a file fetched by hand. ' +
    'Then: --model zoo:<name> wherever a model is taken. The licence is shown before the pull.'
  static override examples = [
    '<%= config.bin %> models pull emotion-ferplus-8',
    '<%= config.bin %> models pull human-emotion --cache-dir models-cache --from fixtures/models/human-emotion/emotion.json --from fixtures/models/human-emotion/emotion.bin',
    '<%= config.bin %> models pull human-emotion --cache-dir models-cache --from fixtures/models/human-emotion/emotion.json --from fixtures/models/human-emotion/emotion.bin --json',
    '<%= config.bin %> models pull fer-mobilefacenet-rafdb --mirror https://mirror.example.org/ferbench',
    '<%= config.bin %> models pull emotion-ferplus-8 --from emotion-ferplus-8.onnx',
  ]

  static override args = {
    name: Args.string({ description: 'registry name or alias (see `ferbench models list`)', required: true }),
  }

  static override flags = {
    'cache-dir': cacheDirFlag(),
    mirror: Flags.string({
      description: 'content-addressed mirror: a base URL or a folder holding each file as <mirror>/<sha256>',
      env: 'FERBENCH_MIRROR',
    }),
    from: Flags.string({
      description:
        'a file of this model you downloaded by hand (repeatable): matched by its sha256, copied into the cache',
      multiple: true,
    }),
    'timeout-s': Flags.integer({
      description: 'seconds without a byte before an attempt is given up',
      default: 30,
      min: 1,
      max: 3600,
    }),
    attempts: Flags.integer({
      description: 'attempts per file; each one after the first resumes where the last stopped',
      default: 5,
      min: 1,
      max: 50,
    }),
  }

  async run(): Promise<PullResult> {
    const { args, flags } = await this.parse(ModelsPull)
    const entry = requireZooEntry(args.name)
    const { licence } = entry
    this.warnToStderr(
      `${entry.name}: licence ${licence.name} (stated in ${licence.statedAt})${licence.restriction ? ` — ${licence.restriction}` : ''}`,
    )
    const totalKb = Math.ceil(entryBytes(entry) / 1000)
    const progress = progressOnStderr(!this.jsonEnabled(), `pulling ${entry.name}`, 'kB')
    progress.setTotal(totalKb)
    let result: PullResult
    try {
      result = await pullModel({
        entry,
        cacheDir: cacheRoot(flags['cache-dir']),
        ...(flags.mirror ? { mirror: flags.mirror } : {}),
        from: flags.from ?? [],
        timeoutS: flags['timeout-s'],
        attempts: flags.attempts,
        onBytes: (done) => progress.update(Math.floor(done / 1000)),
      })
    } finally {
      progress.stop()
    }
    if (!this.jsonEnabled()) this.log(renderPull(result))
    return result
  }
}
