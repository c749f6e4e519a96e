import { FerbenchCommand } from '../../cli/baseCommand.js'
import { cacheDirFlag } from '../../cli/flags/zoo.js'
import { renderModelsList } from '../../report/zooViews.js'
import { cacheRoot } from '../../zoo/cache.js'
import { listModels, type ModelsListResult } from '../../zoo/list.js'

export default class ModelsList extends FerbenchCommand {
  static override summary =
    'List the published models ferbench can pull (pinned by sha256), with size, licence, card, the claims they answer and whether they are cached.'
  static override examples = [
    '<%= config.bin %> models list',
    '<%= config.bin %> models list --json',
    '<%= config.bin %> models list --cache-dir models-cache',
  ]

  static override flags = { 'cache-dir': cacheDirFlag() }

  async run(): Promise<ModelsListResult> {
    const { flags } = await this.parse(ModelsList)
    const result = listModels(cacheRoot(flags['cache-dir']))
    if (!this.jsonEnabled()) this.log(renderModelsList(result))
    return result
  }
}
