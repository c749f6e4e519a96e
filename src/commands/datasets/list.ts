import { FerbenchCommand } from '../../cli/baseCommand.js'
import { datasetFactory, datasetNames } from '../../datasets/registry.js'
import type { DatasetInfo } from '../../datasets/types.js'
import { renderDatasetList } from '../../report/datasetTables.js'

export default class DatasetsList extends FerbenchCommand {
  static override summary = 'List the dataset adapters: splits, native label order, and what --data expects.'
  static override examples = ['<%= config.bin %> datasets list', '<%= config.bin %> datasets list --json']

  async run(): Promise<{ datasets: DatasetInfo[] }> {
    await this.parse(DatasetsList)
    const datasets = await Promise.all(datasetNames().map(async (n) => (await datasetFactory(n)).info))
    if (!this.jsonEnabled()) this.log(renderDatasetList(datasets))
    return { datasets }
  }
}
