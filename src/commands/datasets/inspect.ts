import { FerbenchCommand } from '../../cli/baseCommand.js'
import { Flags } from '@oclif/core'
import { datasetSelectionFlags, faceFlags, foldsFlag } from '../../cli/flags/dataset.js'
import { inspectFaces } from '../../audit/inspectFaces.js'
import { usageError } from '../../base/errors.js'
import { assertWritable } from '../../base/atomicWrite.js'
import { evalDatasetOptions } from '../../cli/flags/dataset.js'
import { inspectDataset } from '../../audit/inspectDataset.js'
import type { DatasetInspectResult } from '../../results/datasetInspectDocument.js'
import { renderInspect } from '../../report/datasetTables.js'

export default class DatasetsInspect extends FerbenchCommand {
  static override summary =
    'Count samples, classes and subjects per split (or per subject-independent fold), compared with the canonical counts.'
  static override description =
    'Reads labels and file lists only (no image is decoded). A count that differs from the canonical count in docs/datasets.md is a warning. ' +
    'With --faces detect, every image is decoded and the face detector run on it: the detection rate per class, the images without a face, and (--contact-sheet) a PNG of the crops to look at.'
  static override examples = [
    '<%= config.bin %> datasets inspect --dataset fer2013 --data fer2013.csv',
    '<%= config.bin %> datasets inspect --dataset ckplus --data CK+48 --folds 10 --json',
    '<%= config.bin %> datasets inspect --dataset fer2013 --data fixtures/fer2013/fer2013.csv',
    '<%= config.bin %> datasets inspect --dataset ckplus --data fixtures/ckplus/CK+48 --folds 3 --json',
    '<%= config.bin %> datasets inspect --dataset jaffe --data fixtures/jaffe-frames --faces detect --contact-sheet faces.png',
  ]

  static override flags = {
    ...datasetSelectionFlags,
    folds: foldsFlag('show subject-independent folds of the split (default split unless --split) instead of splits'),
    ...faceFlags,
    'contact-sheet': Flags.string({
      description:
        'with --faces detect: write a PNG of the face crops, then the images without a face (red frame), atomically',
    }),
  }

  async run(): Promise<DatasetInspectResult> {
    const { flags } = await this.parse(DatasetsInspect)
    if (flags['contact-sheet'] && flags.faces !== 'detect')
      throw usageError('--contact-sheet needs --faces detect (it shows the detected face crops)')
    const result = await inspectDataset({
      dataset: flags.dataset,
      data: flags.data,
      ...(flags.split ? { split: flags.split } : {}),
      ...evalDatasetOptions(flags),
    })
    if (flags.faces === 'detect') {
      if (flags['contact-sheet']) assertWritable(flags['contact-sheet'])
      const faces = await inspectFaces({
        dataset: flags.dataset,
        data: flags.data,
        ...(flags.split ? { split: flags.split } : {}),
        ...evalDatasetOptions(flags),
        ...(flags['contact-sheet'] ? { contactSheet: flags['contact-sheet'] } : {}),
      })
      result.faces = faces
    }
    if (!this.jsonEnabled()) this.log(renderInspect(result))
    return result
  }
}
