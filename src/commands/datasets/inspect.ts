import { FerbenchCommand } from '../../cli/baseCommand.js'
import { datasetSelectionFlags, foldsFlag } from '../../cli/flags/dataset.js'
import { evalDatasetOptions } from '../../cli/datasetFlags.js'
import { inspectDataset } from '../../audit/inspectDataset.js'
import type { DatasetInspectResult } from '../../documents/datasetInspectDocument.js'
import { renderInspect } from '../../report/datasetTables.js'

export default class DatasetsInspect extends FerbenchCommand {
  static override summary =
    'Count samples, classes and subjects per split (or per subject-independent fold), compared with the canonical counts.'
  static override description =
    'Reads labels and file lists only (no image is decoded). A count that differs from the canonical count in docs/datasets.md is a warning.'
  static override examples = [
    '<%= config.bin %> datasets inspect --dataset fer2013 --data fer2013.csv',
    '<%= config.bin %> datasets inspect --dataset ckplus --data CK+48 --folds 10 --json',
    '<%= config.bin %> datasets inspect --dataset fer2013 --data fixtures/fer2013/fer2013.csv',
    '<%= config.bin %> datasets inspect --dataset ckplus --data fixtures/ckplus/CK+48 --folds 3 --json',
  ]

  static override flags = {
    ...datasetSelectionFlags,
    folds: foldsFlag('show subject-independent folds of the split (default split unless --split) instead of splits'),
  }

  async run(): Promise<DatasetInspectResult> {
    const { flags } = await this.parse(DatasetsInspect)
    const result = await inspectDataset({
      dataset: flags.dataset,
      data: flags.data,
      ...(flags.split ? { split: flags.split } : {}),
      ...evalDatasetOptions(flags),
    })
    if (!this.jsonEnabled()) this.log(renderInspect(result))
    return result
  }
}
